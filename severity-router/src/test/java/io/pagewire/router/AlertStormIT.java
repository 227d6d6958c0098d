package io.pagewire.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.router.topology.RouterTopology;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One failing cluster on a real broker: 1,000 alerts, posted as Alertmanager posts them (batches
 * of 100, each batch one webhook with one request id, and one batch again from the HA peer),
 * collapse into four incidents, two of which page.
 *
 * <p>The escalation service is not run here: "pages" are the OPENED events with
 * {@code muted=false}, the only ones escalation pages for (an OPENED event with
 * {@code muted=true} opens a silent incident; see docs/routing.md).
 */
class AlertStormIT {

  static final String YAML = """
      classification:
        routes:
          - name: kubernetes
            matchers: ['cluster=~"eu-.*"']
            groupBy: [alertname, cluster]
            team: platform
        inhibitRules:
          - name: cluster-down
            sourceMatchers: ['alertname=ClusterDown']
            targetMatchers: ['severity=warning']
            equal: [cluster]
      escalation:
        teams:
          platform: {members: [alice]}
      users:
        alice: {name: Alice, email: alice@example.com}
      """;

  @TempDir
  static Path dir;

  private static EmbeddedKafka kafka;
  private static PagewireConfig config;
  private static SimpleMeterRegistry registry;
  private static RouterService service;
  private static RunningRouter router;

  @BeforeAll
  static void startKafkaAndRouter() {
    router = RunningRouter.start(dir, ConfigLoader.parse("storm.yaml", YAML));
    kafka = router.kafka();
    config = router.config();
    registry = router.registry();
    service = router.service();
  }

  @AfterAll
  static void stop() {
    if (router != null) {
      router.close();
    }
  }

  @Test
  void shouldCollapseAThousandAlertsOfOneFailingClusterIntoFourIncidentsAndTwoPages() {
    Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<Alert> storm = new ArrayList<>();
    storm.add(alert("ClusterDown", "critical", "control-plane", 0, base));
    for (int i = 0; i < 333; i++) {
      storm.add(alert("TargetDown", "critical", "svc-" + (i % 10), i, base));
      storm.add(alert("KubePodNotReady", "warning", "svc-" + (i % 10), i, base));
      storm.add(alert("HighErrorRate", "warning", "svc-" + (i % 10), i, base));
    }
    assertThat(storm).hasSize(1000);

    try (KafkaProducer<String, Alert> producer = new KafkaProducer<>(KafkaSettings.producer(config, "it-storm"),
        Topics.ALERTS.keySerde().serializer(), Topics.ALERTS.valueSerde().serializer())) {
      // The inhibiting alert first, as Alertmanager's first group_wait would send it; the
      // warnings then find it in every instance's store of inhibiting alerts.
      post(producer, storm.subList(0, 1), base);
      await().atMost(Duration.ofSeconds(30)).until(() -> service.streams().store(StoreQueryParameters.fromNameAndType(
          RouterTopology.INHIBITING_STORE, QueryableStoreTypes.keyValueStore())).approximateNumEntries() > 0);
      for (int from = 1; from < storm.size(); from += 100) {
        post(producer, storm.subList(from, Math.min(from + 100, storm.size())), base.plusMillis(from));
      }
      post(producer, storm.subList(1, 101), base.plusSeconds(1)); // the HA peer's copy of the first batch
    }

    // The router folds each incident's alerts of a second into one event (coalesceAlertEvents).
    List<IncidentEvent> events = readEventsCounting(1000);

    Map<String, List<IncidentEvent>> byIncident = events.stream()
        .collect(Collectors.groupingBy(IncidentEvent::getIncidentKey, LinkedHashMap::new, Collectors.toList()));
    assertThat(byIncident).hasSize(4);
    Function<String, List<IncidentEvent>> of = name -> byIncident.get("kubernetes|alertname=" + name + ",cluster=eu-1");
    assertThat(List.of("ClusterDown", "TargetDown", "KubePodNotReady", "HighErrorRate"))
        .extracting(name -> of.apply(name).stream().mapToInt(IncidentEvent::getAlertsAdded).sum())
        .containsExactly(1, 333, 333, 333);
    assertThat(events).as("coalesced: far fewer events than alerts").hasSizeLessThan(200);
    for (List<IncidentEvent> incident : byIncident.values()) {
      assertThat(incident.get(0).getType()).isEqualTo(IncidentEventType.OPENED);
      assertThat(incident.subList(1, incident.size())).allMatch(e -> e.getType() == IncidentEventType.ALERT_ADDED);
      assertThat(incident).extracting(IncidentEvent::getIncidentId).containsOnly(incident.get(0).getIncidentId());
      assertThat(incident.get(incident.size() - 1).getFiringAlerts())
          .isEqualTo(incident.stream().mapToInt(IncidentEvent::getAlertsAdded).sum());
      assertThat(incident).extracting(IncidentEvent::getTeam).containsOnly("platform");
    }
    List<IncidentEvent> opened = events.stream().filter(e -> e.getType() == IncidentEventType.OPENED).toList();
    assertThat(opened).extracting(e -> e.getAlert().getLabels().get("alertname"), IncidentEvent::getPriority,
            IncidentEvent::getMuted, IncidentEvent::getInhibited)
        .containsExactlyInAnyOrder(
            tuple("ClusterDown", Priority.P0, false, false),
            tuple("TargetDown", Priority.P0, false, false),
            tuple("KubePodNotReady", Priority.P1, true, true),
            tuple("HighErrorRate", Priority.P1, true, true));
    assertThat(opened.stream().filter(e -> !e.getMuted())).as("pages").hasSize(2);
    assertThat(of.apply("HighErrorRate")).allMatch(e -> e.getInhibited() && e.getMuted());
    assertThat(registry.get("pagewire.router.duplicates").counter().count()).isEqualTo(100);
    assertThat(registry.get("pagewire.router.events").tag("type", "OPENED").counter().count()).isEqualTo(4);
  }

