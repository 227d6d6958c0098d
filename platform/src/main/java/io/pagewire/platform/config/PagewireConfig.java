package io.pagewire.platform.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pagewire.schemas.Priority;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration file, one record per section. Every field is optional: what is missing takes
 * the default shown here (the defaults of the product design). Durations are written {@code 15m},
 * {@code 1h30m}, {@code 500ms}, {@code 7d}. Secrets may be written {@code ${env:NAME}} or
 * {@code ${file:/path}} and are never printed.
 */
public record PagewireConfig(
    Kafka kafka,
    Topics topics,
    Http http,
    Ingest ingest,
    Classification classification,
    Map<Priority, Sla> sla,
    Escalation escalation,
    Notifier notifier,
    Map<String, User> users) {

  public PagewireConfig {
    kafka = kafka != null ? kafka : new Kafka(null, null, null, null);
    topics = topics != null ? topics : new Topics(0, (short) 0);
    http = http != null ? http : new Http(null, null, 0, null, null);
    ingest = ingest != null ? ingest : new Ingest(null);
    classification = classification != null ? classification : new Classification(null, null, null, null, null);
    Map<Priority, Sla> merged = new EnumMap<>(Sla.DEFAULTS);
    if (sla != null) {
      merged.putAll(sla);
    }
    sla = Map.copyOf(merged);
    escalation = escalation != null ? escalation : new Escalation(null, 0, null, null);
    notifier = notifier != null ? notifier : new Notifier(null, null);
    users = users != null ? Map.copyOf(users) : Map.of();
  }

  public static PagewireConfig defaults() {
    return new PagewireConfig(null, null, null, null, null, null, null, null, null);
  }

  /** This configuration against another Kafka cluster, with Streams state in {@code stateDir}. */
  public PagewireConfig withKafka(String bootstrapServers, Path stateDir) {
    return withKafka(kafka.withBootstrapServers(bootstrapServers).withStateDir(stateDir));
  }

  // One "with" per section, so code (and tests) that change one section keep compiling when
  // sections are added: only these methods name every component.

  public PagewireConfig withKafka(Kafka value) {
    return new PagewireConfig(value, topics, http, ingest, classification, sla, escalation, notifier, users);
  }

  public PagewireConfig withHttp(Http value) {
    return new PagewireConfig(kafka, topics, value, ingest, classification, sla, escalation, notifier, users);
  }

  public PagewireConfig withIngest(Ingest value) {
    return new PagewireConfig(kafka, topics, http, value, classification, sla, escalation, notifier, users);
  }

  public PagewireConfig withClassification(Classification value) {
    return new PagewireConfig(kafka, topics, http, ingest, value, sla, escalation, notifier, users);
  }

  public PagewireConfig withSla(Map<Priority, Sla> value) {
    return new PagewireConfig(kafka, topics, http, ingest, classification, value, escalation, notifier, users);
  }

  public PagewireConfig withEscalation(Escalation value) {
    return new PagewireConfig(kafka, topics, http, ingest, classification, sla, value, notifier, users);
  }

  public PagewireConfig withNotifier(Notifier value) {
    return new PagewireConfig(kafka, topics, http, ingest, classification, sla, escalation, value, users);
  }

  public PagewireConfig withUsers(Map<String, User> value) {
    return new PagewireConfig(kafka, topics, http, ingest, classification, sla, escalation, notifier, value);
  }

  public Sla sla(Priority priority) {
    return sla.get(priority);
  }

  /**
   * A person who can be paged, keyed in {@code users} by a short id ({@code alice}) that
   * schedules, escalation policies and routes refer to.
   *
   * @param name display name
   * @param email address for the email channel and reports
   * @param apiToken this person's token for the HTTP API; commands sent with it carry this user as actor
   */
  public record User(String name, String email, Secret apiToken) {}

  /**
   * Where and how to reach Kafka.
   *
   * @param bootstrapServers the cluster; {@code pagewire run} replaces it with its embedded broker
   * @param properties extra client properties for every producer, consumer, admin and Streams app
   *     (security.protocol, sasl.*, ssl.*); values are treated as secrets and never logged
   * @param stateDir where Kafka Streams keeps its local state
   * @param commitInterval exactly-once latency per hop is bounded by this ({@code commit.interval.ms})
   */
  public record Kafka(String bootstrapServers, Map<String, Secret> properties, Path stateDir, Duration commitInterval) {
    public Kafka {
      bootstrapServers = bootstrapServers != null ? bootstrapServers : "localhost:9092";
      properties = properties != null ? Map.copyOf(properties) : Map.of();
      stateDir = stateDir != null ? stateDir : Path.of(System.getProperty("java.io.tmpdir"), "pagewire-streams");
      commitInterval = commitInterval != null ? commitInterval : Duration.ofMillis(50);
    }

    public Kafka withBootstrapServers(String servers) {
      return new Kafka(servers, properties, stateDir, commitInterval);
    }

    public Kafka withStateDir(Path dir) {
      return new Kafka(bootstrapServers, properties, dir, commitInterval);
    }
  }

  /** How topics are created when missing. */
  public record Topics(int partitions, short replicationFactor) {
    public Topics {
      partitions = partitions > 0 ? partitions : 3;
      replicationFactor = replicationFactor > 0 ? replicationFactor : 1;
    }
  }

  /**
   * The HTTP API (webhook, incidents, health, metrics).
   *
   * @param host address to listen on; anything but loopback requires {@code auth}
   * @param port port to listen on (default 8080); 0 picks a free one
   * @param maxBodyBytes larger request bodies are refused with 413
   * @param auth credentials every {@code /api} request must carry, as Alertmanager's
   *     {@code http_config} sends them
   * @param publicUrl the URL people reach this API at, for links in notifications
   */
  public record Http(String host, Integer port, long maxBodyBytes, Auth auth, String publicUrl) {
    public Http {
      host = host != null ? host : "127.0.0.1";
      port = port != null && port >= 0 ? port : 8080;
      maxBodyBytes = maxBodyBytes > 0 ? maxBodyBytes : 1024 * 1024;
      auth = auth != null ? auth : new Auth(null, null, null);
      publicUrl = publicUrl != null ? publicUrl : "http://" + host + ":" + port;
    }

    public Http withPort(int newPort) {
      return new Http(host, newPort, maxBodyBytes, auth, publicUrl);
    }
  }

  /** Either a bearer token, or basic auth, or both. */
  public record Auth(Secret bearerToken, String username, Secret password) {
    public boolean configured() {
      return bearerToken != null || (username != null && password != null);
    }
  }

  /** @param ackTimeout how long the webhook waits for Kafka before answering 503 */
  public record Ingest(Duration ackTimeout) {
    public Ingest {
      ackTimeout = ackTimeout != null ? ackTimeout : Duration.ofSeconds(10);
    }
  }

  /**
   * The default classification of alerts, before any routing rule.
   *
   * @param severityLabel the Prometheus label that names severity
   * @param priorityLabel an explicit priority label ({@code P0}..{@code P4}) that wins over severity
   * @param severityToPriority severity label value to priority
   * @param defaultPriority for alerts with neither label
   * @param groupBy labels whose values make the incident key; absent labels are left out
   */
  public record Classification(
      String severityLabel,
      String priorityLabel,
      Map<String, Priority> severityToPriority,
      Priority defaultPriority,
      List<String> groupBy) {
    public Classification {
      severityLabel = severityLabel != null ? severityLabel : "severity";
      priorityLabel = priorityLabel != null ? priorityLabel : "priority";
      if (severityToPriority == null) {
        severityToPriority = new LinkedHashMap<>();
        severityToPriority.put("critical", Priority.P0);
        severityToPriority.put("warning", Priority.P1);
        severityToPriority.put("error", Priority.P2);
        severityToPriority.put("info", Priority.P3);
      }
      severityToPriority = Map.copyOf(severityToPriority);
      defaultPriority = defaultPriority != null ? defaultPriority : Priority.P2;
      groupBy = groupBy != null ? List.copyOf(groupBy) : List.of("alertname", "service");
    }
  }

  /**
   * Response-time targets of one priority.
   *
   * @param acknowledgeWithin the first escalation happens when nobody acknowledged by then
   * @param escalateEvery the delay between later escalation levels
   * @param resolveWithin the resolve target, for reports
   * @param pages false for priorities that never page (P4)
   */
  public record Sla(Duration acknowledgeWithin, Duration escalateEvery, Duration resolveWithin, Boolean pages) {
    static final Map<Priority, Sla> DEFAULTS = Map.of(
        Priority.P0, new Sla(Duration.ofMinutes(15), Duration.ofMinutes(15), Duration.ofHours(4), true),
        Priority.P1, new Sla(Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(8), true),
        Priority.P2, new Sla(Duration.ofHours(4), Duration.ofHours(4), Duration.ofHours(24), true),
        Priority.P3, new Sla(Duration.ofHours(24), Duration.ofHours(48), Duration.ofDays(7), true),
        Priority.P4, new Sla(Duration.ofHours(24), Duration.ofHours(24), Duration.ofDays(7), false));

    public Sla {
      if (acknowledgeWithin == null || escalateEvery == null || resolveWithin == null) {
        throw new IllegalArgumentException("an sla needs acknowledgeWithin, escalateEvery and resolveWithin");
      }
      pages = pages == null || pages;
    }
  }

  /**
   * The default escalation policy.
   *
   * @param levels who is paged, in order; level 1 when the incident opens
   * @param repeat how many more times the whole policy runs after its last level
   * @param sweepInterval how often overdue timers are looked for
   * @param sweepBatch the most timers one sweep fires; the rest wait for the next sweep
   */
  public record Escalation(List<Level> levels, int sweepBatch, Integer repeat, Duration sweepInterval) {
    public Escalation {
      levels = levels != null && !levels.isEmpty() ? List.copyOf(levels) : List.of(
          new Level("primary-oncall", List.of("console")),
          new Level("secondary-oncall", List.of("console")),
          new Level("engineering-manager", List.of("console")));
      sweepBatch = sweepBatch > 0 ? sweepBatch : 500;
      repeat = repeat != null && repeat >= 0 ? repeat : 1;
      sweepInterval = sweepInterval != null ? sweepInterval : Duration.ofSeconds(1);
    }
  }

  /** One escalation level: a name for people to read, and the notifier channels it pages. */
  public record Level(String name, List<String> channels) {
    public Level {
      if (name == null || channels == null || channels.isEmpty()) {
        throw new IllegalArgumentException("an escalation level needs a name and at least one channel");
      }
      channels = List.copyOf(channels);
    }
  }

  /**
   * Delivery.
   *
   * @param channels each channel's settings, keyed by channel name; {@code type} picks the
   *     implementation, the other keys belong to that channel type
   * @param retry how retryable failures are retried
   */
  public record Notifier(Map<String, Map<String, Object>> channels, Retry retry) {
    public Notifier {
      if (channels == null || channels.isEmpty()) {
        channels = Map.of("console", Map.of("type", "console"));
      }
      channels = Map.copyOf(channels);
      retry = retry != null ? retry : new Retry(null, null, null);
    }
  }

  /** Exponential backoff with full jitter, from {@code initialBackoff} up to {@code maxBackoff}, until {@code giveUpAfter}. */
  public record Retry(
      @JsonProperty("initialBackoff") Duration initialBackoff,
      @JsonProperty("maxBackoff") Duration maxBackoff,
      @JsonProperty("giveUpAfter") Duration giveUpAfter) {
    public Retry {
      initialBackoff = initialBackoff != null ? initialBackoff : Duration.ofMillis(500);
      maxBackoff = maxBackoff != null ? maxBackoff : Duration.ofSeconds(60);
      giveUpAfter = giveUpAfter != null ? giveUpAfter : Duration.ofMinutes(10);
    }
  }
}
