package io.pagewire.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.platform.kafka.TopicAdmin;
import io.pagewire.schemas.DeliveryOutcome;
import io.pagewire.schemas.NotificationReceipt;
import io.pagewire.schemas.Topics;
import io.pagewire.testsupport.ChildJvm;
import io.pagewire.testsupport.TopicReader;
import io.pagewire.testsupport.WebhookReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kills a notifier running in a child JVM with SIGKILL ({@code destroyForcibly}) twice while
 * pages are being delivered, restarts it each time, and checks every page arrives, counting how
 * many arrived twice. The child delivers {@link NotifierChild#CONCURRENCY} messages at once. The
 * design's bound: a kill repeats only messages in flight (sent, outcome not yet committed), each at
 * most once, so at most {@code CONCURRENCY} repeats per kill and no page more than once per kill.
 */
class NotifierCrashIT {

  private static final int PAGES = 300;
  private static final int KILLS = 2;
  private static final Duration WAIT = Duration.ofSeconds(90);

  private static EmbeddedKafka kafka;
  private static WebhookReceiver receiver;
  private static PagewireConfig config;
  private static Path stateDir;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.startTemporary();
    receiver = new WebhookReceiver();
    stateDir = Files.createTempDirectory("pagewire-notifier-crash");
    config = PagewireConfig.defaults().withKafka(kafka.bootstrapServers(), stateDir);
    TopicAdmin.ensureTopics(config);
  }

  @AfterAll
  static void stop() {
    if (receiver != null) {
      receiver.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void shouldDeliverEveryPageAfterAbruptKillsRepeatingOnlyMessagesInFlight() throws Exception {
    Properties props = KafkaSettings.producer(config, "crash-it");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      List<io.pagewire.schemas.NotificationRequest> pages = new ArrayList<>();
      for (int i = 0; i < PAGES; i++) {
        var page = TestRequests.page("crash-" + i, "hook");
        page.setIncidentId("inc-crash-" + (i % 17));
        pages.add(page);
      }
      TestRequests.writeAll(producer, pages);
    }

    for (int kill = 1; kill <= KILLS; kill++) {
      int target = kill * PAGES / (KILLS + 1);
      long t0 = System.nanoTime();
      ChildJvm child = startChild();
      System.out.printf("NotifierCrashIT: child %d ready after %d ms%n", kill, (System.nanoTime() - t0) / 1_000_000);
      try {
        await().atMost(WAIT).until(() -> receiver.received("/hook").size() >= target);
      } finally {
        child.kill();
        System.out.printf("NotifierCrashIT: killed child %d after %d ms with %d posts received%n", kill,
            (System.nanoTime() - t0) / 1_000_000, receiver.received("/hook").size());
      }
    }
    long t0 = System.nanoTime();
    ChildJvm last = startChild();
    System.out.printf("NotifierCrashIT: last child ready after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    try {
      await().atMost(WAIT).until(() -> distinctIds().size() == PAGES);
      System.out.printf("NotifierCrashIT: all delivered %d ms after the last start%n", (System.nanoTime() - t0) / 1_000_000);
      List<NotificationReceipt> receipts = awaitReceipts();
      assertThat(receipts).allMatch(r -> r.getOutcome() == DeliveryOutcome.DELIVERED);
    } finally {
      last.stop(Duration.ofSeconds(30));
    }

    int posts = receiver.received("/hook").size();
    int duplicates = posts - distinctIds().size();
    System.out.printf("NotifierCrashIT: pages=%d posts=%d deliveredTwice=%d kills=%d%n", PAGES, posts, duplicates, KILLS);
    assertThat(distinctIds()).hasSize(PAGES);
    Map<String, Long> perId = receiver.received("/hook").stream()
        .collect(Collectors.groupingBy(r -> r.header("X-Pagewire-Notification-Id"), Collectors.counting()));
    System.out.printf("NotifierCrashIT: repeat bound %d (kills %d x concurrency %d), most posts of one page %d%n",
        KILLS * NotifierChild.CONCURRENCY, KILLS, NotifierChild.CONCURRENCY, perId.values().stream().mapToLong(n -> n).max().orElse(0));
    assertThat(duplicates).isLessThanOrEqualTo(KILLS * NotifierChild.CONCURRENCY);
    assertThat(perId.values()).allMatch(n -> n <= 1 + KILLS);
  }

  private static Set<String> distinctIds() {
    return receiver.received("/hook").stream().map(r -> r.header("X-Pagewire-Notification-Id")).collect(Collectors.toSet());
  }

  /** One receipt per page: the receipts are written in the same transaction as the delivery log, so none is lost or doubled either. */
  private static List<NotificationReceipt> awaitReceipts() {
    try (TopicReader<String, NotificationReceipt> reader = TopicReader.of(config, Topics.NOTIFICATION_RECEIPTS)) {
      await().atMost(WAIT).until(() -> reader.values().stream().map(NotificationReceipt::getNotificationId).distinct().count() == PAGES);
      List<NotificationReceipt> receipts = reader.values();
      Map<String, Long> perId = receipts.stream().collect(Collectors.groupingBy(NotificationReceipt::getNotificationId, Collectors.counting()));
      assertThat(perId.values()).allMatch(n -> n == 1);
      return receipts;
    }
  }

  private static ChildJvm startChild() {
    return ChildJvm.start("notifier", line -> !line.contains(" INFO ") || line.contains("assigned") || line.contains("loaded")
            || line.contains("started"), NotifierChild.class, kafka.bootstrapServers(), receiver.url("/hook"), stateDir.toString())
        .awaitReady(Duration.ofSeconds(60));
  }

}