  @Test
  void shouldOpenANewGroupsIncidentFromTheUrgentLaneBeforeTheStormAheadOfItIsProcessed() {
    Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    int stormSize = 20_000;
    try (KafkaProducer<String, Alert> producer = new KafkaProducer<>(KafkaSettings.producer(config, "it-lanes"),
        Topics.ALERTS.keySerde().serializer(), Topics.ALERTS.valueSerde().serializer())) {
      List<Alert> storm = new ArrayList<>();
      for (int i = 0; i < stormSize; i++) {
        storm.add(alert("LaneStorm" + (i % 10), "warning", "svc-" + (i % 10), i, base)); // ten incidents
      }
      for (int from = 0; from < stormSize; from += 500) {
        post(producer, storm.subList(from, from + 500), base.plusMillis(from / 500));
      }
      // A new group's first webhook, after the whole storm, as the ingest writes it: urgent lane.
      Alert fresh = Alert.newBuilder(alert("LaneNewGroup", "critical", "payments", 0, base)).setReceivedAt(base.plusSeconds(1)).build();
      producer.send(new ProducerRecord<>(Topics.ALERTS_URGENT.name(), null, fresh.getReceivedAt().toEpochMilli(),
          fresh.getFingerprint(), fresh));
      producer.flush();
    }

    int stormAlertsBefore = -1;
    List<IncidentEvent> storm = new ArrayList<>();
    try (KafkaConsumer<String, IncidentEvent> consumer = new KafkaConsumer<>(
        KafkaSettings.consumer(config, "it-lanes", "it-" + UUID.randomUUID()), new StringDeserializer(),
        Topics.INCIDENT_EVENTS.valueSerde().deserializer())) {
      consumer.subscribe(List.of(Topics.INCIDENT_EVENTS.name()));
      long deadline = System.currentTimeMillis() + 90_000;
      while (System.currentTimeMillis() < deadline && storm.stream().mapToInt(IncidentEvent::getAlertsAdded).sum() < stormSize) {
        for (var record : consumer.poll(Duration.ofMillis(100))) {
          String name = record.value().getAlert().getLabels().get("alertname");
          if (name.startsWith("LaneStorm")) {
            storm.add(record.value());
          } else if ("LaneNewGroup".equals(name) && record.value().getType() == IncidentEventType.OPENED) {
            stormAlertsBefore = storm.stream().mapToInt(IncidentEvent::getAlertsAdded).sum();
          }
        }
      }
    }
    assertThat(storm.stream().mapToInt(IncidentEvent::getAlertsAdded).sum()).as("the whole storm processed").isEqualTo(stormSize);
    // Routine order would process the new group's alert after the storm records ahead of it in
    // its partition, by when the other partitions' storm records are processed too.
    assertThat(stormAlertsBefore).as("storm alerts published before the new group's incident opened")
        .isBetween(0, stormSize / 2);
  }

