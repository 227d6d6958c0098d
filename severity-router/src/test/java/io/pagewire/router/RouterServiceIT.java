package io.pagewire.router;

import static io.pagewire.router.TestAlerts.firing;
import static io.pagewire.router.TestAlerts.resolved;
import static io.pagewire.router.TestAlerts.withSummary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.router.incident.IncidentKeys;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The router service on a real broker, exactly-once, read back by read_committed consumers. */
class RouterServiceIT {

  private static final String CHECKOUT = "alertname=HighLatency,service=checkout";
  private static final String PAYMENTS = "alertname=HighLatency,service=payments";
  private static final String DISK_FULL = "alertname=DiskFull";

  @TempDir
  static Path dir;

  private static EmbeddedKafka kafka;
  private static PagewireConfig config;
  private static SimpleMeterRegistry registry;
  private static RouterService service;
  private static RunningRouter router;

  @BeforeAll
  static void startKafkaAndRouter() {
    router = RunningRouter.start(dir, PagewireConfig.defaults());
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
  void shouldTurnAlertmanagerAlertsIntoIncidentEventsOnce() {
    Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Alert checkout = withSummary(firing("c75f68922c9ebc87", base.minusSeconds(10),
        "alertname", "HighLatency", "service", "checkout", "severity", "critical"), "p99 above 500ms");
    Alert payments = withSummary(firing("158b4cbced280641", base.minusSeconds(3),
        "alertname", "HighLatency", "service", "payments", "severity", "warning"), "p99 above 300ms");
    Alert diskFull = firing("3a429a6edd7eb7a1", base.plusSeconds(2), "alertname", "DiskFull", "severity", "warning");

    try (KafkaProducer<String, Alert> producer = alertProducer()) {
      send(producer, checkout, base);
      send(producer, checkout, base.plusMillis(30)); // the HA peer's copy
      send(producer, payments, base.plusSeconds(1));
      send(producer, resolved(checkout, base.plusSeconds(5)), base.plusSeconds(5));
      send(producer, diskFull, base.plusSeconds(6));
    }

    List<IncidentEvent> events = readUntil(Topics.INCIDENT_EVENTS.name(), Topics.INCIDENT_EVENTS.valueSerde().deserializer(),
        e -> Set.of(CHECKOUT, PAYMENTS, DISK_FULL).contains(e.getIncidentKey()), 5);

    String checkoutId = IncidentKeys.incidentId(CHECKOUT, base.toEpochMilli());
    assertThat(events.stream().filter(e -> e.getIncidentId().equals(checkoutId)))
        .extracting(IncidentEvent::getType, IncidentEvent::getPriority, IncidentEvent::getEventId)
        .containsExactly(
            tuple(IncidentEventType.OPENED, Priority.P0, checkoutId + "/1"),
            tuple(IncidentEventType.ALERT_RESOLVED, Priority.P0, checkoutId + "/2"),
            tuple(IncidentEventType.RESOLVED, Priority.P0, checkoutId + "/3"));
    assertThat(events).filteredOn(e -> !e.getIncidentId().equals(checkoutId))
        .extracting(IncidentEvent::getIncidentKey, IncidentEvent::getType, IncidentEvent::getPriority)
        .containsExactlyInAnyOrder(
            tuple(PAYMENTS, IncidentEventType.OPENED, Priority.P1),
            tuple(DISK_FULL, IncidentEventType.OPENED, Priority.P1));
    // The HA copy was read before the resolution that produced the awaited RESOLVED event.
    assertThat(registry.get("pagewire.router.duplicates").counter().count()).isEqualTo(1);
    assertThat(registry.get("pagewire.router.events").tag("type", "RESOLVED").counter().count()).isEqualTo(1);
    assertThat(registry.getMeters()).anyMatch(meter -> meter.getId().getName().startsWith("kafka.stream."));
  }

  @Test
  void shouldDeadLetterUndecodableAlertsUnderExactlyOnceAndKeepRouting() {
    byte[] garbage = ("garbage-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Alert after = firing("77aa00bb11cc22dd", base, "alertname", "AfterGarbage", "service", "dlq");

    try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(
        KafkaSettings.producer(config, "it-raw"), new ByteArraySerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(Topics.ALERTS.name(), 0, "77aa00bb11cc22dd".getBytes(StandardCharsets.UTF_8), garbage));
    }
    try (KafkaProducer<String, Alert> producer = alertProducer()) {
      send(producer, after, base);
    }

    List<ConsumerRecord<byte[], byte[]>> dead = readRecordsUntil(Topics.DEAD_LETTERS.name(), new ByteArrayDeserializer(),
        value -> value != null && Arrays.equals(value, garbage), 1);
    assertThat(dead.get(0).headers().lastHeader("__streams.errors.exception")).isNotNull();
    assertThat(new String(dead.get(0).headers().lastHeader("__streams.errors.message").value(), StandardCharsets.UTF_8))
        .contains("not a readable Alert");
    List<IncidentEvent> events = readUntil(Topics.INCIDENT_EVENTS.name(), Topics.INCIDENT_EVENTS.valueSerde().deserializer(),
        e -> e.getIncidentKey().equals("alertname=AfterGarbage,service=dlq"), 1);
    assertThat(events.get(0).getType()).isEqualTo(IncidentEventType.OPENED);
    assertThat(events.get(0).getReason()).isEqualTo("no severity label: default P2");
  }

  private static KafkaProducer<String, Alert> alertProducer() {
    return new KafkaProducer<>(KafkaSettings.producer(config, "it-alerts"),
        Topics.ALERTS.keySerde().serializer(), Topics.ALERTS.valueSerde().serializer());
  }

  private static void send(KafkaProducer<String, Alert> producer, Alert alert, Instant timestamp) {
    producer.send(new ProducerRecord<>(Topics.ALERTS.name(), null, timestamp.toEpochMilli(), alert.getFingerprint(), alert));
    producer.flush();
  }

  private static <V> List<V> readUntil(String topic, Deserializer<V> values, Predicate<V> wanted, int count) {
    return readRecordsUntil(topic, values, wanted, count).stream().map(ConsumerRecord::value).toList();
  }

  /** Reads {@code topic} from the start, read_committed, until {@code count} wanted records arrived. */
  private static <V> List<ConsumerRecord<byte[], V>> readRecordsUntil(
      String topic, Deserializer<V> values, Predicate<V> wanted, int count) {
    List<ConsumerRecord<byte[], V>> seen = new ArrayList<>();
    try (KafkaConsumer<byte[], V> consumer = new KafkaConsumer<>(
        KafkaSettings.consumer(config, "it-reader", "it-" + UUID.randomUUID()), new ByteArrayDeserializer(), values)) {
      consumer.subscribe(List.of(topic));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> {
          if (wanted.test(record.value())) {
            seen.add(record);
          }
        });
        return seen.size() >= count;
      });
    }
    assertThat(seen).hasSize(count);
    return seen;
  }
}
