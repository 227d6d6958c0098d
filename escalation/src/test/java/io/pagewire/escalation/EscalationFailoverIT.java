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
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.platform.kafka.TopicAdmin;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two escalation instances (same application id, 6 partitions) on a real broker; one is killed.
 *
 * <p>The killed instance runs in a child JVM stopped with {@link Process#destroyForcibly()}
 * (SIGKILL): no commit, no leaving the group, an open transaction left behind — what a crash or
 * an OOM kill does. Closing a KafkaStreams object in this JVM, even with a zero timeout, still
 * runs its shutdown code, so it would not show that. The survivor learns of the death only when
 * the session times out ({@code session.timeout.ms} 6 s here), restores the dead instance's
 * stores from their changelogs, and must fire every due timer exactly once.
 */
class EscalationFailoverIT {

  private static final int INCIDENTS = 300;
  private static final Duration ACK_WITHIN = Duration.ofSeconds(25);

  @TempDir
  Path tmp;

  private EmbeddedKafka kafka;
  private Process child;
  private EscalationService survivor;
  private HttpApi survivorHttp;
  private KafkaConsumer<String, NotificationRequest> consumer;
  private final Map<String, Integer> pages = new HashMap<>();

  @BeforeEach
  void startKafka() {
    kafka = EmbeddedKafka.startTemporary();
  }

  @AfterEach
  void stopAll() {
    if (child != null) {
      child.destroyForcibly();
    }
    if (consumer != null) {
      consumer.close();
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
          properties: {session.timeout.ms: "6000", heartbeat.interval.ms: "1000"}
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
  void shouldFireEveryDueEscalationExactlyOnceWhenAnInstanceIsKilled() throws Exception {
    int childPort = freePort();
    int survivorPort = freePort();
    PagewireConfig survivorConfig = config(tmp.resolve("state-b"), survivorPort);
    TopicAdmin.ensureTopics(survivorConfig);
    subscribe(survivorConfig);

    Path childConfig = tmp.resolve("child.yaml");
    Files.writeString(childConfig, yaml(tmp.resolve("state-a"), childPort));
    child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), EscalationInstanceMain.class.getName(),
        childConfig.toString()).redirectErrorStream(true).start();
    CompletableFuture<Void> childReady = watchFor(child, "READY");
    childReady.get(90, TimeUnit.SECONDS);

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
    publish(ids, openedAt);
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
    JsonNode all = Json.MAPPER.readTree(client.send(HttpRequest.newBuilder(URI.create(base)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    assertThat(all.path("incidents").size()).isEqualTo(INCIDENTS);

    // Killed with every level-2 escalation still pending.
    child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    assertThat(Instant.now()).as("killed before the deadlines").isBefore(openedAt.plus(ACK_WITHIN));
    assertThat(countPages("/page/2")).isZero();

    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .until(() -> countPages("/page/2") == INCIDENTS);
    // Nothing arrives twice, even after the dead instance's transaction is aborted and time passes.
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> {
      poll();
      return pages.values().stream().allMatch(n -> n == 1) && pages.size() == 2 * INCIDENTS;
    });
    for (String id : ids) {
      assertThat(pages).containsEntry(id + "/page/1", 1).containsEntry(id + "/page/2", 1);
    }
  }

  private void publish(List<String> ids, Instant at) {
    try (KafkaProducer<String, IncidentEvent> producer = new KafkaProducer<>(
        KafkaSettings.producer(config(tmp, 0), "it-events"),
        Topics.INCIDENT_EVENTS.keySerde().serializer(), Topics.INCIDENT_EVENTS.valueSerde().serializer())) {
      for (String id : ids) {
        IncidentEvent event = opened(id, Priority.P0, at);
        producer.send(new ProducerRecord<>(Topics.INCIDENT_EVENTS.name(), null, at.toEpochMilli(), id, event));
      }
      producer.flush();
    }
  }

  private void subscribe(PagewireConfig config) {
    consumer = new KafkaConsumer<>(KafkaSettings.consumer(config, "it-pages", "it-pages"),
        Topics.NOTIFICATION_REQUESTS.keySerde().deserializer(), Topics.NOTIFICATION_REQUESTS.valueSerde().deserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(Topics.NOTIFICATION_REQUESTS.name()).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Reads what is committed so far (read_committed) and counts each notification id. */
  private void poll() {
    for (ConsumerRecord<String, NotificationRequest> r : consumer.poll(Duration.ofMillis(100))) {
      pages.merge(r.value().getNotificationId(), 1, Integer::sum);
    }
  }

  private long countPages(String suffix) {
    poll();
    return pages.keySet().stream().filter(id -> id.endsWith(suffix)).count();
  }

  /** Completes when the process prints {@code line}; echoes its output to this test's output. */
  private static CompletableFuture<Void> watchFor(Process process, String line) {
    CompletableFuture<Void> seen = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String next;
        while ((next = out.readLine()) != null) {
          System.out.println("[instance-a] " + next);
          if (next.equals(line)) {
            seen.complete(null);
          }
        }
      } catch (IOException e) {
        seen.completeExceptionally(e);
      }
      seen.completeExceptionally(new IllegalStateException("the child exited before printing " + line));
    }, "instance-a-output");
    reader.setDaemon(true);
    reader.start();
    return seen;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
