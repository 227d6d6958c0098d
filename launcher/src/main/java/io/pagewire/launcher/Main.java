package io.pagewire.launcher;

import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.notifier.channel.ChannelRegistry;
import io.pagewire.notifier.template.Templates;
import io.pagewire.platform.config.ConfigCheck;
import io.pagewire.platform.config.ConfigException;
import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code pagewire} command.
 *
 * <pre>
 * pagewire run [--config FILE] [--data-dir DIR]   every service and an embedded broker in this JVM
 * pagewire service NAME [--config FILE]            one service against kafka.bootstrapServers
 * pagewire check-config [--config FILE]            validate a configuration file (every channel and
 *                                                  template included) and exit; each problem is one
 *                                                  line with its file, line and column
 * </pre>
 *
 * Without {@code --config} the sample configuration (config/pagewire.yaml) is used.
 */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);
  static final String SAMPLE_CONFIG = "pagewire.yaml";

  /**
   * The services' own checks of a configuration, run wherever this command reads one (check-config,
   * run, service), so that a bad channel or template is reported with its line before anything
   * starts: the notifier binds every channel's typed settings and compiles its templates.
   */
  static final List<ConfigCheck> CHECKS = List.of(ChannelRegistry::check, Templates::check);

  private Main() {}

  public static void main(String[] args) {
    try {
      System.exit(run(args));
    } catch (ConfigException e) {
      e.problems().forEach(problem -> System.err.println("pagewire: " + problem));
      System.exit(2);
    } catch (IllegalArgumentException e) {
      System.err.println("pagewire: " + e.getMessage());
      System.exit(2);
    }
  }

  static int run(String[] argv) throws ConfigException {
    Deque<String> args = new ArrayDeque<>(List.of(argv));
    String command = args.isEmpty() ? "help" : args.poll();
    switch (command) {
      case "run" -> {
        Options options = Options.parse(args);
        runEmbedded(options.config(), options.dataDir != null ? options.dataDir : Path.of("data"));
        return 0;
      }
      case "service" -> {
        String name = args.poll();
        if (name == null) {
          throw new IllegalArgumentException("service needs a name: one of " + ServiceCatalog.names());
        }
        Options options = Options.parse(args);
        runServices(options.config(), List.of(name));
        return 0;
      }
      case "check-config" -> {
        Options options = Options.parse(args);
        options.config();
        System.out.println("ok: " + (options.configFile != null ? options.configFile : "sample configuration"));
        return 0;
      }
      case "report" -> { return io.pagewire.reports.ReportCommand.run(args.toArray(String[]::new)); }
      case "routes" -> { return io.pagewire.router.cli.RoutesTestCommand.run(args.toArray(String[]::new)); }
      case "oncall", "override" -> { return io.pagewire.escalation.cli.OnCallCommand.run(command, args.toArray(String[]::new)); }
      case "incident" -> { return io.pagewire.escalation.cli.IncidentCommand.run(args.toArray(String[]::new)); }
      case "help", "--help", "-h" -> {
        System.out.println("""
            usage: pagewire run [--config FILE] [--data-dir DIR]
                   pagewire service (%s) [--config FILE]
                   pagewire check-config [--config FILE]
                   pagewire routes test [--config FILE] LABEL=VALUE...
                   pagewire routes replay --config NEW.yaml (--since 7d | --from T [--to T]) [--format table|json]
                   %s
                   %s
                   %s""".formatted(String.join("|", ServiceCatalog.names()), io.pagewire.reports.ReportCommand.USAGE,
                io.pagewire.escalation.cli.OnCallCommand.USAGE, io.pagewire.escalation.cli.IncidentCommand.USAGE));
        return 0;
      }
      default -> throw new IllegalArgumentException("unknown command '" + command + "'; try pagewire help");
    }
  }

  /** The demo: a real broker on the port of kafka.bootstrapServers, every service, until Ctrl-C. */
  static void runEmbedded(PagewireConfig config, Path dataDir) {
    int port = loopbackPort(config.kafka().bootstrapServers());
    EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka").toAbsolutePath(), port);
    PagewireConfig embedded = config.withKafka(kafka.bootstrapServers(), dataDir.resolve("streams").toAbsolutePath());
    Pipeline pipeline;
    try {
      pipeline = Pipeline.start(embedded, ServiceCatalog.names());
    } catch (IOException | RuntimeException e) {
      kafka.close();
      throw new IllegalStateException("cannot start: " + e.getMessage(), e);
    }
    log.info("Pagewire is running. Kafka at {}; webhook: POST http://{}:{}/api/v1/alerts/alertmanager; incidents: GET http://{}:{}/api/v1/incidents. Ctrl-C stops.",
        kafka.bootstrapServers(), config.http().host(), pipeline.httpPort(), config.http().host(), pipeline.httpPort());
    awaitShutdown(() -> {
      pipeline.close();
      kafka.close();
    });
  }

  static void runServices(PagewireConfig config, List<String> names) {
    Pipeline pipeline;
    try {
      pipeline = Pipeline.start(config, names);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start: " + e.getMessage(), e);
    }
    log.info("{} running against {}; HTTP on {}:{}", names, config.kafka().bootstrapServers(), config.http().host(), pipeline.httpPort());
    awaitShutdown(pipeline::close);
  }

  private static int loopbackPort(String bootstrapServers) {
    String first = bootstrapServers.split(",")[0].strip();
    int colon = first.lastIndexOf(':');
    String host = colon < 0 ? first : first.substring(0, colon);
    if (!host.equals("localhost") && !host.equals("127.0.0.1")) {
      throw new ConfigException("pagewire run starts its own broker, so kafka.bootstrapServers must be"
          + " 127.0.0.1:PORT or localhost:PORT (it is " + bootstrapServers + "); use 'pagewire service' against a cluster");
    }
    return colon < 0 ? 9092 : Integer.parseInt(first.substring(colon + 1));
  }

  private static void awaitShutdown(Runnable stop) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping");
      try {
        stop.run();
      } finally {
        stopped.countDown();
      }
    }, "shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class Options {
    Path configFile;
    Path dataDir;

    static Options parse(Deque<String> args) {
      Options options = new Options();
      while (!args.isEmpty()) {
        String arg = args.poll();
        switch (arg) {
          case "--config" -> options.configFile = Path.of(value(arg, args));
          case "--data-dir" -> options.dataDir = Path.of(value(arg, args));
          default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
        }
      }
      return options;
    }

    private static String value(String option, Deque<String> args) {
      String value = args.poll();
      if (value == null) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return value;
    }

    PagewireConfig config() {
      if (configFile != null) {
        return ConfigLoader.load(configFile, CHECKS);
      }
      try (InputStream in = Main.class.getClassLoader().getResourceAsStream(SAMPLE_CONFIG)) {
        if (in == null) {
          throw new ConfigException("the sample configuration is missing from the jar");
        }
        return ConfigLoader.parse("sample configuration (config/pagewire.yaml)", new String(in.readAllBytes(), StandardCharsets.UTF_8), CHECKS);
      } catch (IOException e) {
        throw new ConfigException("cannot read the sample configuration: " + e.getMessage());
      }
    }
  }
}
