package io.pagewire.escalation;

import static io.pagewire.escalation.IncidentFixtures.opened;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.kafka.TopicAdmin;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Topics;
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
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The escalation service on a real broker, with a 4-second acknowledgement SLA. */
class EscalationServiceIT {

  private static final Duration ACK_WITHIN = Duration.ofSeconds(4);
  private static EmbeddedKafka kafka;

  @TempDir
  Path tmp;

  private final List<AutoCloseable> open = new ArrayList<>();
  private TopicReader<String, NotificationRequest> pages;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafka.startTemporary();
    TopicAdmin.ensureTopics(config(Path.of("unused")));
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  private static PagewireConfig config(Path stateDir) {
    PagewireConfig.Sla shortSla = new PagewireConfig.Sla(ACK_WITHIN, Duration.ofHours(1), Duration.ofHours(4), true);
    return PagewireConfig.defaults()
        .withKafka(kafka.bootstrapServers(), stateDir)
        .withHttp(new PagewireConfig.Http("127.0.0.1", 0, 0, null, null))
        .withSla(Map.of(Priority.P0, shortSla, Priority.P1, shortSla))
        .withEscalation(new PagewireConfig.Escalation(null, 0, 1, Duration.ofMillis(100)));
  }

  @BeforeEach
  void subscribe() {
    pages = TopicReader.of(config(tmp), Topics.NOTIFICATION_REQUESTS);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    pages.close();
  }

  private EscalationService startService(Path stateDir) {
    EscalationService service = new EscalationService(config(stateDir), new SimpleMeterRegistry());
    open.add(service);
    service.start();
    await().atMost(Duration.ofSeconds(60)).until(service::ready);
    return service;
  }

  private void publish(IncidentEvent event) {
    try (TopicWriter<String, IncidentEvent> events = TopicWriter.of(config(tmp), Topics.INCIDENT_EVENTS)) {
      events.send(event.getIncidentId(), event, event.getAt().toEpochMilli());
    }
  }

  /** Notification ids of {@code incidentId} seen so far (read_committed), with how often each came. */
  private Map<String, Long> pages(String incidentId) {
    return pages.values().stream().filter(n -> n.getIncidentId().equals(incidentId))
        .collect(Collectors.groupingBy(NotificationRequest::getNotificationId, Collectors.counting()));
  }

  private NotificationRequest page(String notificationId) {
    return pages.values().stream().filter(n -> n.getNotificationId().equals(notificationId)).findFirst().orElseThrow();
  }

