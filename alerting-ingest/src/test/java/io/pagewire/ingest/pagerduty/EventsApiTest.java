package io.pagewire.ingest.pagerduty;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.HttpError;
import io.pagewire.platform.http.Json;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertAction;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.Ids;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /v2/enqueue} on a real HTTP server: PagerDuty's bodies in, PagerDuty's answers out, the alerts it publishes. */
class EventsApiTest {

  private static final String KEY = "R0UTINGKEY0000000000000000000001";
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final PagewireConfig CONFIG = ConfigLoader.parse("test.yaml", """
      http: {port: 0}
      integrations:
        grafana: {routingKey: %s, service: checkout, team: payments, labels: {env: prod}}
      """.formatted(KEY));

  private final List<Alert> published = new ArrayList<>();
  private boolean kafkaDown;
  private HttpApi api;

  @BeforeEach
  void start() throws Exception {
    api = new HttpApi(CONFIG.http());
    new EventsApi(CONFIG, alerts -> {
      if (kafkaDown) {
        throw new HttpError(503, "kafka_unavailable", "Kafka did not acknowledge the alerts within 10s");
      }
      published.addAll(alerts);
    }, Clock.fixed(NOW, ZoneOffset.UTC)).routes(api);
    api.start();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private HttpResponse<String> post(String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/v2/enqueue"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldTurnATriggerIntoAFiringAlertWithTheIntegrationsLabelsAndAnswer202WithTheDedupKey() throws Exception {
    HttpResponse<String> answer = post("""
        {"routing_key": "%s", "event_action": "trigger", "dedup_key": "disk-db-1", "client": "Grafana",
         "client_url": "https://grafana.example", "links": [{"href": "https://grafana.example/d/1", "text": "dashboard"}],
         "payload": {"summary": "Disk full on db-1", "source": "db-1", "severity": "error", "timestamp": "2026-12-01T09:59:00+00:00",
           "component": "postgres", "group": "prod-db", "class": "DiskFull", "custom_details": {"free": "0 bytes"}}}
        """.formatted(KEY));

    assertThat(answer.statusCode()).isEqualTo(202);
    assertThat(answer.body()).isEqualTo("{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"disk-db-1\"}");
    Alert alert = published.get(0);
    assertThat(alert.getFingerprint()).isEqualTo(Ids.pagerDutyFingerprint("grafana", "disk-db-1"));
    assertThat(alert.getStatus()).isEqualTo(AlertStatus.FIRING);
    assertThat(alert.getAction()).isNull();
    assertThat(alert.getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of("alertname", "DiskFull", "severity", "error",
        "source", "db-1", "component", "postgres", "group", "prod-db", "class", "DiskFull", "integration", "grafana",
        "dedup_key", "disk-db-1", "service", "checkout", "team", "payments")
        .entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue,
            (a, b) -> a, () -> new java.util.HashMap<>(Map.of("env", "prod")))));
    assertThat(alert.getAnnotations()).containsEntry("summary", "Disk full on db-1")
        .containsEntry("custom_details", "{\"free\":\"0 bytes\"}")
        .containsEntry("links", "[{\"href\":\"https://grafana.example/d/1\",\"text\":\"dashboard\"}]");
    assertThat(alert.getStartsAt()).isEqualTo(Instant.parse("2026-12-01T09:59:00Z"));
    assertThat(alert.getReceiver()).isEqualTo("pagerduty/grafana");
    assertThat(alert.getGeneratorUrl()).isEqualTo("https://grafana.example");
  }

  @Test
  void shouldSendResolveAndAcknowledgeWithTheSameFingerprintAndNoLabels() throws Exception {
    assertThat(post(event("resolve")).statusCode()).isEqualTo(202);
    assertThat(post(event("acknowledge")).statusCode()).isEqualTo(202);

    assertThat(published).extracting(Alert::getFingerprint).containsOnly(Ids.pagerDutyFingerprint("grafana", "disk-db-1"));
    assertThat(published).extracting(Alert::getStatus, Alert::getAction)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(AlertStatus.RESOLVED, null),
            org.assertj.core.groups.Tuple.tuple(AlertStatus.FIRING, AlertAction.ACKNOWLEDGE));
    assertThat(published).allSatisfy(a -> assertThat(a.getLabels()).isEmpty());
  }

  @Test
  void shouldAnswer400WithPagerDutysErrorsForAnUnknownRoutingKeyOrAnInvalidEvent() throws Exception {
    HttpResponse<String> unknown = post("""
        {"routing_key": "nope", "event_action": "trigger", "payload": {"summary": "s", "source": "x", "severity": "critical"}}""");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).isEqualTo("{\"status\":\"invalid event\",\"message\":\"Event object is invalid\",\"errors\":"
        + "[\"'routing_key' is not the routing key of any integration (integrations.NAME.routingKey)\"]}");

    JsonNode invalid = Json.MAPPER.readTree(post("""
        {"routing_key": "%s", "event_action": "trigger", "payload": {"severity": "fatal"}}""".formatted(KEY)).body());
    assertThat(invalid.path("errors").toString()).isEqualTo("[\"'payload.summary' is missing or blank\","
        + "\"'payload.source' is missing or blank\",\"'payload.severity' must be one of critical, error, warning, info\"]");
    assertThat(Json.MAPPER.readTree(post("{\"routing_key\": \"" + KEY + "\", \"event_action\": \"resolve\"}").body())
        .path("errors").toString()).isEqualTo("[\"'dedup_key' is required to resolve\"]");
    assertThat(post("not json").statusCode()).isEqualTo(400);
    assertThat(published).isEmpty();
  }

  @Test
  void shouldMakeUpADedupKeyForATriggerWithoutOne() throws Exception {
    JsonNode answer = Json.MAPPER.readTree(post("""
        {"routing_key": "%s", "event_action": "trigger", "payload": {"summary": "s", "source": "x", "severity": "info"}}"""
        .formatted(KEY)).body());
    assertThat(answer.path("dedup_key").asText()).matches("[0-9a-f]{32}");
    assertThat(published.get(0).getLabels()).containsEntry("dedup_key", answer.path("dedup_key").asText());
  }

  @Test
  void shouldAnswer503InPagerDutysShapeWhenKafkaDoesNotTakeTheEvent() throws Exception {
    kafkaDown = true;
    HttpResponse<String> answer = post(event("resolve"));
    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(Json.MAPPER.readTree(answer.body()).path("status").asText()).isEqualTo("unavailable");
  }

  private static String event(String action) {
    return "{\"routing_key\": \"" + KEY + "\", \"event_action\": \"" + action + "\", \"dedup_key\": \"disk-db-1\"}";
  }
}
