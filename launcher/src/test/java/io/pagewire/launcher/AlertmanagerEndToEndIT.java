package io.pagewire.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.testsupport.WebhookReceiver;
import io.pagewire.testsupport.RequiredTool;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Prometheus Alertmanager (Debian's prometheus-alertmanager) as the client: alerts added
 * with amtool reach the ingest through Alertmanager's webhook receiver, open an incident and page
 * through the webhook channel; ending the alert with amtool resolves the incident.
 */
class AlertmanagerEndToEndIT {

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  static String binary(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }

  @Test
  void shouldOpenPageAndResolveAnIncidentFromRealAlertmanagerWebhooks(@TempDir Path dir) throws Exception {
    String alertmanager = binary("prometheus-alertmanager");
    String amtool = binary("amtool");
    RequiredTool.require(alertmanager != null && amtool != null,
        "prometheus-alertmanager and amtool are not installed (apt-get install prometheus-alertmanager; .ci/run does it)");

    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        WebhookReceiver receiver = new WebhookReceiver();
        TestPipeline pipeline = new TestPipeline(kafka, dir.resolve("streams"), PipelineIT.config(receiver, "15m"))) {
      int port = TestPipeline.freePort();
      String amUrl = "http://127.0.0.1:" + port;
      Path amConfig = dir.resolve("alertmanager.yml");
      Files.writeString(amConfig, """
          route:
            receiver: pagewire
            group_by: [alertname]
            group_wait: 1s
            group_interval: 1s
            repeat_interval: 1h
          receivers:
            - name: pagewire
              webhook_configs:
                - url: %s/api/v1/alerts/alertmanager
                  send_resolved: true
          """.formatted(pipeline.baseUrl()));
      Process am = new ProcessBuilder(alertmanager,
          "--config.file=" + amConfig,
          "--web.listen-address=127.0.0.1:" + port,
          "--cluster.listen-address=",
          "--storage.path=" + dir.resolve("am-data"),
          "--web.external-url=" + amUrl)
          .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
      try {
        HttpClient client = HttpClient.newHttpClient();
        await("alertmanager ready").atMost(PATIENCE).ignoreExceptions().until(() -> client.send(
            HttpRequest.newBuilder(URI.create(amUrl + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode() == 200);

        // As Prometheus does: the resolution keeps the alert's startsAt and ends after it.
        Instant startsAt = Instant.now().minusSeconds(10).truncatedTo(ChronoUnit.SECONDS);
        amtool(amtool, amUrl, "--annotation=summary=disk almost full", "--start=" + startsAt);
        JsonNode incident = await("incident opened").atMost(PATIENCE)
            .until(() -> PipelineIT.incident(pipeline, "disk almost full"), i -> i != null);
        assertThat(incident.path("priority").asText()).isEqualTo("P0");
        assertThat(incident.path("severity").asText()).isEqualTo("SEV-1");
        String id = incident.path("id").asText();
        await("page through the webhook channel").atMost(PATIENCE).until(() -> receiver.bodies("PAGE").stream()
            .anyMatch(p -> p.path("incidentId").asText().equals(id)));

        amtool(amtool, amUrl, "--annotation=summary=disk almost full", "--start=" + startsAt,
            "--end=" + Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.SECONDS));
        await("incident resolved").atMost(PATIENCE).until(() -> {
          JsonNode now = PipelineIT.incident(pipeline, "disk almost full");
          return now != null && now.path("status").asText().equals("resolved");
        });
      } finally {
        am.destroy();
        if (!am.waitFor(10, TimeUnit.SECONDS)) {
          am.destroyForcibly();
        }
      }
    }
  }

  private static void amtool(String amtool, String amUrl, String... extra) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(amtool, "--alertmanager.url=" + amUrl, "alert", "add",
        "alertname=DiskFull", "service=storage", "severity=critical"));
    command.addAll(List.of(extra));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as("amtool: %s", output).isZero();
  }
}
