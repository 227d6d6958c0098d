package io.pagewire.escalation.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.escalation.schedule.OnCall;
import io.pagewire.escalation.schedule.OverrideSource;
import io.pagewire.platform.config.ConfigException;
import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.ScheduleOverride;
import io.pagewire.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code pagewire oncall} and {@code pagewire override}: who is on call, from the configuration
 * file (with the overrides read from Kafka when it is reachable), and overrides managed through
 * the HTTP API of a running escalation service.
 */
public final class OnCallCommand {

  public static final String USAGE = """
      pagewire oncall [--schedule S] [--at TIME] [--config FILE]
             pagewire override add --schedule S --user U [--replaces U] --start TIME --end TIME [--config FILE] [--url URL] [--token T]
             pagewire override list --schedule S [--config FILE] [--url URL] [--token T]
             pagewire override delete --schedule S --id ID [--config FILE] [--url URL] [--token T]
               (TIME: 2026-03-08T09:00:00Z, 2026-03-08T09:00+01:00, or 2026-03-08T09:00 in the schedule's zone;
                the token is --token or $PAGEWIRE_TOKEN)""";

  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm zzz (EEE)", Locale.ENGLISH);
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(5);

  private OnCallCommand() {}

  /** Runs {@code command} ({@code oncall} or {@code override}); returns the exit code. */
  public static int run(String command, String[] args) {
    return run(command, List.of(args), System.out, System.getenv());
  }

  /** Runs {@code command} writing to {@code out}, with {@code env} as the environment (PAGEWIRE_TOKEN). */
  public static int run(String command, List<String> argv, PrintStream out, Map<String, String> env) {
    List<String> args = new ArrayList<>(argv);
    String action = command.equals("override") ? (args.isEmpty() ? "" : args.remove(0)) : "";
    Map<String, String> options = options(args);
    PagewireConfig config = config(options.get("--config"));
    return switch (command) {
      case "oncall" -> onCall(config, options, out);
      case "override" -> override(action, config, options, out, env);
      default -> throw new IllegalArgumentException("unknown command " + command);
    };
  }

