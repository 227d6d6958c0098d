package io.pagewire.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.testsupport.WebhookReceiver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline on a real broker, fed with webhook bodies captured from a real Alertmanager. */
class PipelineIT {

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  static String config(WebhookReceiver receiver, String ackWithin) {
    return """
        http: {port: ${HTTP_PORT}}
        sla:
          P0: {acknowledgeWithin: %s, escalateEvery: %s, resolveWithin: 1h}
        escalation:
          sweepInterval: 100ms
          levels:
            - {name: primary-oncall, channels: [hook, console]}
            - {name: secondary-oncall, channels: [hook]}
        notifier:
          channels:
            console: {type: console}
            hook: {type: webhook, url: "%s"}
          retry: {initialBackoff: 100ms, maxBackoff: 1s, giveUpAfter: 30s}
        """.formatted(ackWithin, ackWithin, receiver.url());
  }

  static String fixture(int number) throws IOException {
    String name = switch (number) {
      case 1 -> "alertmanager-0.25-1-firing-one-critical.json";
      case 2 -> "alertmanager-0.25-2-firing-two-alerts.json";
      case 3 -> "alertmanager-0.25-3-one-resolved-one-firing.json";
      default -> throw new IllegalArgumentException("no fixture " + number);
    };
    try (InputStream in = PipelineIT.class.getResourceAsStream("/fixtures/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static JsonNode incident(TestPipeline pipeline, String title) {
    return pipeline.incidents().stream().filter(i -> i.path("title").asText().equals(title)).findFirst().orElse(null);
  }

  @Test
  void shouldTurnAlertmanagerWebhooksIntoIncidentsPagesAndResolutions(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        WebhookReceiver receiver = new WebhookReceiver();
        TestPipeline pipeline = new TestPipeline(kafka, dir.resolve("streams"), config(receiver, "15m"))) {

      assertThat(pipeline.post("/api/v1/alerts/alertmanager", fixture(1)).statusCode()).isEqualTo(200);

      JsonNode opened = await("checkout incident").atMost(PATIENCE)
          .until(() -> incident(pipeline, "p99 above 500ms"), i -> i != null);
      assertThat(opened.path("priority").asText()).isEqualTo("P0");
      assertThat(opened.path("severity").asText()).isEqualTo("SEV-1");
      assertThat(opened.path("status").asText()).isEqualTo("triggered");
      assertThat(opened.path("level").asInt()).isEqualTo(1);
      assertThat(opened.path("nextEscalationAt").asText()).isNotEmpty();
      String id = opened.path("id").asText();
      await("level-1 page").atMost(PATIENCE).until(() -> receiver.bodies("PAGE").stream()
          .anyMatch(p -> p.path("incidentId").asText().equals(id) && p.path("level").asInt() == 1));

      assertThat(pipeline.post("/api/v1/alerts/alertmanager", fixture(2)).statusCode()).isEqualTo(200);
      assertThat(pipeline.post("/api/v1/alerts/alertmanager", fixture(3)).statusCode()).isEqualTo(200);

      await("checkout resolved, payments open").atMost(PATIENCE).until(() -> {
        JsonNode checkout = pipeline.get("/api/v1/incidents/" + id).statusCode() == 200 ? incident(pipeline, "p99 above 500ms") : null;
        JsonNode payments = incident(pipeline, "p99 above 300ms");
        return checkout != null && checkout.path("status").asText().equals("resolved")
            && payments != null && payments.path("priority").asText().equals("P1");
      });
      await("resolved notification").atMost(PATIENCE).until(() -> receiver.bodies("RESOLVED").stream()
          .anyMatch(p -> p.path("incidentId").asText().equals(id)));
    }
  }

  @Test
  void shouldKeepOpenIncidentsAndTheirTimersAcrossARestartOnTheSameDataDirectory(@TempDir Path dir) throws Exception {
    String id;
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      String yaml = config(receiver, "4s");
      try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
          TestPipeline pipeline = new TestPipeline(kafka, dir.resolve("streams"), yaml)) {
        assertThat(pipeline.post("/api/v1/alerts/alertmanager", fixture(1)).statusCode()).isEqualTo(200);
        await("level-1 page").atMost(PATIENCE).until(() -> !receiver.bodies("PAGE").isEmpty());
        id = receiver.bodies("PAGE").get(0).path("incidentId").asText();
      }
      assertThat(receiver.bodies("PAGE")).as("no escalation before the deadline").hasSize(1);

      try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
          TestPipeline pipeline = new TestPipeline(kafka, dir.resolve("streams"), yaml)) {
        await("incident still open after restart").atMost(PATIENCE)
            .until(() -> pipeline.get("/api/v1/incidents/" + id).statusCode() == 200);
        await("level-2 page after restart").atMost(PATIENCE).until(() -> receiver.bodies("PAGE").stream()
            .anyMatch(p -> p.path("level").asInt() == 2));
        List<JsonNode> pages = receiver.bodies("PAGE");
        assertThat(pages).extracting(p -> p.path("level").asInt()).as("each level paged once").containsExactly(1, 2);
      }
    }
  }

}
