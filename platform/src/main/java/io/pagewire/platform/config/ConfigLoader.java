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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
    return load(file, List.of());
  }

  /**
   * Reads {@code file}, checks it, and runs {@code checks} (a service's own checks, for example
   * the notifier's channel binding); every problem a check finds is reported, each with its line.
   */
  public static PagewireConfig load(Path file, List<ConfigCheck> checks) {
    try (Reader reader = Files.newBufferedReader(file)) {
      return parse(file.toString(), reader, checks);
    } catch (IOException e) {
      if (e instanceof JsonMappingException) {
        throw new ConfigException(describe(file.toString(), (JsonMappingException) e));
      }
      throw new ConfigException(file + ": " + e.getMessage());
    }
  }

  public static PagewireConfig parse(String name, String yaml) {
    return parse(name, yaml, List.of());
  }

  /** As {@link #load(Path, List)}, for text named {@code name} in messages. */
  public static PagewireConfig parse(String name, String yaml, List<ConfigCheck> checks) {
    try {
      return parse(name, new StringReader(yaml), checks);
    } catch (IOException e) {
      if (e instanceof JsonMappingException) {
        throw new ConfigException(describe(name, (JsonMappingException) e));
      }
      throw new ConfigException(name + ": " + e.getMessage());
    }
  }

  private static PagewireConfig parse(String name, Reader reader, List<ConfigCheck> checks) throws IOException {
    String text = new BufferedReader(reader).lines().collect(Collectors.joining("\n"));
    PagewireConfig config = text.isBlank() ? null : YAML.readValue(text, PagewireConfig.class);
    if (config == null) {
      config = PagewireConfig.defaults();
    }
    validate(name, config);
    List<ConfigProblem> problems = new ArrayList<>(references(config));
    for (ConfigCheck check : checks) {
      problems.addAll(check.problems(config));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(located(name, ConfigLines.of(text), problems));
    }
    return config;
  }

  /** Each problem as {@code FILE line L, column C: path: message}, in the order of the file. */
  private static List<String> located(String name, ConfigLines lines, List<ConfigProblem> problems) {
    record Located(ConfigProblem problem, JsonLocation where) {}
    Comparator<Located> byPlace = Comparator.comparingInt(
        (Located l) -> l.where() == null ? Integer.MAX_VALUE : l.where().getLineNr())
        .thenComparingInt(l -> l.where() == null ? 0 : l.where().getColumnNr());
    return problems.stream()
        .map(problem -> new Located(problem, lines.find(problem.path()).orElse(null)))
        .sorted(byPlace)
        .map(l -> (l.where() == null ? name
            : name + " line " + l.where().getLineNr() + ", column " + l.where().getColumnNr()) + ": " + l.problem())
        .toList();
  }

  /**
   * References between sections that every service relies on: the channel each contact method
   * goes through, and the users, schedules, teams, policies and channels the escalation section
   * names.
   */
  static List<ConfigProblem> references(PagewireConfig config) {
    List<ConfigProblem> problems = new ArrayList<>();
    Set<String> channels = config.notifier().channels().keySet();
    new TreeMap<>(config.users()).forEach((id, user) -> {
      List<PagewireConfig.ContactMethod> methods = user.contactMethods();
      for (int i = 0; i < methods.size(); i++) {
        String channel = methods.get(i).channel();
        if (!channels.contains(channel)) {
          problems.add(new ConfigProblem("users." + id + ".contactMethods[" + i + "].channel",
              "unknown notifier channel '" + channel + "' (known: " + String.join(", ", new TreeSet<>(channels)) + ")"));
        }
      }
    });
    new TreeMap<>(config.integrations()).forEach((name, integration) -> {
      if (integration.routingKey() == null) {
        problems.add(new ConfigProblem("integrations." + name + ".routingKey", "is required"));
      }
    });
    Set<String> heartbeatNames = new java.util.HashSet<>();
    for (int i = 0; i < config.heartbeats().size(); i++) {
      PagewireConfig.Heartbeat heartbeat = config.heartbeats().get(i);
      String at = "heartbeats[" + i + "]";
      if (heartbeat.name() == null || !heartbeat.name().matches("[A-Za-z0-9._-]+")) {
        problems.add(new ConfigProblem(at + ".name", "is required: letters, digits, '.', '_' and '-'"));
      } else if (!heartbeatNames.add(heartbeat.name())) {
        problems.add(new ConfigProblem(at + ".name", "'" + heartbeat.name() + "' is used twice"));
      }
      if (heartbeat.interval() == null || heartbeat.interval().isZero() || heartbeat.interval().isNegative()) {
        problems.add(new ConfigProblem(at + ".interval", "is required and must be positive"));
      }
      if (heartbeat.grace().isNegative()) {
        problems.add(new ConfigProblem(at + ".grace", "must not be negative"));
      }
      try {
        Matchers.parse(heartbeat.matchers());
      } catch (IllegalArgumentException e) {
        problems.add(new ConfigProblem(at + ".matchers", e.getMessage()));
      }
    }
    String escalation = config.escalation().referenceProblem(config.users().keySet(), channels);
    if (escalation != null) {
      // "escalation.policies.p.steps[0].channels: unknown ..." names its key first.
      int colon = escalation.indexOf(": ");
      problems.add(colon > 0 ? new ConfigProblem(escalation.substring(0, colon), escalation.substring(colon + 2))
          : new ConfigProblem("escalation", escalation));
    }
    return problems;
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
