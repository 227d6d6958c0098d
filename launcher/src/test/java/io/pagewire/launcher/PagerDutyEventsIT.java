package io.pagewire.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.http.Json;
import io.pagewire.testsupport.WebhookReceiver;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A monitoring tool that knows only PagerDuty's Events API v2 pages through Pagewire: trigger,
 * acknowledge and resolve with one {@code dedup_key} open, acknowledge and resolve one incident,
 * on a real broker with every service running.
 */
class PagerDutyEventsIT {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final String KEY = "R0UTINGKEY0000000000000000000001";

  @Test
  void shouldOpenAcknowledgeAndResolveOneIncidentFromPagerDutyEventsWithOneDedupKey(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        WebhookReceiver receiver = new WebhookReceiver();
        TestPipeline pipeline = new TestPipeline(kafka, dir.resolve("streams"), PipelineIT.config(receiver, "15m") + """
            integrations:
              grafana: {routingKey: %s, service: checkout, team: payments}
            """.formatted(KEY))) {

      HttpResponse<String> trigger = pipeline.post("/v2/enqueue", event("trigger", """
          , "payload": {"summary": "Disk full on db-1", "source": "db-1", "severity": "critical", "component": "postgres",
             "group": "prod", "class": "DiskFull", "custom_details": {"free": "0 bytes"}},
          "links": [{"href": "https://grafana.example/d/1", "text": "dashboard"}]"""));
      assertThat(trigger.statusCode()).as(trigger.body()).isEqualTo(202);
      assertThat(Json.MAPPER.readTree(trigger.body()).toString())
          .isEqualTo("{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"disk-db-1\"}");

      JsonNode opened = await("incident opened and paged").atMost(PATIENCE)
          .until(() -> PipelineIT.incident(pipeline, "Disk full on db-1"), i -> i != null && !receiver.bodies("PAGE").isEmpty());
      assertThat(opened.path("status").asText()).isEqualTo("triggered");
      assertThat(opened.path("priority").asText()).isEqualTo("P0"); // critical, through classification.severityToPriority
      assertThat(opened.path("labels").path("service").asText()).isEqualTo("checkout");
      assertThat(opened.path("labels").path("integration").asText()).isEqualTo("grafana");
      String id = opened.path("id").asText();

      assertThat(pipeline.post("/v2/enqueue", event("acknowledge", "")).statusCode()).isEqualTo(202);
      JsonNode acknowledged = await("acknowledged").atMost(PATIENCE).until(() -> PipelineIT.incident(pipeline, "Disk full on db-1"),
          i -> i != null && i.path("status").asText().equals("acknowledged"));
      assertThat(acknowledged.path("id").asText()).isEqualTo(id);
      assertThat(acknowledged.path("acknowledgedBy").asText()).isEqualTo("pagerduty/grafana");

      assertThat(pipeline.post("/v2/enqueue", event("resolve", "")).statusCode()).isEqualTo(202);
      JsonNode resolved = await("resolved").atMost(PATIENCE).until(() -> PipelineIT.incident(pipeline, "Disk full on db-1"),
          i -> i != null && i.path("status").asText().equals("resolved"));
      assertThat(resolved.path("id").asText()).isEqualTo(id);
      assertThat(pipeline.incidents()).hasSize(1);

      HttpResponse<String> openApi = pipeline.get("/api/v1/openapi.json");
      assertThat(openApi.statusCode()).isEqualTo(200);
      assertThat(Json.MAPPER.readTree(openApi.body()).path("paths").has("/v2/enqueue")).isTrue();
    }
  }

  private static String event(String action, String rest) {
    return "{\"routing_key\": \"" + KEY + "\", \"event_action\": \"" + action + "\", \"dedup_key\": \"disk-db-1\"" + rest + "}";
  }
}
