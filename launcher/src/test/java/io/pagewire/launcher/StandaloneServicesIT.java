package io.pagewire.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.testsupport.WebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each service alone against an external broker, as {@code pagewire service NAME} runs it on a
 * real cluster: four pipelines with their own HTTP APIs and state, sharing only Kafka.
 */
class StandaloneServicesIT {

  @Test
  void shouldCarryAWebhookToAPageWithEveryServiceInItsOwnPipeline(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        WebhookReceiver receiver = new WebhookReceiver()) {
      String yaml = PipelineIT.config(receiver, "15m");
      try (TestPipeline notifier = new TestPipeline(kafka, dir.resolve("n"), yaml, List.of("notifier"));
          TestPipeline escalation = new TestPipeline(kafka, dir.resolve("e"), yaml, List.of("escalation"));
          TestPipeline router = new TestPipeline(kafka, dir.resolve("r"), yaml, List.of("severity-router"));
          TestPipeline ingest = new TestPipeline(kafka, dir.resolve("i"), yaml, List.of("alerting-ingest"))) {

        assertThat(ingest.post("/api/v1/alerts/alertmanager", PipelineIT.fixture(1)).statusCode()).isEqualTo(200);

        await("page").atMost(Duration.ofSeconds(60)).until(() -> !receiver.bodies("PAGE").isEmpty());
        String id = receiver.bodies("PAGE").get(0).path("incidentId").asText();
        assertThat(escalation.get("/api/v1/incidents/" + id).statusCode()).isEqualTo(200);
        assertThat(ingest.get("/api/v1/incidents/" + id).statusCode()).as("the ingest serves no incidents").isEqualTo(404);
        assertThat(notifier.get("/readyz").statusCode()).isEqualTo(200);
        assertThat(router.get("/metrics").body()).contains("pagewire_router_events_total");
      }
    }
  }
}
