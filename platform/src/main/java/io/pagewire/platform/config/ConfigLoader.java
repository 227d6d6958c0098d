package io.pagewire.platform.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Reads and checks the YAML configuration file. */
public final class ConfigLoader {

  /** The mapper for configuration: YAML, strict about unknown keys, operator-style durations. */
  public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .registerModule(new SimpleModule("pagewire-config").addDeserializer(Duration.class, new DurationDeserializer()))
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private ConfigLoader() {}

  public static PagewireConfig load(Path file) {
    try (Reader reader = Files.newBufferedReader(file)) {
      return parse(file.toString(), reader);
    } catch (IOException e) {
      if (e instanceof JsonMappingException) {
        throw new ConfigException(describe(file.toString(), (JsonMappingException) e));
      }
      throw new ConfigException(file + ": " + e.getMessage());
    }
  }

  public static PagewireConfig parse(String name, String yaml) {
    try {
      return parse(name, new StringReader(yaml));
    } catch (IOException e) {
      if (e instanceof JsonMappingException) {
        throw new ConfigException(describe(name, (JsonMappingException) e));
      }
      throw new ConfigException(name + ": " + e.getMessage());
    }
  }

  private static PagewireConfig parse(String name, Reader reader) throws IOException {
    String text = new BufferedReader(reader).lines().collect(Collectors.joining("\n"));
    PagewireConfig config = text.isBlank() ? null : YAML.readValue(text, PagewireConfig.class);
    if (config == null) {
      config = PagewireConfig.defaults();
    }
    validate(name, config);
    return config;
  }

  static void validate(String name, PagewireConfig config) {
    PagewireConfig.Http http = config.http();
    if (!isLoopback(http.host()) && !http.auth().configured()) {
      throw new ConfigException(name + ": http.host is " + http.host()
          + ", which is reachable from other machines, but http.auth has no credentials."
          + " Set http.auth.bearerToken (or username and password), or listen on 127.0.0.1.");
    }
    if (!isLoopback(http.host()) && config.escalation().linkSigningKey() == null) {
      // A per-process random key would break every one-click link at a restart or on another instance.
      throw new ConfigException(name + ": http.host is " + http.host()
          + " but escalation.linkSigningKey is not set; one-click links need a key shared by every"
          + " instance and kept across restarts (e.g. linkSigningKey: ${file:/run/secrets/link-key}).");
    }
    String escalation = config.escalation().referenceProblem(config.users().keySet(), config.notifier().channels().keySet());
    if (escalation != null) {
      throw new ConfigException(name + ": " + escalation);
    }
    // Routes name policies and teams of the escalation section.
    List<String> routing = config.classification().unknownReferences(
        config.escalation().policies().keySet(), config.escalation().teams().keySet());
    if (!routing.isEmpty()) {
      throw new ConfigException(name + " " + String.join("; " + name + " ", routing));
    }
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String describe(String name, JsonMappingException e) {
    JsonLocation where = e.getLocation();
    String place = where == null ? name
        : name + " line " + where.getLineNr() + ", column " + where.getColumnNr();
    String path = e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
    if (e instanceof UnrecognizedPropertyException u) {
      return place + ": unknown key '" + path + "' (known here: "
          + u.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")";
    }
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String problem = cause == e ? e.getOriginalMessage() : cause.getMessage();
    return place + ": " + (path.isEmpty() ? "" : path + ": ") + problem;
  }

  private static final class DurationDeserializer extends StdScalarDeserializer<Duration> {
    DurationDeserializer() {
      super(Duration.class);
    }

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      try {
        return Durations.parse(p.getValueAsString(""));
      } catch (RuntimeException e) {
        throw JsonMappingException.from(p, e.getMessage(), e);
      }
    }
  }
}
