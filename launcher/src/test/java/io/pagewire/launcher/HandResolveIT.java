package io.pagewire.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.testsupport.WebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An incident a person resolves while one of its alerts still fires ends its group: the next
 * firing alert of the group opens a new incident that pages (the router learns the resolution
 * from escalation's {@code pagewire.incident-status}).
 */
class HandResolveIT {

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @Test
  void shouldPageNewIncidentForNextAlertOfAGroupWhoseIncidentWasResolvedByHand(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        WebhookReceiver receiver = new WebhookReceiver();
        TestPipeline pipeline = new TestPipeline(kafka, dir.resolve("streams"), PipelineIT.config(receiver, "15m"))) {
      assertThat(pipeline.post("/api/v1/alerts/alertmanager", webhook("a1", "pod-1")).statusCode()).isEqualTo(200);
      String first = await("first page").atMost(PATIENCE).until(() -> pagedIncidents(receiver), ids -> ids.size() == 1)
          .iterator().next();

      assertThat(pipeline.post("/api/v1/incidents/" + first + "/resolve", "{\"note\": \"fixed by hand\"}").statusCode())
          .isEqualTo(202);
      await("resolved by hand").atMost(PATIENCE).until(() -> {
        JsonNode incident = pipeline.incidents().stream()
            .filter(i -> i.path("id").asText().equals(first)).findFirst().orElse(null);
        return incident != null && incident.path("status").asText().equals("resolved");
      });
      // a1 still fires; a2 is new in the same group (alertname + service).
      assertThat(pipeline.post("/api/v1/alerts/alertmanager", webhook("a2", "pod-2")).statusCode()).isEqualTo(200);

      Set<String> paged = await("page of a new incident").atMost(PATIENCE)
          .until(() -> pagedIncidents(receiver), ids -> ids.size() == 2);
      assertThat(paged).contains(first).hasSize(2);
    }
  }

  private static Set<String> pagedIncidents(WebhookReceiver receiver) {
    return receiver.bodies("PAGE").stream().map(p -> p.path("incidentId").asText()).collect(Collectors.toSet());
  }

  private static String webhook(String fingerprint, String instance) {
    return """
        {"receiver": "webhook", "status": "firing", "version": "4", "groupKey": "{}:{alertname=\\"HighLatency\\"}",
         "externalURL": "http://am:9093", "groupLabels": {"alertname": "HighLatency"}, "commonLabels": {},
         "commonAnnotations": {}, "truncatedAlerts": 0,
         "alerts": [{"status": "firing", "fingerprint": "%s", "startsAt": "%s", "endsAt": "0001-01-01T00:00:00Z",
           "generatorURL": "", "annotations": {"summary": "p99 above 500ms"},
           "labels": {"alertname": "HighLatency", "service": "checkout", "severity": "critical", "instance": "%s"}}]}
        """.formatted(fingerprint, Instant.now().minusSeconds(5), instance);
  }
}