  private static int onCall(PagewireConfig config, Map<String, String> options, PrintStream out) {
    String only = options.get("--schedule");
    List<String> schedules = only != null ? List.of(only) : List.copyOf(new java.util.TreeSet<>(config.escalation().schedules().keySet()));
    if (only != null && !config.escalation().schedules().containsKey(only)) {
      throw new IllegalArgumentException("no schedule " + only + " in the configuration (schedules: "
          + String.join(", ", config.escalation().schedules().keySet()) + ")");
    }
    if (schedules.isEmpty()) {
      out.println("no schedules configured (escalation.schedules)");
      return 0;
    }
    // A local --at is read in the schedule's zone when there is one schedule to show, else in UTC.
    ZoneId zone = ZoneId.of(only != null ? config.escalation().schedules().get(only).zone() : "UTC");
    Instant at = options.containsKey("--at") ? time(options.get("--at"), zone) : Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Collection<ScheduleOverride> overrides;
    String note;
    try {
      overrides = readOverrides(config);
      note = overrides.size() + " override(s) read from " + Topics.SCHEDULE_OVERRIDES.name();
    } catch (KafkaException e) {
      overrides = List.of();
      note = "overrides NOT included: cannot read " + Topics.SCHEDULE_OVERRIDES.name() + " from "
          + config.kafka().bootstrapServers() + " (" + e.getClass().getSimpleName() + ")";
    }
    OnCall onCall = new OnCall(config, OverrideSource.of(overrides));
    out.println("on call at " + at + "; " + note);
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"SCHEDULE", "ZONE", "ON CALL", "UNTIL"});
    for (String name : schedules) {
      Instant until = onCall.until(name, at);
      List<String> users = onCall.onCall(name, at);
      rows.add(new String[] {name, onCall.zone(name).getId(), users.isEmpty() ? "(nobody)" : String.join(", ", users),
          until == null ? "-" : LOCAL.format(until.atZone(onCall.zone(name)))});
    }
    print(rows, out);
    return 0;
  }

  private static int override(String action, PagewireConfig config, Map<String, String> options, PrintStream out,
      Map<String, String> env) {
    String schedule = required(options, "--schedule");
    String base = options.getOrDefault("--url", "http://" + apiHost(config.http().host()) + ":" + config.http().port());
    String token = options.getOrDefault("--token", env.get("PAGEWIRE_TOKEN"));
    String path = base + "/api/v1/schedules/" + URLEncoder.encode(schedule, StandardCharsets.UTF_8) + "/overrides";
    ScheduleOverridesClient client = new ScheduleOverridesClient(token);
    ZoneId zone = config.escalation().schedules().containsKey(schedule)
        ? ZoneId.of(config.escalation().schedules().get(schedule).zone()) : ZoneId.of("UTC");
    return switch (action) {
      case "add" -> {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", required(options, "--user"));
        body.put("replaces", options.get("--replaces"));
        body.put("start", time(required(options, "--start"), zone).toString());
        body.put("end", time(required(options, "--end"), zone).toString());
        HttpResponse<String> response = client.send("POST", path, body);
        if (response.statusCode() != 201) {
          yield failed(response, out);
        }
        JsonNode o = parse(response.body());
        out.println("added override " + o.path("id").asText() + ": " + describe(o, zone));
        yield 0;
      }
      case "list" -> {
        HttpResponse<String> response = client.send("GET", path, null);
        if (response.statusCode() != 200) {
          yield failed(response, out);
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "USER", "REPLACES", "START", "END", "BY"});
        for (JsonNode o : parse(response.body()).path("overrides")) {
          rows.add(new String[] {o.path("id").asText(), o.path("user").asText(),
              o.path("replaces").isNull() ? "(everyone)" : o.path("replaces").asText(),
              LOCAL.format(Instant.parse(o.path("start").asText()).atZone(zone)),
              LOCAL.format(Instant.parse(o.path("end").asText()).atZone(zone)), o.path("createdBy").asText()});
        }
        print(rows, out);
        yield 0;
      }
      case "delete" -> {
        String id = required(options, "--id");
        HttpResponse<String> response = client.send("DELETE", path + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8), null);
        if (response.statusCode() != 204) {
          yield failed(response, out);
        }
        out.println("deleted override " + id);
        yield 0;
      }
      default -> throw new IllegalArgumentException("override needs add, list or delete; usage:\n       " + USAGE);
    };
  }

  /**
   * Every override in the compacted topic, read without a consumer group (assign and seek to
   * the beginning) up to the end offsets of now.
   *
   * @throws KafkaException when Kafka cannot be reached within a few seconds
   */
  static Collection<ScheduleOverride> readOverrides(PagewireConfig config) {
    Properties props = KafkaSettings.common(config, "pagewire-cli-oncall");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
    props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
    Map<String, ScheduleOverride> byId = new LinkedHashMap<>();
    try (KafkaConsumer<String, ScheduleOverride> consumer = new KafkaConsumer<>(props,
        Topics.SCHEDULE_OVERRIDES.keySerde().deserializer(), Topics.SCHEDULE_OVERRIDES.valueSerde().deserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(Topics.SCHEDULE_OVERRIDES.name(), KAFKA_TIMEOUT);
      if (infos == null || infos.isEmpty()) {
        return List.of();
      }
      List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, KAFKA_TIMEOUT);
      long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p, KAFKA_TIMEOUT) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new KafkaException("timed out reading " + Topics.SCHEDULE_OVERRIDES.name());
        }
        for (ConsumerRecord<String, ScheduleOverride> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() == null) {
            byId.remove(r.key());
          } else {
            byId.put(r.key(), r.value());
          }
        }
      }
    }
    return byId.values();
  }

  private static int failed(HttpResponse<String> response, PrintStream out) {
    JsonNode error = parse(response.body());
    out.println("failed: HTTP " + response.statusCode() + ": "
        + (error.hasNonNull("message") ? error.path("message").asText() : response.body()));
    return 1;
  }

  private static String describe(JsonNode o, ZoneId zone) {
    return o.path("user").asText() + (o.path("replaces").isNull() ? " alone" : " instead of " + o.path("replaces").asText())
        + " on " + o.path("schedule").asText() + " from " + LOCAL.format(Instant.parse(o.path("start").asText()).atZone(zone))
        + " to " + LOCAL.format(Instant.parse(o.path("end").asText()).atZone(zone));
  }

  private static JsonNode parse(String body) {
    try {
      return Json.MAPPER.readTree(body.isEmpty() ? "{}" : body);
    } catch (IOException e) {
      return Json.MAPPER.createObjectNode();
    }
  }

  /** An instant with offset, or a local date-time read in {@code zone}. */
  static Instant time(String text, ZoneId zone) {
    if (text.equals("now")) {
      return Instant.now();
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeException withoutOffset) {
      try {
        return LocalDateTime.parse(text).atZone(zone).toInstant();
      } catch (DateTimeException e) {
        throw new IllegalArgumentException("'" + text + "' is not a time (write 2026-03-08T09:00:00Z,"
            + " 2026-03-08T09:00+01:00 or 2026-03-08T09:00)");
      }
    }
  }

  private static String apiHost(String host) {
    return host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException(name + " is required; usage:\n       " + USAGE);
    }
    return value;
  }

  private static Map<String, String> options(List<String> args) {
    Map<String, String> options = new LinkedHashMap<>();
    List<String> known = List.of("--schedule", "--at", "--config", "--user", "--replaces", "--start", "--end",
        "--id", "--url", "--token");
    for (int i = 0; i < args.size(); i++) {
      String name = args.get(i);
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown option '" + name + "'; usage:\n       " + USAGE);
      }
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      options.put(name, args.get(++i));
    }
    return options;
  }

  /** The file given, else the sample configuration the launcher carries, else the defaults. */
  private static PagewireConfig config(String file) {
    if (file != null) {
      return ConfigLoader.load(Path.of(file));
    }
    try (InputStream in = OnCallCommand.class.getClassLoader().getResourceAsStream("pagewire.yaml")) {
      if (in == null) {
        return PagewireConfig.defaults();
      }
      return ConfigLoader.parse("sample configuration (config/pagewire.yaml)", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigException("cannot read the sample configuration: " + e.getMessage());
    }
  }

  private static void print(List<String[]> rows, PrintStream out) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
      }
      out.println(line.toString().stripTrailing());
    }
  }

  /** The HTTP API client of {@code pagewire override}. */
  private record ScheduleOverridesClient(String token) {
    HttpResponse<String> send(String method, String url, Map<String, Object> body) {
      try {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body)))
            .header("Content-Type", "application/json");
        if (token != null && !token.isBlank()) {
          request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
            .send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot reach the Pagewire API at " + url + " (" + e + "); is it running? (--url)");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted");
      }
    }
  }
}
