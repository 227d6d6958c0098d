package io.pagewire.ingest.pagerduty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.ingest.alertmanager.InvalidWebhookException;
import io.pagewire.ingest.alertmanager.WebhookParser;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.HttpError;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.http.Request;
import io.pagewire.platform.http.Response;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertAction;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.Ids;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PagerDuty Events API v2: {@code POST /v2/enqueue}, so that any tool that can page PagerDuty
 * (Grafana, Zabbix, Datadog, CloudWatch through SNS, a script) can page Pagewire.
 *
 * <p>The body is PagerDuty's event: {@code routing_key}, {@code event_action}
 * ({@code trigger}, {@code acknowledge}, {@code resolve}), {@code dedup_key}, {@code payload}
 * ({@code summary}, {@code source}, {@code severity}, {@code timestamp}, {@code component},
 * {@code group}, {@code class}, {@code custom_details}), {@code links}, {@code images},
 * {@code client}, {@code client_url}. The answers are PagerDuty's: 202
 * {@code {"status": "success", "message": "Event processed", "dedup_key": ...}} once Kafka has
 * the event; 400 {@code {"status": "invalid event", "message": "Event object is invalid",
 * "errors": [...]}} for a body that will never be valid, an unknown routing key among them; 503
 * (same shape) when Kafka does not take it in time, so the client retries.
 *
 * <p>The routing key names a configured integration ({@code integrations.NAME.routingKey});
 * it is the credential, as at PagerDuty, so the route needs no Authorization header. An event
 * becomes one alert on {@code pagewire.alerts} with the fingerprint
 * {@link Ids#pagerDutyFingerprint} of integration and dedup key:
 *
 * <ul>
 *   <li>trigger: a firing alert with the labels {@code alertname} ({@code payload.class}, else
 *       the summary), {@code severity} (so {@code critical}, {@code error}, {@code warning},
 *       {@code info} take their priority through {@code classification.severityToPriority},
 *       like any alert), {@code source}, {@code component}, {@code group}, {@code class} when
 *       given, {@code integration}, the integration's {@code service}, {@code team} and
 *       {@code labels}, and the annotations {@code summary}, {@code custom_details},
 *       {@code links}, {@code images} (JSON). Without {@code dedup_key} one is made up and
 *       answered.</li>
 *   <li>resolve: the resolved alert, without labels: the router gives it the labels of the
 *       trigger (PagerDuty's resolve names only the dedup key).</li>
 *   <li>acknowledge: an alert record with {@code action: ACKNOWLEDGE}, which the router turns
 *       into an acknowledge command of the open incident holding the alert, as
 *       {@code pagerduty/NAME}, on escalation's command topic.</li>
 * </ul>
 *
 * <p>Not implemented: PagerDuty's 120 events per minute per routing key (429), and change
 * events ({@code /v2/change/enqueue}).
 */
public final class EventsApi {

  public static final String ROUTE = "/v2/enqueue";
  public static final String RECEIVER_PREFIX = "pagerduty/";

  private static final Logger log = LoggerFactory.getLogger(EventsApi.class);
  private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");
  private static final int MAX_SUMMARY_CHARS = 1024;
  private static final int MAX_DEDUP_KEY_CHARS = 255;

  private final PagewireConfig config;
  private final Consumer<List<Alert>> publisher;
  private final Clock clock;

  /** @param publisher sends alerts to Kafka and returns once acknowledged; throws {@link HttpError} 503 when not */
  public EventsApi(PagewireConfig config, Consumer<List<Alert>> publisher, Clock clock) {
    this.config = config;
    this.publisher = publisher;
    this.clock = clock;
  }

  public void routes(HttpApi api) {
    api.publicRoute("POST", ROUTE, this::enqueue);
  }

  private Response enqueue(Request request) {
    Event event;
    try {
      event = parse(request.body(), request.requestId(), clock.instant());
    } catch (Invalid e) {
      log.info("PagerDuty event refused: requestId={} errors={}", request.requestId(), e.errors);
      return answer(400, "invalid event", "Event object is invalid", null, e.errors);
    }
    try {
      publisher.accept(List.of(event.alert()));
    } catch (HttpError e) {
      return answer(e.status(), "unavailable", e.getMessage(), null, List.of());
    }
    log.debug("PagerDuty event accepted: requestId={} integration={} action={} dedupKey={}", request.requestId(),
        event.integration(), event.action(), event.dedupKey());
    return answer(202, "success", "Event processed", event.dedupKey(), null);
  }

  private static Response answer(int status, String state, String message, String dedupKey, List<String> errors) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", state);
    body.put("message", message);
    if (dedupKey != null) {
      body.put("dedup_key", dedupKey);
    }
    if (errors != null) {
      body.put("errors", errors);
    }
    return Response.json(status, body);
  }

  /** One accepted event: the alert it becomes. */
  record Event(String integration, String action, String dedupKey, Alert alert) {}

  /** A body that can never be valid, with PagerDuty-style error strings. */
  static final class Invalid extends Exception {
    final List<String> errors;

    Invalid(List<String> errors) {
      super(String.join("; ", errors));
      this.errors = List.copyOf(errors);
    }
  }

  /** The alert an event body means; {@link Invalid} listing every problem found. */
  Event parse(byte[] body, String requestId, Instant receivedAt) throws Invalid {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new Invalid(List.of("The body is not JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage())));
    }
    if (root == null || !root.isObject()) {
      throw new Invalid(List.of("The body must be a JSON object"));
    }
    List<String> errors = new ArrayList<>();
    String routingKey = text(root, "routing_key");
    String action = text(root, "event_action");
    String dedupKey = text(root, "dedup_key");
    Map.Entry<String, PagewireConfig.Integration> integration = null;
    if (routingKey == null || routingKey.isEmpty()) {
      errors.add("'routing_key' is missing or blank");
    } else {
      integration = config.integrationByKey(routingKey);
      if (integration == null) {
        errors.add("'routing_key' is not the routing key of any integration (integrations.NAME.routingKey)");
      }
    }
    if (action == null || !Set.of("trigger", "acknowledge", "resolve").contains(action)) {
      errors.add("'event_action' must be one of trigger, acknowledge, resolve");
    }
    if (dedupKey != null && dedupKey.length() > MAX_DEDUP_KEY_CHARS) {
      errors.add("'dedup_key' is longer than " + MAX_DEDUP_KEY_CHARS + " characters");
    }
    if (("acknowledge".equals(action) || "resolve".equals(action)) && (dedupKey == null || dedupKey.isEmpty())) {
      errors.add("'dedup_key' is required to " + action);
    }
    JsonNode payload = root.path("payload");
    if ("trigger".equals(action)) {
      if (!payload.isObject()) {
        errors.add("'payload' is missing or not an object");
      } else {
        String summary = text(payload, "summary");
        if (summary == null || summary.isBlank()) {
          errors.add("'payload.summary' is missing or blank");
        } else if (summary.length() > MAX_SUMMARY_CHARS) {
          errors.add("'payload.summary' is longer than " + MAX_SUMMARY_CHARS + " characters");
        }
        String source = text(payload, "source");
        if (source == null || source.isBlank()) {
          errors.add("'payload.source' is missing or blank");
        }
        String severity = text(payload, "severity");
        if (severity == null || !SEVERITIES.contains(severity)) {
          errors.add("'payload.severity' must be one of critical, error, warning, info");
        }
        String timestamp = text(payload, "timestamp");
        if (timestamp != null && parseTime(timestamp) == null) {
          errors.add("'payload.timestamp' is not an ISO 8601 time");
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new Invalid(errors);
    }
    if (dedupKey == null || dedupKey.isEmpty()) {
      dedupKey = UUID.randomUUID().toString().replace("-", "");
    }
    String name = integration.getKey();
    Alert.Builder alert = Alert.newBuilder()
        .setFingerprint(Ids.pagerDutyFingerprint(name, dedupKey))
        .setReceiver(RECEIVER_PREFIX + name)
        .setReceivedAt(receivedAt)
        .setRequestId(requestId)
        .setLabels(Map.of())
        .setAnnotations(Map.of())
        .setStartsAt(receivedAt);
    switch (action) {
      case "trigger" -> {
        alert.setStatus(AlertStatus.FIRING)
            .setLabels(labels(name, integration.getValue(), payload, dedupKey))
            .setAnnotations(annotations(root, payload))
            .setGeneratorUrl(firstNonNull(text(root, "client_url"), text(root.path("links").path(0), "href"), ""));
        String timestamp = text(payload, "timestamp");
        if (timestamp != null) {
          alert.setStartsAt(parseTime(timestamp));
        }
      }
      case "resolve" -> alert.setStatus(AlertStatus.RESOLVED).setEndsAt(receivedAt);
      default -> alert.setStatus(AlertStatus.FIRING).setAction(AlertAction.ACKNOWLEDGE);
    }
    Alert built = alert.build();
    try {
      WebhookParser.checkBounds(built, "event", config.ingest().limits());
    } catch (InvalidWebhookException e) {
      throw new Invalid(List.of(e.getMessage()));
    }
    return new Event(name, action, dedupKey, built);
  }

  private static Map<String, String> labels(String name, PagewireConfig.Integration integration, JsonNode payload,
      String dedupKey) {
    Map<String, String> labels = new LinkedHashMap<>(integration.labels());
    String type = text(payload, "class");
    labels.put("alertname", type != null && !type.isBlank() ? type : text(payload, "summary"));
    labels.put("severity", text(payload, "severity"));
    labels.put("source", text(payload, "source"));
    for (String field : List.of("component", "group", "class")) {
      String value = text(payload, field);
      if (value != null && !value.isBlank()) {
        labels.put(field, value);
      }
    }
    labels.put("integration", name);
    labels.put("dedup_key", dedupKey);
    if (integration.service() != null) {
      labels.put("service", integration.service());
    }
    if (integration.team() != null) {
      labels.put("team", integration.team());
    }
    return labels;
  }

  private static Map<String, String> annotations(JsonNode root, JsonNode payload) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("summary", text(payload, "summary"));
    putJson(annotations, "custom_details", payload.get("custom_details"));
    putJson(annotations, "links", root.get("links"));
    putJson(annotations, "images", root.get("images"));
    String client = text(root, "client");
    if (client != null) {
      annotations.put("client", client);
    }
    return annotations;
  }

  private static void putJson(Map<String, String> into, String name, JsonNode value) {
    if (value == null || value.isNull() || (value.isContainerNode() && value.isEmpty())) {
      return;
    }
    try {
      into.put(name, value.isTextual() ? value.asText() : Json.MAPPER.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      into.put(name, value.toString());
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull() || value.isContainerNode()) {
      return null;
    }
    return value.asText();
  }

  private static Instant parseTime(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(text.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException again) {
        return null;
      }
    }
  }

  private static String firstNonNull(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return "";
  }
}