  @Test
  void shouldCreateListAndExpireSilencesThroughTheApi() throws Exception {
    try (HttpApi api = new HttpApi(config.http().withPort(0))) {
      service.routes(api);
      api.start();
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + api.port() + "/api/v1/silences";
      Instant now = Instant.now();
      String body = """
          {"matchers": ["service=db", {"name": "cluster", "value": "eu-.*", "isRegex": true}],
           "endsAt": "%s", "createdBy": "alice", "comment": "failover drill"}""".formatted(now.plusSeconds(3600));

      HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).isEqualTo(201);
      String id = Json.MAPPER.readTree(created.body()).get("id").asText();

      await().atMost(Duration.ofSeconds(30)).until(() -> http.send(HttpRequest.newBuilder(URI.create(base)).build(),
          HttpResponse.BodyHandlers.ofString()).body().contains(id));
      JsonNode listed = Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create(base)).build(),
          HttpResponse.BodyHandlers.ofString()).body()).get("silences").get(0);
      assertThat(listed.get("matchers").toString()).isEqualTo("[\"service=\\\"db\\\"\",\"cluster=~\\\"eu-.*\\\"\"]");
      assertThat(listed.get("status").asText()).isEqualTo("active");
      assertThat(listed.get("createdBy").asText()).isEqualTo("alice");

      HttpResponse<String> expired = http.send(HttpRequest.newBuilder(URI.create(base + "/" + id)).DELETE().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(expired.statusCode()).isEqualTo(200);
      assertThat(Json.MAPPER.readTree(expired.body()).get("status").asText()).isEqualTo("expired");
      await().atMost(Duration.ofSeconds(30)).until(() -> http.send(HttpRequest.newBuilder(URI.create(base + "/" + id)).build(),
          HttpResponse.BodyHandlers.ofString()).body().contains("\"expired\""));
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/" + id)).DELETE().build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(409);
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
          "{\"matchers\": [\"service=~\\\"db(\\\"\"], \"endsAt\": \"" + now.plusSeconds(60) + "\"}")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/nope")).DELETE().build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    }
  }

  private static Alert alert(String name, String severity, String service, int instance, Instant startsAt) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", name);
    labels.put("cluster", "eu-1");
    labels.put("service", service);
    labels.put("instance", "10.0." + (instance / 250) + "." + (instance % 250) + ":9100");
    labels.put("severity", severity);
    String fingerprint = HexFormat.of().toHexDigits((long) labels.toString().hashCode() << 32 | instance);
    return Alert.newBuilder()
        .setFingerprint(fingerprint)
        .setStatus(AlertStatus.FIRING)
        .setLabels(labels)
        .setAnnotations(Map.of("summary", name + " on " + service))
        .setStartsAt(startsAt)
        .setEndsAt(null)
        .setGeneratorUrl("http://prometheus:9090/graph")
        .setReceiver("pagewire")
        .setExternalUrl("http://alertmanager:9093")
        .setReceivedAt(startsAt)
        .setRequestId("")
        .build();
  }

  /** One webhook: every alert of the batch with the batch's request id and receive time, as the ingest writes them. */
  private static void post(KafkaProducer<String, Alert> producer, List<Alert> batch, Instant receivedAt) {
    String requestId = UUID.randomUUID().toString();
    for (Alert alert : batch) {
      Alert received = Alert.newBuilder(alert).setReceivedAt(receivedAt).setRequestId(requestId).build();
      producer.send(new ProducerRecord<>(Topics.ALERTS.name(), null, receivedAt.toEpochMilli(), alert.getFingerprint(), received));
    }
    producer.flush();
  }

  /** Events until together they count {@code alerts} added alerts, and then nothing more. */
  private static List<IncidentEvent> readEventsCounting(int alerts) {
    List<IncidentEvent> seen = new ArrayList<>();
    try (KafkaConsumer<String, IncidentEvent> consumer = new KafkaConsumer<>(
        KafkaSettings.consumer(config, "it-reader", "it-" + UUID.randomUUID()), new StringDeserializer(),
        Topics.INCIDENT_EVENTS.valueSerde().deserializer())) {
      consumer.subscribe(List.of(Topics.INCIDENT_EVENTS.name()));
      await().atMost(Duration.ofSeconds(90)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> seen.add(record.value()));
        return seen.stream().mapToInt(IncidentEvent::getAlertsAdded).sum() >= alerts;
      });
      // Nothing beyond the expected events: duplicates and the HA copy change nothing.
      consumer.poll(Duration.ofSeconds(3)).forEach(record -> seen.add(record.value()));
    }
    assertThat(seen.stream().mapToInt(IncidentEvent::getAlertsAdded).sum()).isEqualTo(alerts);
    return seen;
  }

}
