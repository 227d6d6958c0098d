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
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A heartbeat monitor in real time on a real broker, every service running: a monitor that stops
 * beating opens an incident that pages once interval + grace has passed, even across a restart of
 * the whole pipeline in between, and the next beat resolves it.
 */
class HeartbeatIT {

  private static final Duration PATIENCE = Duration.ofSeconds(90);

  @Test
  void shouldPageWhenBeatsStopEvenAcrossARestartAndResolveOnTheNextBeat(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        WebhookReceiver receiver = new WebhookReceiver()) {
      String yaml = PipelineIT.config(receiver, "15m") + """
          heartbeats:
            - {name: backup-job, interval: 6s, grace: 2s, priority: P0, team: ops}
          """;
      Instant lastBeat;
      try (TestPipeline pipeline = new TestPipeline(kafka, dir.resolve("streams"), yaml)) {
        assertThat(pipeline.post("/api/v1/heartbeats/no-such-job", "").statusCode()).isEqualTo(404);
        HttpResponse<String> beat = pipeline.post("/api/v1/heartbeats/backup-job", "");
        assertThat(beat.statusCode()).as(beat.body()).isEqualTo(202);
        lastBeat = Instant.parse(Json.MAPPER.readTree(beat.body()).path("at").asText());
        JsonNode alive = await("listed alive").atMost(PATIENCE).until(() -> monitor(pipeline),
            m -> m != null && m.path("status").asText().equals("alive"));
        assertThat(alive.path("lastBeatAt").asText()).isEqualTo(lastBeat.toString());
        assertThat(alive.path("dueAt").asText()).isEqualTo(lastBeat.plusSeconds(8).toString());
        assertThat(receiver.bodies("PAGE")).isEmpty();
      } // the whole pipeline stops before the monitor is due ...
      assertThat(Instant.now()).as("stopped before the monitor was due").isBefore(lastBeat.plusSeconds(8));
      // ... and is started again: the monitor's deadline (in its store) passes while it is down or starting.

      try (TestPipeline pipeline = new TestPipeline(kafka, dir.resolve("streams"), yaml)) {
        JsonNode incident = await("the missed heartbeat pages").atMost(PATIENCE)
            .until(() -> heartbeatIncident(pipeline), i -> i != null && !receiver.bodies("PAGE").isEmpty());
        assertThat(incident.path("priority").asText()).isEqualTo("P0");
        assertThat(incident.path("status").asText()).isEqualTo("triggered");
        assertThat(Instant.parse(incident.path("openedAt").asText())).isAfterOrEqualTo(lastBeat.plusSeconds(8));
        assertThat(receiver.bodies("PAGE")).allSatisfy(p ->
            assertThat(p.path("incidentId").asText()).isEqualTo(incident.path("id").asText()));
        assertThat(monitor(pipeline).path("status").asText()).isEqualTo("missed");

        assertThat(pipeline.post("/api/v1/heartbeats/backup-job", "").statusCode()).isEqualTo(202);
        await("the next beat resolves it").atMost(PATIENCE).until(() -> heartbeatIncident(pipeline),
            i -> i != null && i.path("status").asText().equals("resolved"));
        assertThat(monitor(pipeline).path("status").asText()).isEqualTo("alive");
        assertThat(pipeline.incidents()).hasSize(1);
      }
    }
  }

  private static JsonNode monitor(TestPipeline pipeline) throws Exception {
    HttpResponse<String> response = pipeline.get("/api/v1/heartbeats");
    if (response.statusCode() != 200) {
      return null;
    }
    for (JsonNode m : Json.MAPPER.readTree(response.body()).path("heartbeats")) {
      if (m.path("name").asText().equals("backup-job")) {
        return m;
      }
    }
    return null;
  }

  private static JsonNode heartbeatIncident(TestPipeline pipeline) {
    return pipeline.incidents().stream().filter(i -> i.path("labels").path("heartbeat").asText().equals("backup-job"))
        .findFirst().orElse(null);
  }
}
