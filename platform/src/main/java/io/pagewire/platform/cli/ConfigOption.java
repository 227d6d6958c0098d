package io.pagewire.platform.cli;

import io.pagewire.platform.config.ConfigCheck;
import io.pagewire.platform.config.ConfigException;
import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE}, the one way every command is given a configuration. Without it the
 * sample configuration (config/pagewire.yaml, on the launcher's classpath) is used, which points
 * at {@code pagewire run}'s embedded broker; without that, the defaults.
 */
public final class ConfigOption {

  public static final String SAMPLE = "pagewire.yaml";

  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (default: the sample configuration config/pagewire.yaml).")
  Path file;

  public Path file() {
    return file;
  }

  public PagewireConfig load() {
    return load(List.of());
  }

  /** The configuration, checked by {@code checks} too; throws {@link ConfigException} listing every problem. */
  public PagewireConfig load(List<ConfigCheck> checks) {
    if (file != null) {
      return ConfigLoader.load(file, checks);
    }
    return sample(checks);
  }

  /** Where the configuration came from, for messages. */
  public String describe() {
    return file != null ? file.toString() : "sample configuration";
  }

  /** The sample configuration on the classpath, or the defaults when there is none. */
  public static PagewireConfig sample(List<ConfigCheck> checks) {
    try (InputStream in = ConfigOption.class.getClassLoader().getResourceAsStream(SAMPLE)) {
      if (in == null) {
        return PagewireConfig.defaults();
      }
      return ConfigLoader.parse("sample configuration (config/pagewire.yaml)", new String(in.readAllBytes(), StandardCharsets.UTF_8), checks);
    } catch (IOException e) {
      throw new ConfigException("cannot read the sample configuration: " + e.getMessage());
    }
  }
}
