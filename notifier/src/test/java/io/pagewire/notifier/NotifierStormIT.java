package io.pagewire.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.platform.kafka.TopicAdmin;
import io.pagewire.schemas.DeliveryOutcome;
import io.pagewire.schemas.NotificationReceipt;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
import io.pagewire.schemas.Topics;
import io.pagewire.testsupport.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 500 P3 pages for one person at once, with a limit of {@value #LIMIT} messages per
 * {@value #WINDOW_SECONDS} s: the person gets a bounded number of messages (singles until the
 * limit, then digests), every page is in exactly one of them, and every page has a DELIVERED
 * receipt and a NOTIFIED timeline event.
 */
class NotifierStormIT {

  private static final int PAGES = 500;
  private static final int LIMIT = 3;
  private static final int WINDOW_SECONDS = 5;
  private static final Duration WAIT = Duration.ofSeconds(90);

  private static EmbeddedKafka kafka;
  private static WebhookReceiver receiver;
  private static PagewireConfig config;
  private static NotifierService service;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.startTemporary();
    receiver = new WebhookReceiver();
    config = PagewireConfig.defaults()
        .withKafka(kafka.bootstrapServers(), Files.createTempDirectory("pagewire-notifier-storm"))
        .withNotifier(new PagewireConfig.Notifier(Map.of("chat", Map.of("type", "webhook", "url", receiver.url("/storm"))),
            null, null, new PagewireConfig.RateLimit(LIMIT, Duration.ofSeconds(WINDOW_SECONDS)),
            new PagewireConfig.RateLimit(10_000, Duration.ofMinutes(1)), "storm-it"))
        .withUsers(Map.of("erin", new PagewireConfig.User("Erin", "erin@example.com", null,
            List.of(new PagewireConfig.ContactMethod("chat", "chat", null)),
            List.of(new PagewireConfig.NotificationRule("chat", null, null)))));
    TopicAdmin.ensureTopics(config);
    service = new NotifierService(config, new SimpleMeterRegistry());
    service.start();
    await().atMost(WAIT).until(service::ready);
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
    if (receiver != null) {
      receiver.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void shouldBundleAStormOfPagesForOnePersonIntoABoundedNumberOfMessagesLosingNone() throws Exception {
    long started = System.nanoTime();
    Properties props = KafkaSettings.producer(config, "storm-it");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      List<io.pagewire.schemas.NotificationRequest> pages = new ArrayList<>();
      for (int i = 0; i < PAGES; i++) {
        io.pagewire.schemas.NotificationRequest page = TestRequests.userPage("storm-" + i, "inc-storm-" + (i % 50), "erin");
        page.setPriority(io.pagewire.schemas.Priority.P3); // limits and digests apply from P2 down
        pages.add(page);
      }
      TestRequests.writeAll(producer, pages);
    }

    Map<String, Integer> carried = new HashMap<>();
    await().atMost(WAIT).until(() -> {
      carried.clear();
      for (WebhookReceiver.Received post : stormPosts()) {
        JsonNode body = Json.MAPPER.readTree(post.body());
        if (body.path("digest").asBoolean()) {
          body.get("notifications").forEach(n -> carried.merge(n.get("notificationId").asText(), 1, Integer::sum));
        } else {
          carried.merge(body.get("notificationId").asText(), 1, Integer::sum);
        }
      }
      return carried.size() == PAGES;
    });
    double seconds = (System.nanoTime() - started) / 1e9;
    int messages = stormPosts().size();
    long digests = stormPosts().stream().filter(p -> p.body().contains("\"digest\":true")).count();
    System.out.printf("NotifierStormIT: pages=%d messages=%d digests=%d seconds=%.1f limit=%d per %ds%n",
        PAGES, messages, digests, seconds, LIMIT, WINDOW_SECONDS);

    assertThat(carried.values()).allMatch(n -> n == 1);
    // At most LIMIT messages in any window: the bound for the time the storm took.
    assertThat(messages).isLessThanOrEqualTo(LIMIT * ((int) Math.ceil(seconds / WINDOW_SECONDS) + 1));
    assertThat(digests).isPositive();
    List<NotificationReceipt> receipts = readAll(Topics.NOTIFICATION_RECEIPTS.name(),
        r -> Topics.NOTIFICATION_RECEIPTS.valueSerde().deserializer().deserialize(r.topic(), r.value()), PAGES);
    assertThat(receipts).hasSize(PAGES).allMatch(r -> r.getOutcome() == DeliveryOutcome.DELIVERED);
    assertThat(receipts.stream().filter(r -> r.getDigestSize() > 0).count()).isEqualTo(PAGES - (messages - digests));
    List<TimelineEvent> notified = readAll(Topics.INCIDENT_TIMELINE.name(),
        r -> Topics.INCIDENT_TIMELINE.valueSerde().deserializer().deserialize(r.topic(), r.value()), PAGES);
    assertThat(notified).hasSize(PAGES).allMatch(e -> e.getType() == TimelineEventType.NOTIFIED && e.getRecipient().equals("erin"));
    assertThat(notified.stream().map(TimelineEvent::getNotificationId).distinct().count()).isEqualTo(PAGES);
    // Nothing is sent again once the held pages are settled, not even when the next window opens.
    await().during(Duration.ofSeconds(WINDOW_SECONDS + 1)).atMost(Duration.ofSeconds(WINDOW_SECONDS + 5))
        .until(() -> stormPosts().size() == messages);
  }

  @Test
  void shouldSendEveryP0AndP1PageAtOnceWhateverThePersonalLimit() throws Exception {
    int urgent = 20;
    Properties props = KafkaSettings.producer(config, "storm-it-urgent");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      List<io.pagewire.schemas.NotificationRequest> pages = new ArrayList<>();
      for (int i = 0; i < urgent; i++) {
        io.pagewire.schemas.NotificationRequest page = TestRequests.userPage("urgent-" + i, "inc-urgent-" + i, "erin");
        page.setPriority(i % 2 == 0 ? io.pagewire.schemas.Priority.P0 : io.pagewire.schemas.Priority.P1);
        pages.add(page);
      }
      TestRequests.writeAll(producer, pages);
    }
    // Far beyond LIMIT messages per window, every one on its own, within seconds.
    await().atMost(Duration.ofSeconds(WINDOW_SECONDS)).until(() -> receiver.received("/storm").stream()
        .filter(p -> p.body().contains("\"urgent-")).count() == urgent);
    assertThat(receiver.received("/storm").stream().filter(p -> p.body().contains("\"urgent-")))
        .noneMatch(p -> p.body().contains("\"digest\":true"));
  }

  /** The storm's messages, not the urgent pages of the other test. */
  private static List<WebhookReceiver.Received> stormPosts() {
    return receiver.received("/storm").stream().filter(p -> !p.body().contains("\"urgent-")).toList();
  }

  private static <T> List<T> readAll(String topic, java.util.function.Function<ConsumerRecord<byte[], byte[]>, T> decode, int expected) {
    Properties props = KafkaSettings.common(config, "storm-it-reader");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<T> all = new ArrayList<>();
      await().atMost(WAIT).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> all.add(decode.apply(r)));
        return all.size() >= expected;
      });
      // Anything beyond the expected count would be a duplicate: read a little longer to see it.
      consumer.poll(Duration.ofMillis(500)).forEach(r -> all.add(decode.apply(r)));
      return all;
    }
  }
}
