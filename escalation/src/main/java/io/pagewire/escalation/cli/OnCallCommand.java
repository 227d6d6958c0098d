package io.pagewire.escalation.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.escalation.schedule.OnCall;
import io.pagewire.escalation.schedule.OverrideSource;
import io.pagewire.platform.cli.ConfigOption;
import io.pagewire.platform.cli.OutputOption;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.ScheduleOverride;
import io.pagewire.schemas.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.Callable;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pagewire oncall} and {@code pagewire override}: who is on call, from the configuration
 * file (with the overrides read from Kafka when it is reachable within {@link #KAFKA_TIMEOUT}),
 * and overrides managed through the HTTP API of a running escalation service.
 *
 * <p>Times: {@code 2026-03-08T09:00:00Z}, {@code 2026-03-08T09:00+01:00}, or
 * {@code 2026-03-08T09:00} in the schedule's zone.
 */
@Command(name = "oncall", description = {"Show who is on call now (or --at TIME) on each schedule.",
    "From the configuration and the overrides in Kafka (said in one line when Kafka cannot be read)."})
public final class OnCallCommand implements Callable<Integer> {

  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm zzz (EEE)", Locale.ENGLISH);
  /** How long {@code pagewire oncall} waits for Kafka in all before it answers without the overrides. */
  static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(3);

  @Option(names = "--schedule", paramLabel = "S", description = "Only this schedule.") String schedule;
  @Option(names = "--at", paramLabel = "TIME", description = "When (default: now).") String at;
  @Mixin ConfigOption config;
  @Mixin OutputOption output;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return onCall(config.load(), schedule, at, output.json(), spec.commandLine().getOut());
  }

  static int onCall(PagewireConfig config, String only, String atText, boolean json, PrintWriter out) {
    List<String> schedules = only != null ? List.of(only) : List.copyOf(new java.util.TreeSet<>(config.escalation().schedules().keySet()));
    if (only != null && !config.escalation().schedules().containsKey(only)) {
      throw new IllegalArgumentException("no schedule " + only + " in the configuration (schedules: "
          + String.join(", ", config.escalation().schedules().keySet()) + ")");
    }
    // A local --at is read in the schedule's zone when there is one schedule to show, else in UTC.
    ZoneId zone = ZoneId.of(only != null ? config.escalation().schedules().get(only).zone() : "UTC");
    Instant at = atText != null ? time(atText, zone) : Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    if (schedules.isEmpty()) {
      if (json) {
        OutputOption.printJson(out, Map.of("at", at.toString(), "schedules", List.of()));
      } else {
        out.println("no schedules configured (escalation.schedules)");
        out.flush();
      }
      return 0;
    }
    Collection<ScheduleOverride> overrides;
    String note;
    boolean overridesRead;
    try {
      overrides = readOverrides(config);
      overridesRead = true;
      note = overrides.size() + " override(s) read from " + Topics.SCHEDULE_OVERRIDES.name();
    } catch (KafkaException e) {
      overrides = List.of();
      overridesRead = false;
      note = "overrides NOT included: could not read " + Topics.SCHEDULE_OVERRIDES.name() + " from "
          + config.kafka().bootstrapServers() + " within " + KAFKA_TIMEOUT.toSeconds() + "s (" + e.getMessage() + ")";
    }
    OnCall onCall = new OnCall(config, OverrideSource.of(overrides));
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (String name : schedules) {
        Instant until = onCall.until(name, at);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("schedule", name);
        row.put("zone", onCall.zone(name).getId());
        row.put("onCall", onCall.onCall(name, at));
        row.put("until", until == null ? null : until.toString());
        rows.add(row);
      }
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("at", at.toString());
      answer.put("overridesIncluded", overridesRead);
      answer.put("overrides", note);
      answer.put("schedules", rows);
      OutputOption.printJson(out, answer);
      return 0;
    }
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

  /** {@code pagewire override add|list|delete}: temporary schedule overrides through the HTTP API. */
  @Command(name = "override", description = "Add, list or delete temporary on-call overrides through the HTTP API of a running Pagewire.")
  public static final class OverrideCommand {

    private final Map<String, String> env;
    @Spec CommandSpec spec;

    public OverrideCommand() {
      this(System.getenv());
    }

    public OverrideCommand(Map<String, String> env) {
      this.env = env;
    }

    @Command(name = "add", description = "Put USER on call on schedule S from --start to --end (instead of --replaces, or alone).")
    int add(@Option(names = "--schedule", paramLabel = "S", required = true) String schedule,
        @Option(names = "--user", paramLabel = "U", required = true) String user,
        @Option(names = "--replaces", paramLabel = "U", description = "The person covered (default: everyone on the shift).") String replaces,
        @Option(names = "--start", paramLabel = "TIME", required = true) String start,
        @Option(names = "--end", paramLabel = "TIME", required = true) String end,
        @Mixin ConfigOption config, @Mixin ApiClient api, @Mixin OutputOption output) {
      PagewireConfig c = config.load();
      ZoneId zone = zone(c, schedule);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("user", user);
      body.put("replaces", replaces);
      body.put("start", time(start, zone).toString());
      body.put("end", time(end, zone).toString());
      JsonNode o = ApiClient.expect(api.send("POST", path(c, api, schedule), body, env), 201);
      if (output.json()) {
        OutputOption.printJson(out(), o);
      } else {
        out().println("added override " + o.path("id").asText() + ": " + describe(o, zone));
        out().flush();
      }
      return 0;
    }

    @Command(name = "list", description = "List the overrides of schedule S.")
    int list(@Option(names = "--schedule", paramLabel = "S", required = true) String schedule,
        @Mixin ConfigOption config, @Mixin ApiClient api, @Mixin OutputOption output) {
      PagewireConfig c = config.load();
      ZoneId zone = zone(c, schedule);
      JsonNode answer = ApiClient.expect(api.send("GET", path(c, api, schedule), null, env), 200);
      if (output.json()) {
        OutputOption.printJson(out(), answer);
        return 0;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"ID", "USER", "REPLACES", "START", "END", "BY"});
      for (JsonNode o : answer.path("overrides")) {
        rows.add(new String[] {o.path("id").asText(), o.path("user").asText(),
            o.path("replaces").isNull() ? "(everyone)" : o.path("replaces").asText(),
            LOCAL.format(Instant.parse(o.path("start").asText()).atZone(zone)),
            LOCAL.format(Instant.parse(o.path("end").asText()).atZone(zone)), o.path("createdBy").asText()});
      }
      print(rows, out());
      return 0;
    }

    @Command(name = "delete", description = "Delete override ID of schedule S.")
    int delete(@Option(names = "--schedule", paramLabel = "S", required = true) String schedule,
        @Option(names = "--id", paramLabel = "ID", required = true) String id,
        @Mixin ConfigOption config, @Mixin ApiClient api) {
      PagewireConfig c = config.load();
      ApiClient.expect(api.send("DELETE", path(c, api, schedule) + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8), null, env), 204);
      out().println("deleted override " + id);
      out().flush();
      return 0;
    }

    private String path(PagewireConfig config, ApiClient api, String schedule) {
      String fallback = "http://" + apiHost(config.http().host()) + ":" + config.http().port();
      return api.base(env, fallback) + "/api/v1/schedules/" + URLEncoder.encode(schedule, StandardCharsets.UTF_8) + "/overrides";
    }

    private static ZoneId zone(PagewireConfig config, String schedule) {
      return config.escalation().schedules().containsKey(schedule)
          ? ZoneId.of(config.escalation().schedules().get(schedule).zone()) : ZoneId.of("UTC");
    }

    private PrintWriter out() {
      return spec.commandLine().getOut();
    }
  }

  /**
   * Every override in the compacted topic, read without a consumer group (assign and seek to
   * the beginning) up to the end offsets of now, within {@link #KAFKA_TIMEOUT} in all. When no
   * bootstrap server accepts a connection it gives up at once rather than letting the client
   * retry for the whole bound.
   *
   * @throws KafkaException when Kafka cannot be read within the bound
   */
  static Collection<ScheduleOverride> readOverrides(PagewireConfig config) {
    long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
    if (!anyReachable(config.kafka().bootstrapServers())) {
      throw new KafkaException("no broker accepts connections");
    }
    Properties props = KafkaSettings.common(config, "pagewire-cli-oncall");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
    props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
    Map<String, ScheduleOverride> byId = new LinkedHashMap<>();
    KafkaConsumer<String, ScheduleOverride> consumer = new KafkaConsumer<>(props,
        Topics.SCHEDULE_OVERRIDES.keySerde().deserializer(), Topics.SCHEDULE_OVERRIDES.valueSerde().deserializer());
    try {
      List<PartitionInfo> infos;
      try {
        infos = consumer.partitionsFor(Topics.SCHEDULE_OVERRIDES.name(), remaining(deadline));
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        throw new KafkaException("no answer", e);
      }
      if (infos == null || infos.isEmpty()) {
        return List.of();
      }
      List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, remaining(deadline));
      while (partitions.stream().anyMatch(p -> consumer.position(p, remaining(deadline)) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new KafkaException("timed out reading");
        }
        for (ConsumerRecord<String, ScheduleOverride> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() == null) {
            byId.remove(r.key());
          } else {
            byId.put(r.key(), r.value());
          }
        }
      }
    } finally {
      consumer.close(Duration.ZERO); // no group, nothing to commit: do not wait for the fetch session's last round trip
    }
    return byId.values();
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
  }

  /** True when some bootstrap server accepts a TCP connection within a second. */
  private static boolean anyReachable(String bootstrapServers) {
    for (String server : bootstrapServers.split(",")) {
      String s = server.strip();
      int colon = s.lastIndexOf(':');
      if (colon < 0) {
        return true; // not host:port; let the client say what is wrong
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1))), 1000);
        return true;
      } catch (IOException | NumberFormatException e) {
        // try the next one
      }
    }
    return false;
  }

  private static String describe(JsonNode o, ZoneId zone) {
    return o.path("user").asText() + (o.path("replaces").isNull() ? " alone" : " instead of " + o.path("replaces").asText())
        + " on " + o.path("schedule").asText() + " from " + LOCAL.format(Instant.parse(o.path("start").asText()).atZone(zone))
        + " to " + LOCAL.format(Instant.parse(o.path("end").asText()).atZone(zone));
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

  private static void print(List<String[]> rows, PrintWriter out) {
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
    out.flush();
  }
}
