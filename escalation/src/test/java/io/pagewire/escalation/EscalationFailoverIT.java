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
import io.pagewire.testsupport.ChildJvm;
import io.pagewire.testsupport.FreePorts;
import io.pagewire.testsupport.TopicReader;
import io.pagewire.testsupport.TopicWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two escalation instances (same application id, 6 partitions) on a real broker; one is killed.
 *
 * <p>The killed instance runs in a child JVM stopped with SIGKILL ({@link ChildJvm#kill()}): no
 * commit, no leaving the group, an open transaction left behind — what a crash or an OOM kill does.
 * The survivor learns of the death only when the dead member's session times out
 * ({@code kafka.sessionTimeout}, 10 s by default), restores the dead instance's stores from their
 * changelogs, and must fire every due timer exactly once, within {@link #FAILOVER_BOUND} of the kill.
 */
class EscalationFailoverIT {

  private static final Logger log = LoggerFactory.getLogger(EscalationFailoverIT.class);

  private static final int INCIDENTS = 300;
  private static final Duration ACK_WITHIN = Duration.ofSeconds(25);
  /** The session timeout (10 s), the rebalance, the restore and one sweep. */
  private static final Duration FAILOVER_BOUND = Duration.ofSeconds(15);

  @TempDir
  Path tmp;

  private EmbeddedKafka kafka;
  private ChildJvm child;
  private EscalationService survivor;
  private HttpApi survivorHttp;
  private TopicReader<String, NotificationRequest> pages;

  @BeforeEach
  void startKafka() {
    kafka = EmbeddedKafka.startTemporary();
  }

  @AfterEach
  void stopAll() {
    if (child != null) {
      child.close();
    }
    if (pages != null) {
      pages.close();
    }
    if (survivorHttp != null) {
      survivorHttp.close();
    }
    if (survivor != null) {
      survivor.close();
    }
    kafka.close();
  }

  private String yaml(Path stateDir, int httpPort) {
    return """
        kafka:
          bootstrapServers: %s
          stateDir: %s
        topics: {partitions: 6}
        http: {port: %d}
        sla:
          P0: {acknowledgeWithin: %ds, escalateEvery: 1h, resolveWithin: 4h}
        escalation: {sweepInterval: 200ms}
        """.formatted(kafka.bootstrapServers(), stateDir, httpPort, ACK_WITHIN.toSeconds());
  }

  private PagewireConfig config(Path stateDir, int httpPort) {
    return ConfigLoader.parse("failover.yaml", yaml(stateDir, httpPort));
  }

  @Test
  void shouldFireEveryDueEscalationExactlyOnceWithinFifteenSecondsWhenAnInstanceIsKilled() throws Exception {
    int childPort = FreePorts.next();
    int survivorPort = FreePorts.next();
    PagewireConfig survivorConfig = config(tmp.resolve("state-b"), survivorPort);
    TopicAdmin.ensureTopics(survivorConfig);
    pages = TopicReader.of(survivorConfig, Topics.NOTIFICATION_REQUESTS);

    Path childConfig = tmp.resolve("child.yaml");
    Files.writeString(childConfig, yaml(tmp.resolve("state-a"), childPort));
    child = ChildJvm.start("instance-a", EscalationInstanceMain.class, childConfig.toString()).awaitReady(Duration.ofSeconds(90));

    survivor = new EscalationService(survivorConfig, new SimpleMeterRegistry());
    survivorHttp = new HttpApi(survivorConfig.http(), survivorConfig.users());
    survivor.routes(survivorHttp);
    survivor.start();
    survivorHttp.start();
    // Both instances hold tasks: the rebalance that added the survivor is over.
    await().atMost(Duration.ofSeconds(90)).until(() -> survivor.ready() && survivor.otherInstances().size() == 1
        && survivor.streams().metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum() > 0);

    Instant openedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<String> ids = IntStream.range(0, INCIDENTS).mapToObj(i -> "inc-" + i).toList();
    try (TopicWriter<String, IncidentEvent> events = TopicWriter.of(survivorConfig, Topics.INCIDENT_EVENTS)) {
      ids.forEach(id -> events.sendAsync(id, opened(id, Priority.P0, openedAt), openedAt.toEpochMilli()));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> countPages("/page/1") == INCIDENTS);

    // Interactive queries: the survivor answers for incidents the other instance holds.
    String held = ids.stream().filter(id -> survivor.ownerElsewhere(id).isPresent()).findFirst().orElseThrow();
    HttpClient client = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + survivorPort + "/api/v1/incidents";
    HttpResponse<String> one = client.send(HttpRequest.newBuilder(URI.create(base + "/" + held)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(one.body()).path("id").asText()).isEqualTo(held);
    assertThat(Json.MAPPER.readTree(one.body()).path("timeline").size()).isEqualTo(2);
    // Both instances' incidents on one page (a page holds at most 1000).
    JsonNode all = Json.MAPPER.readTree(client.send(HttpRequest.newBuilder(URI.create(base + "?limit=1000")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    assertThat(all.path("incidents").size()).isEqualTo(INCIDENTS);
    assertThat(all.path("nextPageToken").isNull()).isTrue();

    // Killed one second before every level-2 escalation is due, so the time to those pages is the failover's.
    Instant deadline = openedAt.plus(ACK_WITHIN);
    await("one second before the deadline").atMost(ACK_WITHIN).until(() -> Instant.now().isAfter(deadline.minusSeconds(1)));
    child.kill();
    Instant killedAt = Instant.now();
    assertThat(killedAt).as("killed before the deadlines").isBefore(deadline);
    assertThat(countPages("/page/2")).isZero();

    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
        .until(() -> countPages("/page/2") == INCIDENTS);
    Duration failover = Duration.between(killedAt, Instant.now());
    log.info("failover: every level-2 page {} ms after the kill (deadline {} ms after it; bound {} ms)",
        failover.toMillis(), Duration.between(killedAt, deadline).toMillis(), FAILOVER_BOUND.toMillis());
    assertThat(failover).as("from the kill to the last overdue page").isLessThanOrEqualTo(FAILOVER_BOUND);

    // Nothing arrives twice, even after the dead instance's transaction is aborted and time passes.
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> {
      Map<String, Long> perId = perNotificationId();
      return perId.values().stream().allMatch(n -> n == 1) && perId.size() == 2 * INCIDENTS;
    });
    Map<String, Long> perId = perNotificationId();
    for (String id : ids) {
      assertThat(perId).containsEntry(id + "/page/1", 1L).containsEntry(id + "/page/2", 1L);
    }
  }

  /** How often each notification id was committed (read_committed) so far. */
  private Map<String, Long> perNotificationId() {
    return pages.values().stream()
        .collect(Collectors.groupingBy(NotificationRequest::getNotificationId, Collectors.counting()));
  }

  private long countPages(String suffix) {
    return perNotificationId().keySet().stream().filter(id -> id.endsWith(suffix)).count();
  }
}