  @Test
  void shouldSendLevelTwoPageExactlyOnceAfterRestartOnANewStateDirectory() {
    EscalationService first = startService(tmp.resolve("state-1"));
    Instant openedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    publish(opened("inc-restart", Priority.P0, openedAt));
    await().atMost(Duration.ofSeconds(20)).until(() -> pages("inc-restart").containsKey("inc-restart/page/1"));

    first.close();
    Instant restartedAt = Instant.now();
    assertThat(restartedAt).as("the first instance stopped before the deadline").isBefore(openedAt.plus(ACK_WITHIN));
    startService(tmp.resolve("state-2"));

    await().atMost(Duration.ofSeconds(60)).until(() -> pages("inc-restart").containsKey("inc-restart/page/2"));
    NotificationRequest levelTwo = page("inc-restart/page/2");
    assertThat(levelTwo.getLevel()).isEqualTo(2);
    // Fired by the second instance, from the deadline it restored from the changelog.
    assertThat(levelTwo.getCreatedAt()).isAfterOrEqualTo(restartedAt.truncatedTo(ChronoUnit.MILLIS));
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(pages("inc-restart")).containsExactlyInAnyOrderEntriesOf(
            Map.of("inc-restart/page/1", 1L, "inc-restart/page/2", 1L)));
  }

  @Test
  void shouldStopPagingWhenAcknowledgedOverHttp() throws Exception {
    EscalationService service = new EscalationService(config(tmp.resolve("state")), new SimpleMeterRegistry());
    HttpApi http = new HttpApi(config(tmp).http());
    service.routes(http);
    http.start();
    open.add(http);
    open.add(service);
    String base = "http://127.0.0.1:" + http.port() + "/api/v1/incidents";
    HttpClient client = HttpClient.newHttpClient();
    Function<HttpRequest.Builder, HttpResponse<String>> call = builder -> {
      try {
        return client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
    // Not started yet: the store is not queryable, so clients are told to retry.
    assertThat(call.apply(HttpRequest.newBuilder(URI.create(base))).statusCode()).isEqualTo(503);
    service.start();
    await().atMost(Duration.ofSeconds(60)).until(service::ready);

    assertThat(call.apply(HttpRequest.newBuilder(URI.create(base + "/inc-nope/acknowledge"))
        .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(404);

    Instant openedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    publish(opened("inc-http", Priority.P1, openedAt));
    await().atMost(Duration.ofSeconds(20)).until(() -> pages("inc-http").containsKey("inc-http/page/1"));

    HttpResponse<String> ack = call.apply(HttpRequest.newBuilder(URI.create(base + "/inc-http/acknowledge"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"actor\": \"alice\", \"note\": \"on it\"}")));
    assertThat(ack.statusCode()).isEqualTo(202);
    JsonNode accepted = Json.MAPPER.readTree(ack.body());
    assertThat(accepted.path("incidentId").asText()).isEqualTo("inc-http");
    assertThat(accepted.path("type").asText()).isEqualTo("acknowledge");
    assertThat(accepted.path("commandId").asText()).isNotBlank();

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      JsonNode incident = Json.MAPPER.readTree(call.apply(HttpRequest.newBuilder(URI.create(base + "/inc-http"))).body());
      assertThat(incident.path("status").asText()).isEqualTo("acknowledged");
      assertThat(incident.path("acknowledgedBy").asText()).isEqualTo("alice");
      assertThat(incident.path("priority").asText()).isEqualTo("P1");
      assertThat(incident.path("severity").asText()).isEqualTo("SEV-2");
      assertThat(incident.path("nextEscalationAt").isNull()).isTrue();
    });
    JsonNode acknowledged = Json.MAPPER.readTree(
        call.apply(HttpRequest.newBuilder(URI.create(base + "?status=acknowledged"))).body());
    assertThat(acknowledged.path("incidents").findValuesAsText("id")).contains("inc-http");
    JsonNode triggered = Json.MAPPER.readTree(
        call.apply(HttpRequest.newBuilder(URI.create(base + "?status=triggered"))).body());
    assertThat(triggered.path("incidents").findValuesAsText("id")).doesNotContain("inc-http");

    // Past the deadline the acknowledgement cancelled: still only the first page.
    Duration untilPastDeadline = Duration.between(Instant.now(), openedAt.plus(ACK_WITHIN).plusSeconds(1));
    await().during(untilPastDeadline.isNegative() ? Duration.ofMillis(500) : untilPastDeadline)
        .atMost(untilPastDeadline.plusSeconds(5))
        .untilAsserted(() -> assertThat(pages("inc-http")).containsOnlyKeys("inc-http/page/1"));
  }

  @Test
  void shouldTakeCommandsFromPerUserTokensAndSignedLinksWithoutLettingALinkDoAnythingElse() throws Exception {
    PagewireConfig config = config(tmp.resolve("state-links"))
        .withHttp(new PagewireConfig.Http("127.0.0.1", 0, 0,
            new PagewireConfig.Auth(io.pagewire.platform.config.Secret.of("shared"), null, null), null))
        .withUsers(Map.of("alice", new PagewireConfig.User("Alice", "alice@example.com",
            io.pagewire.platform.config.Secret.of("alice-token"))));
    EscalationService service = new EscalationService(config, new SimpleMeterRegistry());
    HttpApi http = new HttpApi(config.http(), config.users());
    service.routes(http);
    http.start();
    open.add(http);
    open.add(service);
    service.start();
    await().atMost(Duration.ofSeconds(60)).until(service::ready);
    String base = "http://127.0.0.1:" + http.port();
    HttpClient client = HttpClient.newHttpClient();
    Function<HttpRequest.Builder, HttpResponse<String>> call = builder -> {
      try {
        return client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
    Function<String, JsonNode> incident = id -> {
      try {
        return Json.MAPPER.readTree(call.apply(HttpRequest.newBuilder(URI.create(base + "/api/v1/incidents/" + id))
            .header("Authorization", "Bearer alice-token")).body());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };

    publish(opened("inc-link", Priority.P1, Instant.now().truncatedTo(ChronoUnit.MILLIS)));
    await().atMost(Duration.ofSeconds(20)).until(() -> pages("inc-link").containsKey("inc-link/page/1"));
    String ackUrl = page("inc-link/page/1").getLinks().get("acknowledge");
    String ackToken = ackUrl.substring(ackUrl.lastIndexOf('/') + 1);
    String resolveUrl = page("inc-link/page/1").getLinks().get("resolve");
    assertThat(resolveUrl.substring(resolveUrl.lastIndexOf('/') + 1)).isNotEqualTo(ackToken);

    // GET describes (a mail scanner may fetch it) and changes nothing; no credentials needed.
    HttpResponse<String> described = call.apply(HttpRequest.newBuilder(URI.create(base + "/api/v1/links/" + ackToken)));
    assertThat(described.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(described.body()).path("action").asText()).isEqualTo("acknowledge");
    HttpResponse<String> page = call.apply(HttpRequest.newBuilder(URI.create(base + "/api/v1/links/" + ackToken))
        .header("Accept", "text/html"));
    assertThat(page.body()).contains("<form method=\"post\">").contains("Acknowledge as primary-oncall");

    // A note with alice's own token: the actor is alice, whatever the body claims.
    HttpResponse<String> noted = call.apply(HttpRequest.newBuilder(URI.create(base + "/api/v1/incidents/inc-link/notes"))
        .header("Authorization", "Bearer alice-token").header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"kind\": \"action_item\", \"text\": \"add a disk alert\", \"owner\": \"bob\", \"due\": \"2026-12-01\", \"actor\": \"mallory\"}")));
    assertThat(noted.statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> incident.apply("inc-link").path("notes").size() == 1);
    JsonNode withNote = incident.apply("inc-link");
    assertThat(withNote.path("status").asText()).as("the GET of the link did not acknowledge").isEqualTo("triggered");
    JsonNode note = withNote.path("notes").get(0);
    assertThat(note.path("kind").asText()).isEqualTo("action_item");
    assertThat(note.path("actor").asText()).isEqualTo("alice");
    assertThat(note.path("owner").asText()).isEqualTo("bob");
    assertThat(note.path("due").asText()).isEqualTo("2026-12-01");
    assertThat(withNote.path("timeline").findValuesAsText("type")).containsExactly("opened", "paged", "note_added");

    // Without credentials the API refuses; a forged token is refused too.
    assertThat(call.apply(HttpRequest.newBuilder(URI.create(base + "/api/v1/incidents/inc-link/resolve"))
        .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(401);
    // The http.auth credential (Alertmanager's) may only post alerts: it cannot resolve or read.
    HttpResponse<String> byIngestToken = call.apply(HttpRequest.newBuilder(URI.create(base + "/api/v1/incidents/inc-link/resolve"))
        .header("Authorization", "Bearer shared").POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(byIngestToken.statusCode()).isEqualTo(403);
    assertThat(byIngestToken.body()).contains("needs the respond scope");
    assertThat(call.apply(HttpRequest.newBuilder(URI.create(base + "/api/v1/incidents/inc-link"))
        .header("Authorization", "Bearer shared")).statusCode()).isEqualTo(403);
    String forged = (ackToken.charAt(0) == 'A' ? "B" : "A") + ackToken.substring(1);
    assertThat(call.apply(HttpRequest.newBuilder(URI.create(base + "/api/v1/links/" + forged))
        .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(403);

    // POST acknowledges, as the person paged; a replay of the same link is harmless.
    for (int i = 0; i < 2; i++) {
      assertThat(call.apply(HttpRequest.newBuilder(URI.create(base + "/api/v1/links/" + ackToken))
          .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(202);
    }
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      JsonNode acked = incident.apply("inc-link");
      assertThat(acked.path("status").asText()).isEqualTo("acknowledged");
      assertThat(acked.path("acknowledgedBy").asText()).isEqualTo("primary-oncall");
      assertThat(acked.path("timeline").findValuesAsText("type")).containsOnlyOnce("acknowledged");
    });
    // Snooze for a duration, as alice.
    assertThat(call.apply(HttpRequest.newBuilder(URI.create(base + "/api/v1/incidents/inc-link/snooze"))
        .header("Authorization", "Bearer alice-token")
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"for\": \"soon\"}"))).statusCode()).isEqualTo(400);
    HttpResponse<String> badIso = call.apply(HttpRequest.newBuilder(URI.create(base + "/api/v1/incidents/inc-link/snooze"))
        .header("Authorization", "Bearer alice-token")
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"for\": \"P1X\"}")));
    assertThat(badIso.statusCode()).isEqualTo(400);
    assertThat(badIso.body()).contains("'P1X' is not a duration");
    assertThat(call.apply(HttpRequest.newBuilder(URI.create(base + "/api/v1/incidents/inc-link/snooze"))
        .header("Authorization", "Bearer alice-token")
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"for\": \"30m\"}"))).statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      JsonNode snoozed = incident.apply("inc-link");
      assertThat(snoozed.path("status").asText()).isEqualTo("snoozed");
      assertThat(snoozed.path("snoozedUntil").asText()).isNotEmpty();
    });
  }
}
