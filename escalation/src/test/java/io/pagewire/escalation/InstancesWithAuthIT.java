package io.pagewire.escalation;

import static io.pagewire.escalation.IncidentFixtures.opened;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.kafka.TopicAdmin;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Topics;
import io.pagewire.testsupport.FreePorts;
import io.pagewire.testsupport.TopicReader;
import io.pagewire.testsupport.TopicWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two escalation instances with {@code http.auth} on: a one-click link of an incident the other
 * instance holds works on either (the forwarded request authenticates with the link's own
 * signature), and a person's reads are forwarded with their own token.
 */
class InstancesWithAuthIT {

  @TempDir
  Path tmp;

  private static String yaml(EmbeddedKafka kafka, Path stateDir, int port) {
    return """
        kafka: {bootstrapServers: "%s", stateDir: "%s"}
        topics: {partitions: 4}
        http: {port: %d, auth: {bearerToken: ingest-secret}, publicUrl: "http://127.0.0.1:%d"}
        users:
          alice: {name: Alice, apiToken: alice-token}
        sla:
          P1: {acknowledgeWithin: 1h, escalateEvery: 1h, resolveWithin: 4h}
        escalation: {sweepInterval: 200ms, linkSigningKey: shared-link-key-of-both-instances}
        """.formatted(kafka.bootstrapServers(), stateDir, port, port);
  }

  @Test
  void shouldFollowALinkOnTheInstanceThatDoesNotHoldTheIncidentWithAuthOn() throws Exception {
    List<AutoCloseable> open = new ArrayList<>();
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary(); AutoCloseable stopAll = () -> closeAll(open)) {
      PagewireConfig a = ConfigLoader.parse("a.yaml", yaml(kafka, tmp.resolve("a"), FreePorts.next()));
      PagewireConfig b = ConfigLoader.parse("b.yaml", yaml(kafka, tmp.resolve("b"), FreePorts.next()));
      TopicAdmin.ensureTopics(a);
      EscalationService first = start(a, open);
      EscalationService second = start(b, open);
      await().atMost(Duration.ofSeconds(90)).until(() -> first.ready() && second.ready()
          && first.otherInstances().size() == 1 && second.otherInstances().size() == 1
          && first.streams().metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum() > 0
          && second.streams().metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum() > 0);

      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      List<String> ids = IntStream.range(0, 8).mapToObj(i -> "inc-auth-" + i).toList();
      try (TopicWriter<String, IncidentEvent> events = TopicWriter.of(a, Topics.INCIDENT_EVENTS)) {
        ids.forEach(id -> events.send(id, opened(id, Priority.P1, now), now.toEpochMilli()));
      }
      String elsewhere = ids.stream().filter(id -> first.ownerElsewhere(id).isPresent()).findFirst().orElseThrow();
      String link;
      try (TopicReader<String, NotificationRequest> pages = TopicReader.of(a, Topics.NOTIFICATION_REQUESTS)) {
        link = await().atMost(Duration.ofSeconds(30)).until(() -> pages.values().stream()
            .filter(p -> p.getIncidentId().equals(elsewhere)).map(p -> p.getLinks().get("acknowledge"))
            .findFirst().orElse(null), l -> l != null);
      }
      String token = link.substring(link.lastIndexOf('/') + 1);
      String firstBase = "http://127.0.0.1:" + a.http().port();
      HttpClient client = HttpClient.newHttpClient();

      HttpResponse<String> described = client.send(HttpRequest.newBuilder(URI.create(firstBase + "/api/v1/links/" + token))
          .build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> followed = client.send(HttpRequest.newBuilder(URI.create(firstBase + "/api/v1/links/" + token))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(described.statusCode()).as(described.body()).isEqualTo(200);
      assertThat(Json.MAPPER.readTree(described.body()).path("incidentId").asText()).isEqualTo(elsewhere);
      assertThat(followed.statusCode()).as(followed.body()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        HttpResponse<String> incident = client.send(HttpRequest.newBuilder(URI.create(firstBase + "/api/v1/incidents/" + elsewhere))
            .header("Authorization", "Bearer alice-token").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(incident.statusCode()).as(incident.body()).isEqualTo(200);
        JsonNode view = Json.MAPPER.readTree(incident.body());
        assertThat(view.path("status").asText()).isEqualTo("acknowledged");
      });
      HttpResponse<String> byIngestToken = client.send(HttpRequest.newBuilder(URI.create(firstBase + "/api/v1/incidents/" + elsewhere))
          .header("Authorization", "Bearer ingest-secret").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(byIngestToken.statusCode()).isEqualTo(403);
    }
  }

  private static void closeAll(List<AutoCloseable> open) throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private static EscalationService start(PagewireConfig config, List<AutoCloseable> open) throws Exception {
    EscalationService service = new EscalationService(config, new SimpleMeterRegistry());
    HttpApi http = new HttpApi(config.http(), config.users());
    service.routes(http);
    open.add(service);
    service.start();
    http.start();
    open.add(http);
    return service;
  }
}
