package io.pagewire.notifier;

import static io.pagewire.testsupport.WebhookReceiver.Answer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.platform.kafka.TopicAdmin;
import io.pagewire.schemas.DeliveryOutcome;
import io.pagewire.schemas.IncidentStatus;
import io.pagewire.schemas.IncidentStatusUpdate;
import io.pagewire.schemas.NotificationReceipt;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
import io.pagewire.schemas.Topics;
import io.pagewire.testsupport.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NotifierServiceIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private static EmbeddedKafka kafka;
  private static WebhookReceiver receiver;
  private static PagewireConfig config;
  private static SimpleMeterRegistry metrics;
  private static NotifierService service;
  private static KafkaProducer<byte[], byte[]> producer;
  private static TopicReader receipts;
  private static TopicReader deadLetters;
  private static TopicReader timeline;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.startTemporary();
    receiver = new WebhookReceiver().answerAlways("/bad", status(400).withBody("no such room"));
    config = PagewireConfig.defaults()
        .withKafka(kafka.bootstrapServers(), Files.createTempDirectory("pagewire-notifier-it"))
        .withNotifier(new PagewireConfig.Notifier(Map.of(
            "console", Map.of("type", "console"),
            "ok-hook", Map.of("type", "webhook", "url", receiver.url("/ok")),
            "flaky-hook", Map.of("type", "webhook", "url", receiver.url("/flaky")),
            "bad-hook", Map.of("type", "webhook", "url", receiver.url("/bad")),
            "now-hook", Map.of("type", "webhook", "url", receiver.url("/now")),
            "later-hook", Map.of("type", "webhook", "url", receiver.url("/later"))),
            new PagewireConfig.Retry(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(20)),
            null, new PagewireConfig.RateLimit(10_000, Duration.ofMinutes(1)), new PagewireConfig.RateLimit(10_000, Duration.ofMinutes(1)),
            "it-1"))
        .withUsers(Map.of(
            "carol", new PagewireConfig.User("Carol", "carol@example.com", null,
                List.of(new PagewireConfig.ContactMethod("chat", "bad-hook", null), new PagewireConfig.ContactMethod("hook", "ok-hook", null)),
                List.of(new PagewireConfig.NotificationRule("chat", null, null), new PagewireConfig.NotificationRule("hook", Duration.ofHours(1), null))),
            "dave", new PagewireConfig.User("Dave", "dave@example.com", null,
                List.of(new PagewireConfig.ContactMethod("now", "now-hook", null), new PagewireConfig.ContactMethod("later", "later-hook", null)),
                List.of(new PagewireConfig.NotificationRule("now", null, "high"), new PagewireConfig.NotificationRule("later", Duration.ofSeconds(2), null)))));
    TopicAdmin.ensureTopics(config);
    Properties props = KafkaSettings.producer(config, "notifier-it");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    producer = new KafkaProducer<>(props);
    receipts = new TopicReader(Topics.NOTIFICATION_RECEIPTS.name());
    deadLetters = new TopicReader(Topics.DEAD_LETTERS.name());
    timeline = new TopicReader(Topics.INCIDENT_TIMELINE.name());
    metrics = new SimpleMeterRegistry();
    service = startService();
  }

  private static NotifierService startService() {
    NotifierService started = new NotifierService(config, metrics);
    started.start();
    await().atMost(WAIT).until(started::ready);
    return started;
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
    if (producer != null) {
      producer.close();
    }
    if (receipts != null) {
      receipts.close();
      deadLetters.close();
      timeline.close();
    }
    if (receiver != null) {
      receiver.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void shouldDeliverARequestToTheWebhookAndWriteADeliveredReceipt() {
    send(TestRequests.page("it-delivered", "ok-hook"));

    await().atMost(WAIT).until(() -> !posts("it-delivered").isEmpty());
    NotificationReceipt receipt = awaitReceipt("it-delivered", "ok-hook");
    assertThat(receipt.getOutcome()).isEqualTo(DeliveryOutcome.DELIVERED);
    assertThat(receipt.getAttempts()).isEqualTo(1);
    assertThat(receipt.getIncidentId()).isEqualTo("inc-42");
    assertThat(receipt.getRecipient()).isEqualTo("primary-oncall");
    assertThat(receipt.getReason()).isNull();
    assertThat(receipt.getLatencyMs()).isEqualTo(Duration.between(TestRequests.CREATED_AT, receipt.getAt()).toMillis());
    assertThat(metrics.counter("pagewire.notifier.deliveries", "channel", "ok-hook", "outcome", "delivered").count()).isGreaterThanOrEqualTo(1);
    assertThat(metrics.timer("pagewire.notifier.latency", "channel", "ok-hook").count()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void shouldRetryWhileStayingInTheGroupAndReportTheAttempts() {
    receiver.answer("/flaky", status(500), status(503).withHeader("Retry-After", "1"), status(200));

    send(TestRequests.page("it-flaky", "flaky-hook"));

    NotificationReceipt receipt = awaitReceipt("it-flaky", "flaky-hook");
    assertThat(receipt.getOutcome()).isEqualTo(DeliveryOutcome.DELIVERED);
    assertThat(receipt.getAttempts()).isEqualTo(3);
    assertThat(service.ready()).isTrue();
  }

  @Test
  void shouldDeadLetterAnUnreadableRecordAndStillDeliverTheNextOne() {
    byte[] key = "inc-garbage".getBytes(StandardCharsets.UTF_8);
    producer.send(new ProducerRecord<>(Topics.NOTIFICATION_REQUESTS.name(), key, "{not avro}".getBytes(StandardCharsets.UTF_8)));
    send(TestRequests.page("it-after-garbage", "ok-hook"), "inc-garbage");

    ConsumerRecord<byte[], byte[]> dead = awaitDeadLetter(r -> new String(r.value(), StandardCharsets.UTF_8).equals("{not avro}"));
    assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("inc-garbage");
    assertThat(header(dead, "pagewire.dlq.reason")).startsWith("not a readable NotificationRequest");
    assertThat(header(dead, "pagewire.dlq.topic")).isEqualTo("pagewire.notification-requests");
    assertThat(header(dead, "pagewire.dlq.partition")).matches("\\d+");
    assertThat(header(dead, "pagewire.dlq.offset")).matches("\\d+");
    assertThat(header(dead, "pagewire.dlq.service")).isEqualTo("notifier");
    assertThat(awaitReceipt("it-after-garbage", "ok-hook").getOutcome()).isEqualTo(DeliveryOutcome.DELIVERED);
    assertThat(metrics.counter("pagewire.notifier.bad.records").count()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void shouldWriteAFailedReceiptAndADeadLetterWhenTheReceiverRefusesTheRequest() {
    send(TestRequests.page("it-refused", "bad-hook"));

    NotificationReceipt receipt = awaitReceipt("it-refused", "bad-hook");
    assertThat(receipt.getOutcome()).isEqualTo(DeliveryOutcome.FAILED);
    assertThat(receipt.getAttempts()).isEqualTo(1);
    assertThat(receipt.getReason()).isEqualTo("HTTP 400: no such room");
    ConsumerRecord<byte[], byte[]> dead = awaitDeadLetter(r -> "bad-hook".equals(header(r, "pagewire.dlq.channel"))
        && decode(r).getNotificationId().equals("it-refused"));
    assertThat(header(dead, "pagewire.dlq.reason")).isEqualTo("HTTP 400: no such room");
    assertThat(header(dead, "pagewire.dlq.service")).isEqualTo("notifier");
    assertThat(posts("it-refused")).hasSize(1);
  }

  @Test
  void shouldFailAnUnknownChannelWithoutStoppingTheOthers() {
    send(TestRequests.page("it-unknown-channel", "no-such-channel", "ok-hook"));

    NotificationReceipt failed = awaitReceipt("it-unknown-channel", "no-such-channel");
    assertThat(failed.getOutcome()).isEqualTo(DeliveryOutcome.FAILED);
    assertThat(failed.getAttempts()).isZero();
    assertThat(failed.getReason()).isEqualTo("unknown channel 'no-such-channel' (configured: bad-hook, console, flaky-hook, later-hook, now-hook, ok-hook)");
    assertThat(awaitReceipt("it-unknown-channel", "ok-hook").getOutcome()).isEqualTo(DeliveryOutcome.DELIVERED);
    awaitDeadLetter(r -> "no-such-channel".equals(header(r, "pagewire.dlq.channel")));
    assertThat(metrics.counter("pagewire.notifier.deliveries", "channel", "unknown", "outcome", "failed").count()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void shouldNotDeliverCommittedRequestsAgainAfterARestart() {
    send(TestRequests.page("it-before-restart", "ok-hook"));
    awaitReceipt("it-before-restart", "ok-hook");

    service.close();
    assertThat(service.ready()).isFalse();
    service = startService();
    send(TestRequests.page("it-after-restart", "ok-hook"));
    awaitReceipt("it-after-restart", "ok-hook");

    assertThat(posts("it-before-restart")).hasSize(1);
  }

  @Test
  void shouldFallBackToTheUsersNextContactMethodAfterAPermanentFailure() {
    send(TestRequests.userPage("it-carol", "inc-carol", "carol"));

    NotificationReceipt failed = awaitReceipt("it-carol", "bad-hook");
    assertThat(failed.getOutcome()).isEqualTo(DeliveryOutcome.FAILED);
    assertThat(failed.getTarget()).isEqualTo("carol/chat");
    assertThat(failed.getRecipient()).isEqualTo("carol");
    awaitDeadLetter(r -> "bad-hook".equals(header(r, "pagewire.dlq.channel")) && decode(r).getNotificationId().equals("it-carol"));
    NotificationReceipt fallback = awaitReceipt("it-carol", "ok-hook");
    assertThat(fallback.getOutcome()).isEqualTo(DeliveryOutcome.DELIVERED);
    assertThat(fallback.getTarget()).isEqualTo("carol/hook");
    assertThat(posts("it-carol")).extracting(WebhookReceiver.Received::path).containsExactly("/bad", "/ok");
    assertThat(awaitTimeline("it-carol", TimelineEventType.NOTIFICATION_FAILED).getChannel()).isEqualTo("bad-hook");
    TimelineEvent notified = awaitTimeline("it-carol", TimelineEventType.NOTIFIED);
    assertThat(notified.getIncidentId()).isEqualTo("inc-carol");
    assertThat(notified.getRecipient()).isEqualTo("carol");
    assertThat(notified.getChannel()).isEqualTo("ok-hook");
  }

  @Test
  void shouldSendADelayedRuleOnlyWhileTheIncidentIsStillUnacknowledged() {
    send(TestRequests.userPage("it-dave-acked", "inc-dave-acked", "dave"));
    send(TestRequests.userPage("it-dave-open", "inc-dave-open", "dave"));
    assertThat(awaitReceipt("it-dave-acked", "now-hook").getOutcome()).isEqualTo(DeliveryOutcome.DELIVERED);
    assertThat(awaitReceipt("it-dave-open", "now-hook").getOutcome()).isEqualTo(DeliveryOutcome.DELIVERED);

    acknowledge("inc-dave-acked");

    NotificationReceipt suppressed = awaitReceipt("it-dave-acked", "later-hook");
    assertThat(suppressed.getOutcome()).isEqualTo(DeliveryOutcome.SUPPRESSED);
    assertThat(suppressed.getReason()).startsWith("incident acknowledged before sending");
    assertThat(awaitTimeline("it-dave-acked", TimelineEventType.NOTIFICATION_SUPPRESSED).getChannel()).isEqualTo("later-hook");
    NotificationReceipt later = awaitReceipt("it-dave-open", "later-hook");
    assertThat(later.getOutcome()).isEqualTo(DeliveryOutcome.DELIVERED);
    assertThat(later.getLatencyMs()).isGreaterThanOrEqualTo(2000);
    assertThat(posts("it-dave-acked")).extracting(WebhookReceiver.Received::path).containsExactly("/now");
    assertThat(posts("it-dave-open")).extracting(WebhookReceiver.Received::path).containsExactly("/now", "/later");
  }

  @Test
  void shouldSuppressAPageForAnIncidentAcknowledgedBeforeItIsSent() {
    acknowledge("inc-acked-early");
    NotificationRequest page = TestRequests.page("it-acked-early", "ok-hook");
    page.setIncidentId("inc-acked-early");
    page.setStatusVersion(1); // requested while triggered; the acknowledgement is version 2

    send(page);

    NotificationReceipt receipt = awaitReceipt("it-acked-early", "ok-hook");
    assertThat(receipt.getOutcome()).isEqualTo(DeliveryOutcome.SUPPRESSED);
    assertThat(receipt.getAttempts()).isZero();
    assertThat(posts("it-acked-early")).isEmpty();
    assertThat(awaitTimeline("it-acked-early", TimelineEventType.NOTIFICATION_SUPPRESSED).getIncidentId()).isEqualTo("inc-acked-early");
  }

  /** What the escalation service publishes when someone acknowledges; awaited until the notifier has read it. */
  private static void acknowledge(String incidentId) {
    String topic = Topics.INCIDENT_STATUS.name();
    IncidentStatusUpdate ack = IncidentStatusUpdate.newBuilder()
        .setIncidentId(incidentId).setIncidentKey("key-" + incidentId).setStatus(IncidentStatus.ACKNOWLEDGED)
        .setVersion(2).setPagesSent(1).setActor("alice").setAt(java.time.Instant.now()).build();
    producer.send(new ProducerRecord<>(topic, incidentId.getBytes(StandardCharsets.UTF_8),
        Topics.INCIDENT_STATUS.valueSerde().serializer().serialize(topic, ack)));
    producer.flush();
    await().atMost(WAIT).until(() -> service.status(incidentId) != null
        && service.status(incidentId).getStatus() == IncidentStatus.ACKNOWLEDGED);
  }

  private static TimelineEvent timelineEvent(ConsumerRecord<byte[], byte[]> record) {
    return Topics.INCIDENT_TIMELINE.valueSerde().deserializer().deserialize(record.topic(), record.value());
  }

  private static TimelineEvent awaitTimeline(String notificationId, TimelineEventType type) {
    return await().atMost(WAIT).until(() -> timeline.read().stream().map(NotifierServiceIT::timelineEvent)
        .filter(e -> notificationId.equals(e.getNotificationId()) && e.getType() == type)
        .findFirst().orElse(null), e -> e != null);
  }

  private static void send(NotificationRequest request) {
    send(request, request.getIncidentId());
  }

  private static void send(NotificationRequest request, String key) {
    String topic = Topics.NOTIFICATION_REQUESTS.name();
    producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
        Topics.NOTIFICATION_REQUESTS.valueSerde().serializer().serialize(topic, request)));
    producer.flush();
  }

  private static List<WebhookReceiver.Received> posts(String notificationId) {
    return receiver.received().stream()
        .filter(r -> notificationId.equals(r.header("X-Pagewire-Notification-Id"))).toList();
  }

  private static NotificationReceipt awaitReceipt(String notificationId, String channel) {
    return await().atMost(WAIT).until(() -> receipts.read().stream()
        .map(r -> Topics.NOTIFICATION_RECEIPTS.valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .filter(r -> r.getNotificationId().equals(notificationId) && r.getChannel().equals(channel))
        .findFirst().orElse(null), r -> r != null);
  }

  private static ConsumerRecord<byte[], byte[]> awaitDeadLetter(java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> which) {
    return await().atMost(WAIT).until(() -> deadLetters.read().stream().filter(which).findFirst().orElse(null), r -> r != null);
  }

  private static NotificationRequest decode(ConsumerRecord<byte[], byte[]> record) {
    return Topics.NOTIFICATION_REQUESTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** Everything written to one topic so far, read from the beginning without a group. */
  private static final class TopicReader implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();

    TopicReader(String topic) {
      Properties props = KafkaSettings.common(config, "notifier-it-reader");
      props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      consumer = new KafkaConsumer<>(props);
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }

    synchronized List<ConsumerRecord<byte[], byte[]>> read() {
      consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
      return List.copyOf(seen);
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
