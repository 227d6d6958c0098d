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
    Map<String, User> users,
    Map<String, Integration> integrations,
    List<Heartbeat> heartbeats) {

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
    notifier = notifier != null ? notifier : new Notifier(null, null, null, null, null, null);
    users = users != null ? Map.copyOf(users) : Map.of();
    integrations = integrations != null ? Map.copyOf(integrations) : Map.of();
    heartbeats = heartbeats != null ? List.copyOf(heartbeats) : List.of();
  }

  public static PagewireConfig defaults() {
    return new PagewireConfig(null, null, null, null, null, null, null, null, null, null, null);
  }

  /** This configuration against another Kafka cluster, with Streams state in {@code stateDir}. */
  public PagewireConfig withKafka(String bootstrapServers, Path stateDir) {
    return withKafka(kafka.withBootstrapServers(bootstrapServers).withStateDir(stateDir));
  }

  // One "with" per section, so code (and tests) that change one section keep compiling when
  // sections are added: only these methods name every component.

  public PagewireConfig withKafka(Kafka value) {
    return new PagewireConfig(value, topics, http, ingest, classification, sla, escalation, notifier, users, integrations, heartbeats);
  }

  public PagewireConfig withTopics(Topics value) {
    return new PagewireConfig(kafka, value, http, ingest, classification, sla, escalation, notifier, users, integrations, heartbeats);
  }

  public PagewireConfig withHttp(Http value) {
    return new PagewireConfig(kafka, topics, value, ingest, classification, sla, escalation, notifier, users, integrations, heartbeats);
  }

  public PagewireConfig withIngest(Ingest value) {
    return new PagewireConfig(kafka, topics, http, value, classification, sla, escalation, notifier, users, integrations, heartbeats);
  }

  public PagewireConfig withClassification(Classification value) {
    return new PagewireConfig(kafka, topics, http, ingest, value, sla, escalation, notifier, users, integrations, heartbeats);
  }

  public PagewireConfig withSla(Map<Priority, Sla> value) {
    return new PagewireConfig(kafka, topics, http, ingest, classification, value, escalation, notifier, users, integrations, heartbeats);
  }

  public PagewireConfig withEscalation(Escalation value) {
    return new PagewireConfig(kafka, topics, http, ingest, classification, sla, value, notifier, users, integrations, heartbeats);
  }

  public PagewireConfig withNotifier(Notifier value) {
    return new PagewireConfig(kafka, topics, http, ingest, classification, sla, escalation, value, users, integrations, heartbeats);
  }

  public PagewireConfig withUsers(Map<String, User> value) {
    return new PagewireConfig(kafka, topics, http, ingest, classification, sla, escalation, notifier, value, integrations, heartbeats);
  }

  public PagewireConfig withIntegrations(Map<String, Integration> value) {
    return new PagewireConfig(kafka, topics, http, ingest, classification, sla, escalation, notifier, users, value, heartbeats);
  }

  public PagewireConfig withHeartbeats(List<Heartbeat> value) {
    return new PagewireConfig(kafka, topics, http, ingest, classification, sla, escalation, notifier, users, integrations, value);
  }

  /** The integration whose routing key is {@code routingKey}, or null. */
  public Map.Entry<String, Integration> integrationByKey(String routingKey) {
    for (Map.Entry<String, Integration> e : new java.util.TreeMap<>(integrations).entrySet()) {
      if (e.getValue().routingKey() != null && e.getValue().routingKey().matches(routingKey)) {
        return e;
      }
    }
    return null;
  }

  /**
   * A monitoring tool that sends PagerDuty Events API v2 events to {@code POST /v2/enqueue}, keyed
   * in {@code integrations} by a name. Its events become alerts with the labels
   * {@code integration} (the name), {@code service} and {@code team} (when set) and
   * {@code labels}, so the routes send them where the service or team says.
   *
   * @param routingKey the event's {@code routing_key} (PagerDuty's "integration key"); a secret
   * @param service the service the events are about, as the {@code service} label
   * @param team the owning team, as the {@code team} label
   * @param labels more labels every event of this integration carries
   */
  public record Integration(Secret routingKey, String service, String team, Map<String, String> labels) {
    public Integration {
      labels = labels != null ? Map.copyOf(labels) : Map.of();
    }
  }

  /**
   * A heartbeat monitor: something that must check in at least every {@code interval}. A beat is
   * {@code POST /api/v1/heartbeats/{name}} or a firing alert that matches {@code matchers} (the
   * always-firing {@code Watchdog} of Prometheus). No beat within {@code interval + grace}:
   * the monitor fires an alert with {@code alertname=HeartbeatMissed}, {@code heartbeat} (the name),
   * {@code priority}, {@code team} and {@code service} labels, which opens an incident and pages;
   * the next beat resolves it.
   *
   * @param matchers Alertmanager-style matchers of the alerts that count as beats (none: only the API)
   */
  public record Heartbeat(String name, Duration interval, Duration grace, Priority priority, String team,
      String service, List<String> matchers) {
    public Heartbeat {
      grace = grace != null ? grace : Duration.ZERO;
      priority = priority != null ? priority : Priority.P1;
      matchers = matchers != null ? List.copyOf(matchers) : List.of();
    }

    /** How long after a beat the monitor fires: interval + grace. */
    public Duration deadline() {
      return interval.plus(grace);
    }
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
   * @param contactMethods the ways the notifier can reach this person, each through a configured
   *     notifier channel; names are unique per user
   * @param notificationRules when each contact method is used once this person is paged; a rule
   *     with {@code after} greater than zero fires only while the incident is still unacknowledged
   * @param operator may do configuration-level things: schedule overrides, expiring anyone's
   *     silence (the {@code operator} scope); default false
   */
  public record User(String name, String email, Secret apiToken,
                     List<ContactMethod> contactMethods, List<NotificationRule> notificationRules, boolean operator) {
    public User {
      contactMethods = contactMethods != null ? List.copyOf(contactMethods) : List.of();
      notificationRules = notificationRules != null ? List.copyOf(notificationRules) : List.of();
      java.util.Set<String> names = new java.util.HashSet<>();
      for (ContactMethod method : contactMethods) {
        if (!names.add(method.name())) {
          throw new IllegalArgumentException("contact method '" + method.name() + "' is defined twice");
        }
      }
      for (NotificationRule rule : notificationRules) {
        if (!names.contains(rule.contactMethod())) {
          throw new IllegalArgumentException("notification rule names contact method '" + rule.contactMethod()
              + "', which is not among this user's contactMethods " + names);
        }
      }
    }

    public User(String name, String email, Secret apiToken,
                List<ContactMethod> contactMethods, List<NotificationRule> notificationRules) {
      this(name, email, apiToken, contactMethods, notificationRules, false);
    }

    public User(String name, String email, Secret apiToken) {
      this(name, email, apiToken, null, null);
    }
  }

  /**
   * One way to reach a person.
   *
   * @param name how notification rules refer to it ({@code slack-dm}, {@code mail})
   * @param channel the notifier channel it goes through ({@code notifier.channels.NAME})
   * @param to the address on that channel, where the channel takes one (an email address);
   *     absent: the channel's own default (for email, the user's {@code email})
   */
  public record ContactMethod(String name, String channel, String to) {
    public ContactMethod {
      if (name == null || channel == null) {
        throw new IllegalArgumentException("a contact method needs a name and a channel");
      }
    }
  }

  /**
   * When a contact method is used for a page.
   *
   * @param contactMethod the contact method's name
   * @param after delay after the page; default {@code 0m} (at once)
   * @param urgency {@code high} (P0, P1), {@code low} (P2..P4) or {@code any} (default)
   */
  public record NotificationRule(String contactMethod, Duration after, String urgency) {
    public NotificationRule {
      if (contactMethod == null) {
        throw new IllegalArgumentException("a notification rule needs a contactMethod");
      }
      after = after != null ? after : Duration.ZERO;
      urgency = urgency != null ? urgency : "any";
      if (!List.of("high", "low", "any").contains(urgency)) {
        throw new IllegalArgumentException("urgency must be high, low or any, not '" + urgency + "'");
      }
    }
  }

  /**
   * Where and how to reach Kafka.
   *
   * @param bootstrapServers the cluster; {@code pagewire run} replaces it with its embedded broker
   * @param properties extra client properties for every producer, consumer, admin and Streams app
   *     (security.protocol, sasl.*, ssl.*); values are treated as secrets and never logged
   * @param stateDir where Kafka Streams keeps its local state
   * @param commitInterval exactly-once latency per hop is bounded by this ({@code commit.interval.ms})
   * @param instanceId this instance's name in its consumer groups ({@code group.instance.id}, static
   *     membership), unique per running instance; unset, one is made up once and kept in
   *     {@code stateDir}, so a restart on the same state directory is the same instance again
   * @param sessionTimeout how long a member that stopped heartbeating (crashed, or paused longer,
   *     e.g. by GC) keeps its partitions before another instance takes them over
   *     ({@code session.timeout.ms}); within the broker's {@code group.min.session.timeout.ms}
   *     (6s by default) and {@code group.max.session.timeout.ms}
   * @param schemaRegistry when set, every topic value is written in the Confluent wire format with
   *     its schema registered there; unset, the embedded single-object encoding
   */
  public record Kafka(String bootstrapServers, Map<String, Secret> properties, Path stateDir, Duration commitInterval,
      String instanceId, Duration sessionTimeout, SchemaRegistry schemaRegistry) {
    public Kafka {
      bootstrapServers = bootstrapServers != null ? bootstrapServers : "localhost:9092";
      properties = properties != null ? Map.copyOf(properties) : Map.of();
      stateDir = stateDir != null ? stateDir : Path.of(System.getProperty("java.io.tmpdir"), "pagewire-streams");
      commitInterval = commitInterval != null ? commitInterval : Duration.ofMillis(50);
      if (instanceId != null && !instanceId.matches("[A-Za-z0-9._-]{1,200}")) {
        throw new IllegalArgumentException("instanceId may hold letters, digits, '.', '_' and '-' only, not '" + instanceId + "'");
      }
      sessionTimeout = sessionTimeout != null ? sessionTimeout : Duration.ofSeconds(10);
      if (sessionTimeout.toMillis() < 1000) {
        throw new IllegalArgumentException("sessionTimeout must be at least 1s");
      }
    }

    public Kafka(String bootstrapServers, Map<String, Secret> properties, Path stateDir, Duration commitInterval) {
      this(bootstrapServers, properties, stateDir, commitInterval, null, null, null);
    }

    public Kafka withBootstrapServers(String servers) {
      return new Kafka(servers, properties, stateDir, commitInterval, instanceId, sessionTimeout, schemaRegistry);
    }

    public Kafka withStateDir(Path dir) {
      return new Kafka(bootstrapServers, properties, dir, commitInterval, instanceId, sessionTimeout, schemaRegistry);
    }

    public Kafka withSchemaRegistry(SchemaRegistry registry) {
      return new Kafka(bootstrapServers, properties, stateDir, commitInterval, instanceId, sessionTimeout, registry);
    }
  }

  /**
   * A Confluent-compatible schema registry (Confluent Schema Registry, Apicurio Registry's
   * {@code /apis/ccompat/v7}, Karapace, Redpanda).
   *
   * @param url the REST API's base URL
   * @param username with {@code password}: HTTP basic authentication
   * @param password secret
   * @param bearerToken secret; instead of a username and password
   * @param caFile PEM certificates to trust for an {@code https} URL (a private CA); unset, the
   *     JDK's default trust store
   * @param timeout connect and answer timeout of each call
   */
  public record SchemaRegistry(String url, String username, Secret password, Secret bearerToken, Path caFile,
      Duration timeout) {
    public SchemaRegistry {
      if (url == null || url.isBlank()) {
        throw new IllegalArgumentException("schemaRegistry.url is required");
      }
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw new IllegalArgumentException("schemaRegistry.url must be an http:// or https:// URL, not '" + url + "'");
      }
      if ((username == null) != (password == null)) {
        throw new IllegalArgumentException("schemaRegistry.username and password go together");
      }
      if (username != null && bearerToken != null) {
        throw new IllegalArgumentException("schemaRegistry: give username and password, or bearerToken, not both");
      }
      timeout = timeout != null ? timeout : Duration.ofSeconds(10);
    }

    public static SchemaRegistry at(String url) {
      return new SchemaRegistry(url, null, null, null, null, null);
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
   * @param advertisedHost the host other instances reach this one at ({@code application.server});
   *     default {@code host}, which must then not be a wildcard such as {@code 0.0.0.0}
   * @param maxEventStreams at most this many server-sent event streams are open at once (503
   *     beyond); default 256
   */
  public record Http(String host, Integer port, long maxBodyBytes, Auth auth, String publicUrl,
                     String advertisedHost, int maxEventStreams) {
    public Http {
      host = host != null ? host : "127.0.0.1";
      port = port != null && port >= 0 ? port : 8080;
      maxBodyBytes = maxBodyBytes > 0 ? maxBodyBytes : 1024 * 1024;
      auth = auth != null ? auth : new Auth(null, null, null);
      publicUrl = publicUrl != null ? publicUrl : "http://" + host + ":" + port;
      advertisedHost = advertisedHost != null && !advertisedHost.isBlank() ? advertisedHost : advertisable(host);
      maxEventStreams = maxEventStreams > 0 ? maxEventStreams : 256;
    }

    public Http(String host, Integer port, long maxBodyBytes, Auth auth, String publicUrl) {
      this(host, port, maxBodyBytes, auth, publicUrl, null, 0);
    }

    public Http withPort(int newPort) {
      return new Http(host, newPort, maxBodyBytes, auth, publicUrl, advertisedHost, maxEventStreams);
    }

    /** A wildcard bind address (every instance would advertise the same) becomes this machine's name. */
    private static String advertisable(String host) {
      if (!host.equals("0.0.0.0") && !host.equals("::") && !host.equals("[::]") && !host.isEmpty()) {
        return host;
      }
      try {
        return java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException("http.host is the wildcard " + host
            + " and this machine's host name is unknown; set http.advertisedHost to the name other instances reach this one at");
      }
    }

    /** {@code advertisedHost:port}: where other instances reach this one. */
    public String advertisedServer(int boundPort) {
      return advertisedHost + ":" + boundPort;
    }
  }

  /** Either a bearer token, or basic auth, or both. */
  public record Auth(Secret bearerToken, String username, Secret password) {
    public Auth {
      if ((username == null) != (password == null)) {
        throw new IllegalArgumentException("http.auth.username and http.auth.password go together; "
            + (username == null ? "password is set without a username" : "username is set without a password"));
      }
    }

    public boolean configured() {
      return bearerToken != null || (username != null && password != null);
    }
  }

  /**
   * The webhook endpoint.
   *
   * @param ackTimeout how long the webhook waits for Kafka before answering 503
   * @param limits how large one alert may be; larger ones are answered 400
   * @param maxBodyBytes the largest webhook body (413 beyond), default 32 MiB: Alertmanager 0.25
   *     sends 7.2 MB for a group of 10,000 typical alerts (7 labels, 3 annotations), and drops a
   *     webhook answered 4xx for good, so the bound is well above that; its {@code max_alerts}
   *     keeps larger groups under it. At most twice this many body bytes are held at once (503
   *     beyond, which Alertmanager retries).
   */
  public record Ingest(Duration ackTimeout, IngestLimits limits, long maxBodyBytes) {
    public Ingest {
      ackTimeout = ackTimeout != null ? ackTimeout : Duration.ofSeconds(10);
      limits = limits != null ? limits : IngestLimits.DEFAULTS;
      maxBodyBytes = maxBodyBytes > 0 ? maxBodyBytes : 32L * 1024 * 1024;
    }

    public Ingest(Duration ackTimeout, IngestLimits limits) {
      this(ackTimeout, limits, 0);
    }

    public Ingest(Duration ackTimeout) {
      this(ackTimeout, null);
    }
  }

  /**
   * Bounds on one alert of a webhook, checked where it enters, so that no record Pagewire writes
   * about it can approach Kafka's record limit ({@code max.request.size}, 1 MiB by default) and
   * fail a Streams task again after every restart. Every downstream record (an incident event,
   * a repartitioned alert, a dead letter) carries at most one alert plus fields of its own, so
   * {@code maxAlertBytes} bounds them all. Sizes count UTF-8 bytes. The defaults hold every real
   * Alertmanager payload with room to spare: Prometheus alerts carry a dozen or two labels of
   * short values and a few annotations of at most a few KiB (a description, a runbook link).
   *
   * @param maxLabels most labels of one alert (default 64)
   * @param maxAnnotations most annotations of one alert (default 64)
   * @param maxNameBytes longest label or annotation name (default 256)
   * @param maxLabelValueBytes longest label value (default 2 KiB)
   * @param maxAnnotationValueBytes longest annotation value (default 16 KiB)
   * @param maxUrlBytes longest {@code generatorURL} and {@code externalURL}; a generator URL holds
   *     the URL-encoded rule expression (default 8 KiB)
   * @param maxReceiverBytes longest {@code receiver} name (default 1 KiB)
   * @param maxAlertBytes the largest one alert may be once encoded as its {@code pagewire.alerts}
   *     record (default 64 KiB; at most 256 KiB, a quarter of Kafka's default record limit)
   */
  public record IngestLimits(Integer maxLabels, Integer maxAnnotations, Integer maxNameBytes,
      Integer maxLabelValueBytes, Integer maxAnnotationValueBytes, Integer maxUrlBytes, Integer maxReceiverBytes,
      Integer maxAlertBytes) {
    /** The most {@code maxAlertBytes} may be: downstream records must stay far below 1 MiB. */
    public static final int MAX_ALERT_BYTES_CEILING = 256 * 1024;
    public static final IngestLimits DEFAULTS = new IngestLimits(null, null, null, null, null, null, null, null);

    public IngestLimits {
      maxLabels = positive("maxLabels", maxLabels, 64);
      maxAnnotations = positive("maxAnnotations", maxAnnotations, 64);
      maxNameBytes = positive("maxNameBytes", maxNameBytes, 256);
      maxLabelValueBytes = positive("maxLabelValueBytes", maxLabelValueBytes, 2 * 1024);
      maxAnnotationValueBytes = positive("maxAnnotationValueBytes", maxAnnotationValueBytes, 16 * 1024);
      maxUrlBytes = positive("maxUrlBytes", maxUrlBytes, 8 * 1024);
      maxReceiverBytes = positive("maxReceiverBytes", maxReceiverBytes, 1024);
      maxAlertBytes = positive("maxAlertBytes", maxAlertBytes, 64 * 1024);
      if (maxAlertBytes > MAX_ALERT_BYTES_CEILING) {
        throw new IllegalArgumentException("maxAlertBytes must be at most " + MAX_ALERT_BYTES_CEILING
            + ": records that carry an alert must stay far below Kafka's 1 MiB max.request.size");
      }
    }

    private static int positive(String name, Integer value, int fallback) {
      if (value == null) {
        return fallback;
      }
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, not " + value);
      }
      return value;
    }
  }

  /**
   * How alerts are classified and routed: the defaults of the product design, then the routing
   * rules, silences (kept in Kafka, not here), inhibition and flapping.
   *
   * @param severityLabel the Prometheus label that names severity
   * @param priorityLabel an explicit priority label ({@code P0}..{@code P4}) that wins over severity
   *     unless a route says {@code allowPriorityLabel: false}
   * @param severityToPriority severity label value to priority
   * @param defaultPriority for alerts with neither label
   * @param groupBy labels whose values make the incident key; absent labels are left out
   * @param routes the routing tree's top-level routes ({@link Route}); an alert no route matches
   *     takes the defaults above (route {@code default})
   * @param inhibitRules Alertmanager inhibition rules ({@link InhibitRule})
   * @param flapping when an incident counts as flapping
   * @param requireRoute true: an alert no route matches goes to {@code pagewire.unroutable}
   *     instead of taking the defaults; default false
   * @param recheckInterval how often the router looks for silences that started or expired,
   *     inhibiting alerts that appeared or resolved, and flapping incidents that calmed down
   * @param coalesceAlertEvents at most one routine event (an alert joined or left an incident,
   *     with no change of priority or muting) per incident within this time; the changes in
   *     between are folded into the next event with their counts, so an alert storm costs
   *     escalation one event per incident and interval instead of one per alert. Default 1s;
   *     0s publishes every change.
   */
  public record Classification(
      String severityLabel,
      String priorityLabel,
      Map<String, Priority> severityToPriority,
      Priority defaultPriority,
      List<String> groupBy,
      List<Route> routes,
      List<InhibitRule> inhibitRules,
      Flapping flapping,
      Boolean requireRoute,
      Duration recheckInterval,
      Duration dedupRetention,
      Duration silenceRetention,
      Duration coalesceAlertEvents) {
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
      routes = routes != null ? List.copyOf(routes) : List.of();
      inhibitRules = inhibitRules != null ? List.copyOf(inhibitRules) : List.of();
      flapping = flapping != null ? flapping : new Flapping(null, null);
      requireRoute = requireRoute != null && requireRoute;
      recheckInterval = recheckInterval != null ? recheckInterval : Duration.ofSeconds(1);
      if (recheckInterval.toMillis() < 10) {
        throw new IllegalArgumentException("recheckInterval must be at least 10ms");
      }
      // Well above Alertmanager's resolve_timeout (5m) and repeat_interval (4h): a resend
      // within it is still recognised as a duplicate.
      dedupRetention = dedupRetention != null ? dedupRetention : Duration.ofDays(3);
      // Alertmanager keeps expired silences for --data.retention (120h) too.
      silenceRetention = silenceRetention != null ? silenceRetention : Duration.ofHours(120);
      if (dedupRetention.compareTo(Duration.ofMinutes(10)) < 0 || silenceRetention.isNegative()) {
        throw new IllegalArgumentException("dedupRetention must be at least 10m and silenceRetention not negative");
      }
      coalesceAlertEvents = coalesceAlertEvents != null ? coalesceAlertEvents : Duration.ofSeconds(1);
      if (coalesceAlertEvents.isNegative()) {
        throw new IllegalArgumentException("coalesceAlertEvents must not be negative");
      }
    }

    /** The defaults only: no routes, no inhibition, default flapping. */
    public Classification(String severityLabel, String priorityLabel, Map<String, Priority> severityToPriority,
        Priority defaultPriority, List<String> groupBy) {
      this(severityLabel, priorityLabel, severityToPriority, defaultPriority, groupBy, null, null, null, null, null,
          null, null, null);
    }

    public Classification withRoutes(List<Route> value) {
      return new Classification(severityLabel, priorityLabel, severityToPriority, defaultPriority, groupBy,
          value, inhibitRules, flapping, requireRoute, recheckInterval, dedupRetention, silenceRetention,
          coalesceAlertEvents);
    }

    /**
     * The labels whose values can decide which incident an alert joins and its priority: the
     * severity and priority labels, {@code groupBy}, and every route's matchers, {@code groupBy},
     * {@code priorityFrom} label and added labels. Two alerts that agree on all of them open the
     * same incidents at the same priority.
     */
    public java.util.SortedSet<String> decidingLabels() {
      java.util.SortedSet<String> labels = new java.util.TreeSet<>(List.of(severityLabel, priorityLabel));
      labels.addAll(groupBy);
      for (Route route : allRoutes()) {
        route.matchers().all().forEach(matcher -> labels.add(matcher.name()));
        if (route.groupBy() != null) {
          labels.addAll(route.groupBy());
        }
        if (route.priorityFrom() != null) {
          labels.add(route.priorityFrom().label());
        }
        if (route.addLabels() != null) {
          labels.addAll(route.addLabels().keySet());
        }
      }
      return labels;
    }

    /** Every route of the tree, each parent before its children (breadth first). */
    private List<Route> allRoutes() {
      List<Route> all = new java.util.ArrayList<>(routes);
      for (int i = 0; i < all.size(); i++) {
        all.addAll(all.get(i).routes());
      }
      return all;
    }

    /**
     * References the routes make to names defined elsewhere in the file, checked at load
     * ({@code ConfigLoader}): each problem as {@code "line N: ..."}. A null set means the file
     * has no such section yet, so those names are not checked.
     */
    public List<String> unknownReferences(java.util.Set<String> policies, java.util.Set<String> teams) {
      List<String> problems = new java.util.ArrayList<>();
      for (Route route : allRoutes()) {
        if (policies != null && route.escalationPolicy() != null && !policies.contains(route.escalationPolicy())) {
          problems.add("line " + route.line() + ": route " + (route.name() != null ? "'" + route.name() + "' " : "")
              + "names unknown escalation policy '" + route.escalationPolicy() + "' (defined: "
              + new java.util.TreeSet<>(policies) + ")");
        }
        if (teams != null && route.team() != null && !teams.contains(route.team())) {
          problems.add("line " + route.line() + ": route " + (route.name() != null ? "'" + route.name() + "' " : "")
              + "names unknown team '" + route.team() + "' (defined: " + new java.util.TreeSet<>(teams) + ")");
        }
      }
      return problems;
    }
  }

  /**
   * An incident whose alerts change state (fire, resolve) more than {@code changes} times within
   * {@code within} is flapping: it stays open, marked flapping, instead of resolving and opening
   * (and paging) again; it resolves once its alerts stayed resolved for {@code within}.
   *
   * @param changes most state changes tolerated in the window; 0 turns detection off
   * @param within the window
   */
  public record Flapping(Integer changes, Duration within) {
    public Flapping {
      changes = changes != null ? changes : 4;
      within = within != null ? within : Duration.ofMinutes(10);
      if (changes < 0 || within.isNegative() || within.isZero()) {
        throw new IllegalArgumentException("flapping needs changes >= 0 and a positive within");
      }
    }

    public boolean enabled() {
      return changes > 0;
    }
  }

  /**
   * Response-time targets of one priority. The SLA clocks (acknowledge and resolve deadlines)
   * count business hours only when {@code businessHours} is true; escalation delays always count
   * wall-clock time.
   *
   * @param acknowledgeWithin the first escalation happens when nobody acknowledged by then; also
   *     the acknowledge SLA (crossing it records an SLA breach)
   * @param escalateEvery the delay between later escalation levels
   * @param resolveWithin the resolve target (crossing it records an SLA breach)
   * @param pages false for priorities that never page (P4)
   * @param reacknowledgeAfter the acknowledgement timeout: an incident acknowledged but not
   *     resolved this long after its acknowledgement pages again (PagerDuty's acknowledgement
   *     timeout); {@code 0} never (the default when a priority's entry does not name it)
   * @param businessHours true when the SLA clocks count business hours only (the escalation
   *     calendar); default false when a priority's entry does not name it
   */
  public record Sla(Duration acknowledgeWithin, Duration escalateEvery, Duration resolveWithin, Boolean pages,
                    Duration reacknowledgeAfter, Boolean businessHours) {
    static final Map<Priority, Sla> DEFAULTS = Map.of(
        Priority.P0, new Sla(Duration.ofMinutes(15), Duration.ofMinutes(15), Duration.ofHours(4), true,
            Duration.ofMinutes(30), false),
        Priority.P1, new Sla(Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(8), true,
            Duration.ofHours(1), false),
        Priority.P2, new Sla(Duration.ofHours(4), Duration.ofHours(4), Duration.ofHours(24), true,
            Duration.ofHours(4), false),
        // On the business-hours clock a day is one business day (09:00-17:00 by default: 8h), so
        // the design's 24 h, 48 h and one week for P3 are 8h, 16h and 40h of business time: a P3
        // raised on Friday evening breaches on Monday, the next business day, not on Saturday.
        Priority.P3, new Sla(Duration.ofHours(8), Duration.ofHours(16), Duration.ofHours(40), true, Duration.ZERO, true),
        Priority.P4, new Sla(Duration.ofHours(8), Duration.ofHours(8), Duration.ofHours(40), false, Duration.ZERO, true));

    public Sla {
      if (acknowledgeWithin == null || escalateEvery == null || resolveWithin == null) {
        throw new IllegalArgumentException("an sla needs acknowledgeWithin, escalateEvery and resolveWithin");
      }
      pages = pages == null || pages;
      reacknowledgeAfter = reacknowledgeAfter != null ? reacknowledgeAfter : Duration.ZERO;
      if (reacknowledgeAfter.isNegative()) {
        throw new IllegalArgumentException("reacknowledgeAfter must not be negative");
      }
      businessHours = businessHours != null && businessHours;
    }

    /** Wall-clock SLA clocks and no acknowledgement timeout. */
    public Sla(Duration acknowledgeWithin, Duration escalateEvery, Duration resolveWithin, Boolean pages) {
      this(acknowledgeWithin, escalateEvery, resolveWithin, pages, null, null);
    }
  }

  /**
   * The default escalation policy.
   *
   * @param levels who is paged, in order; level 1 when the incident opens
   * @param repeat how many more times the whole policy runs after its last level
   * @param sweepInterval how often overdue timers are looked for
   * @param sweepBatch the most incidents whose due timers one sweep fires; the rest wait for the next sweep
   * @param businessHours the calendar P3 and P4 clocks count in ({@link BusinessHours})
   * @param schedules on-call schedules by name ({@link ScheduleConfig})
   * @param policies escalation policies by name ({@link PolicyConfig}); without any, the
   *     {@code levels} above are the policy
   * @param teams teams by name ({@link TeamConfig})
   * @param defaultPolicies the policy of each priority for incidents whose route names none;
   *     a priority without one uses {@code levels}
   * @param linkSigningKey the HMAC key of one-click links in notifications (a secret, e.g.
   *     {@code ${file:/etc/pagewire/link-key}}, at least 16 bytes); every escalation instance
   *     needs the same. Absent: a random key per process, so links stop working after a restart
   *     and on other instances (a warning says so)
   * @param linkValidFor how long a one-click link works after its page (default 24h)
   * @param resolvedRetention how long a resolved incident stays in escalation's stores (and so in
   *     the incidents API) after its resolution, and an ended schedule override after its end
   *     (default 7d); the topics keep the history
   */
  public record Escalation(List<Level> levels, int sweepBatch, Integer repeat, Duration sweepInterval,
      BusinessHours businessHours, Map<String, ScheduleConfig> schedules, Map<String, PolicyConfig> policies,
      Map<String, TeamConfig> teams, Map<Priority, String> defaultPolicies,
      Secret linkSigningKey, Duration linkValidFor, Duration resolvedRetention) {
    public Escalation {
      levels = levels != null && !levels.isEmpty() ? List.copyOf(levels) : List.of(
          new Level("primary-oncall", List.of("console")),
          new Level("secondary-oncall", List.of("console")),
          new Level("engineering-manager", List.of("console")));
      sweepBatch = sweepBatch > 0 ? sweepBatch : 500;
      repeat = repeat != null && repeat >= 0 ? repeat : 1;
      sweepInterval = sweepInterval != null ? sweepInterval : Duration.ofSeconds(1);
      businessHours = businessHours != null ? businessHours : BusinessHours.defaults();
      schedules = schedules != null ? Map.copyOf(schedules) : Map.of();
      policies = policies != null ? Map.copyOf(policies) : Map.of();
      teams = teams != null ? Map.copyOf(teams) : Map.of();
      defaultPolicies = defaultPolicies != null ? Map.copyOf(defaultPolicies) : Map.of();
      // linkSigningKey may stay null: the escalation service then signs with a random key (and warns).
      linkValidFor = linkValidFor != null ? linkValidFor : Duration.ofHours(24);
      resolvedRetention = resolvedRetention != null ? resolvedRetention : Duration.ofDays(7);
      if (resolvedRetention.isNegative()) {
        throw new IllegalArgumentException("resolvedRetention must not be negative");
      }
    }

    /** Without a link signing key or retention: the defaults. */
    public Escalation(List<Level> levels, int sweepBatch, Integer repeat, Duration sweepInterval,
        BusinessHours businessHours, Map<String, ScheduleConfig> schedules, Map<String, PolicyConfig> policies,
        Map<String, TeamConfig> teams, Map<Priority, String> defaultPolicies,
        Secret linkSigningKey, Duration linkValidFor) {
      this(levels, sweepBatch, repeat, sweepInterval, businessHours, schedules, policies, teams, defaultPolicies,
          linkSigningKey, linkValidFor, null);
    }

    /** The same section with {@code value} as {@code resolvedRetention}. */
    public Escalation withResolvedRetention(Duration value) {
      return new Escalation(levels, sweepBatch, repeat, sweepInterval, businessHours, schedules, policies, teams,
          defaultPolicies, linkSigningKey, linkValidFor, value);
    }

    /** Without a link signing key, links valid for 24 hours. */
    public Escalation(List<Level> levels, int sweepBatch, Integer repeat, Duration sweepInterval,
        BusinessHours businessHours, Map<String, ScheduleConfig> schedules, Map<String, PolicyConfig> policies,
        Map<String, TeamConfig> teams, Map<Priority, String> defaultPolicies) {
      this(levels, sweepBatch, repeat, sweepInterval, businessHours, schedules, policies, teams, defaultPolicies,
          null, null);
    }

    /** The levels policy only, with the default calendar and no schedules, policies or teams. */
    public Escalation(List<Level> levels, int sweepBatch, Integer repeat, Duration sweepInterval) {
      this(levels, sweepBatch, repeat, sweepInterval, null, null, null, null, null, null, null);
    }

    /**
     * Checks what the escalation section refers to: schedule layers, team members and policy
     * targets name known users; teams and targets name known schedules and teams; steps name
     * known notifier channels; default policies name known policies.
     *
     * @return the first problem, naming its key, or null when there is none
     */
    public String referenceProblem(java.util.Set<String> users, java.util.Set<String> channels) {
      return EscalationReferences.problem(this, users, channels);
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
   * @param templates how messages are worded
   * @param perPerson most messages to one person (a user id or escalation recipient); beyond it,
   *     a digest (default 5 per 15m, GoAlert's SMS limit)
   * @param perChannel most messages through one channel (default 60 per 1m)
   * @param instanceId unique per running notifier: its Kafka transactional id, so a restarted
   *     instance fences its crashed predecessor at once
   * @param limitFrom the most urgent priority that rate limits and digests apply to (default P2):
   *     pages of more urgent priorities (P0, P1) are counted but never held
   * @param delivery how many deliveries run at once and how the delivery loop is watched
   */
  public record Notifier(Map<String, Map<String, Object>> channels, Retry retry,
                         Templates templates, RateLimit perPerson, RateLimit perChannel, String instanceId,
                         Priority limitFrom, Delivery delivery) {
    public Notifier(Map<String, Map<String, Object>> channels, Retry retry,
                    Templates templates, RateLimit perPerson, RateLimit perChannel, String instanceId) {
      this(channels, retry, templates, perPerson, perChannel, instanceId, null, null);
    }

    public Notifier {
      limitFrom = limitFrom != null ? limitFrom : Priority.P2;
      delivery = delivery != null ? delivery : new Delivery(0, 0, null);
      if (channels == null || channels.isEmpty()) {
        channels = Map.of("console", Map.of("type", "console"));
      }
      channels = Map.copyOf(channels);
      retry = retry != null ? retry : new Retry(null, null, null);
      templates = templates != null ? templates : new Templates(null, null);
      // GoAlert's limit for alert messages to one contact method (5 SMS per 15 minutes).
      perPerson = perPerson != null ? perPerson : new RateLimit(5, Duration.ofMinutes(15));
      // GoAlert's Slack limit, one message per second, as a per-minute budget.
      perChannel = perChannel != null ? perChannel : new RateLimit(60, Duration.ofMinutes(1));
      instanceId = instanceId != null ? instanceId : "notifier-1";
    }

    public Notifier(Map<String, Map<String, Object>> channels, Retry retry) {
      this(channels, retry, null, null, null, null);
    }
  }

  /**
   * Message templates (Mustache). Variables: {@code kind priority severity title summary
   * incidentId level recipient}, {@code labels} (a list of {@code name}/{@code value}),
   * {@code links.acknowledge links.resolve links.incident links.runbook}.
   *
   * @param title one line: email subject, chat header
   * @param body the text of the message (plain text; the email's HTML part escapes it)
   */
  public record Templates(String title, String body) {
    public Templates {
      title = title != null ? title : "[{{priority}}{{#severity}} {{severity}}{{/severity}}] {{kind}}: {{title}}";
      body = body != null ? body : """
          {{title}}
          {{#summary}}{{summary}}
          {{/summary}}Priority: {{priority}}{{#severity}}, severity: {{severity}}{{/severity}}, incident {{incidentId}}, level {{level}}
          {{#labels}}{{name}}={{value}} {{/labels}}
          {{#links.runbook}}Runbook: {{links.runbook}}
          {{/links.runbook}}{{#links.acknowledge}}Acknowledge: {{links.acknowledge}}
          {{/links.acknowledge}}{{#links.resolve}}Resolve: {{links.resolve}}
          {{/links.resolve}}{{#links.incident}}Incident: {{links.incident}}
          {{/links.incident}}""";
    }
  }

  /**
   * The notifier's delivery loop.
   *
   * @param concurrency messages in flight at once per channel (default 64); a crash repeats at most
   *     this many per channel (those sent but not yet committed)
   * @param maxPending most targets held in memory (waiting for a rule delay, a retry, a rate limit
   *     or a free slot; default 20000); beyond it, new requests wait in Kafka
   * @param stallTimeout a delivery loop that made no progress for this long makes the notifier
   *     unhealthy (default 30s)
   */
  public record Delivery(int concurrency, int maxPending, Duration stallTimeout) {
    public Delivery {
      concurrency = concurrency > 0 ? concurrency : 64;
      maxPending = maxPending > 0 ? maxPending : 20_000;
      stallTimeout = stallTimeout != null ? stallTimeout : Duration.ofSeconds(30);
      if (stallTimeout.isNegative() || stallTimeout.isZero()) {
        throw new IllegalArgumentException("notifier.delivery.stallTimeout must be positive");
      }
    }
  }

  /** At most {@code count} messages per {@code per}; beyond it, pages are bundled into one digest. */
  public record RateLimit(int count, Duration per) {
    public RateLimit {
      if (count < 1 || per == null || per.isNegative() || per.isZero()) {
        throw new IllegalArgumentException("a rate limit needs count >= 1 and a positive per");
      }
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
