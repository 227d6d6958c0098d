package io.pagewire.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.http.Json;
import io.pagewire.testsupport.WebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storm: 1,000 alerts from one failing cluster, posted through the webhook in groups of 100 as
 * Alertmanager sends them, collapse into one incident per alert name and cluster, and only the
 * incidents that are not inhibited page — once each.
 */
class AlertStormPipelineIT {

  private static final Duration PATIENCE = Duration.ofSeconds(90);

  /** Alert name, severity and how many instances of the cluster fire it. */
  private static final Map<String, Object[]> STORM = new LinkedHashMap<>();

  static {
    STORM.put("ClusterDown", new Object[] {"critical", 400});
    STORM.put("ErrorRate", new Object[] {"critical", 200});
    STORM.put("HighLatency", new Object[] {"warning", 300});
    STORM.put("DiskPressure", new Object[] {"warning", 100});
  }

  static String config(WebhookReceiver receiver) {
    return """
        http: {port: ${HTTP_PORT}}
        classification:
          groupBy: [alertname, cluster]
          inhibitRules:
            - name: cluster-down
              sourceMatchers: ['alertname="ClusterDown"']
              targetMatchers: ['severity="warning"']
              equal: [cluster]
        escalation:
          levels:
            - {name: primary-oncall, channels: [hook]}
        notifier:
          channels:
            hook: {type: webhook, url: "%s"}
        """.formatted(receiver.url());
  }

  /** One webhook body as Alertmanager posts a group: up to 100 alerts of one alert name. */
  static List<String> webhooks(String alertname, String severity, int count, Instant startsAt) throws Exception {
    List<String> bodies = new ArrayList<>();
    for (int from = 0; from < count; from += 100) {
      List<Map<String, Object>> alerts = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + 100); i++) {
        alerts.add(Map.of(
            "status", "firing",
            "labels", Map.of("alertname", alertname, "severity", severity, "cluster", "eu-1",
                "instance", "node-" + i + ":9100"),
            "annotations", Map.of("summary", alertname + " in eu-1"),
            "startsAt", startsAt.toString(),
            "endsAt", "0001-01-01T00:00:00Z"));
      }
      bodies.add(Json.MAPPER.writeValueAsString(Map.of(
          "version", "4", "status", "firing", "receiver", "pagewire",
          "groupLabels", Map.of("alertname", alertname), "alerts", alerts)));
    }
    return bodies;
  }

  @Test
  void shouldCollapseAThousandAlertsIntoFourIncidentsAndPageOnlyTheUninhibitedOnes(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        WebhookReceiver receiver = new WebhookReceiver();
        TestPipeline pipeline = new TestPipeline(kafka, dir.resolve("streams"), config(receiver))) {
      Instant startsAt = Instant.parse("2026-11-22T21:00:00Z");
      int posted = 0;
      for (Map.Entry<String, Object[]> alert : STORM.entrySet()) {
        for (String body : webhooks(alert.getKey(), (String) alert.getValue()[0], (Integer) alert.getValue()[1], startsAt)) {
          assertThat(pipeline.post("/api/v1/alerts/alertmanager", body).statusCode()).isEqualTo(200);
          posted += Json.MAPPER.readTree(body).path("alerts").size();
        }
        if (alert.getKey().equals("ClusterDown")) {
          // The cause fires first, as in a real outage; its symptoms follow.
          await("cluster-down incident").atMost(PATIENCE).until(() -> titles(pipeline).contains("ClusterDown in eu-1"));
        }
      }
      assertThat(posted).isEqualTo(1000);

      await("four incidents").atMost(PATIENCE).until(() -> titles(pipeline).size() == 4);
      assertThat(titles(pipeline)).containsExactlyInAnyOrder(
          "ClusterDown in eu-1", "ErrorRate in eu-1", "HighLatency in eu-1", "DiskPressure in eu-1");
      await("pages settle at two").atMost(PATIENCE).during(Duration.ofSeconds(3))
          .until(() -> receiver.bodies("PAGE").size() == 2);
      assertThat(receiver.bodies("PAGE")).extracting(p -> p.path("title").asText())
          .containsExactlyInAnyOrder("ClusterDown in eu-1", "ErrorRate in eu-1");
      JsonNode inhibited = pipeline.incidents().stream()
          .filter(i -> i.path("title").asText().equals("HighLatency in eu-1")).findFirst().orElseThrow();
      assertThat(inhibited.path("status").asText()).isEqualTo("triggered");
      assertThat(inhibited.path("nextEscalationAt").isNull()).as("an inhibited incident has no escalation clock").isTrue();
    }
  }

  private static Set<String> titles(TestPipeline pipeline) {
    return pipeline.incidents().stream().map(i -> i.path("title").asText()).collect(Collectors.toSet());
  }
}
