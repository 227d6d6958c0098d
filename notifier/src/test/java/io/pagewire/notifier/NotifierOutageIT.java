package io.pagewire.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.platform.kafka.TopicAdmin;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.testsupport.FreePorts;
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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The broker goes away while pages are being delivered and comes back on the same data and port:
 * the notifier reports itself unhealthy while it cannot make progress, and afterwards delivers
 * every page, those requested before the outage and those after, without being restarted.
 */
class NotifierOutageIT {

  private static final int PAGES = 100;
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void shouldKeepDeliveringAfterATransientBrokerOutage() throws Exception {
    Path dir = Files.createTempDirectory("pagewire-notifier-outage");
    int port = FreePorts.next();
    EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), port);
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      PagewireConfig config = PagewireConfig.defaults()
          .withKafka(kafka.bootstrapServers(), dir.resolve("state"))
          .withNotifier(new PagewireConfig.Notifier(Map.of("hook", Map.of("type", "webhook", "url", receiver.url("/hook"))),
              new PagewireConfig.Retry(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(60)),
              null, new PagewireConfig.RateLimit(100_000, Duration.ofMinutes(1)), new PagewireConfig.RateLimit(100_000, Duration.ofMinutes(1)),
              "outage-it", null, new PagewireConfig.Delivery(4, 0, Duration.ofSeconds(3))));
      TopicAdmin.ensureTopics(config);
      NotifierService service = new NotifierService(config, new SimpleMeterRegistry());
      service.start();
      try {
        await().atMost(WAIT).until(service::ready);
        write(config, "before-", PAGES);
        await().atMost(WAIT).until(() -> distinct(receiver).size() >= PAGES / 4);

        kafka.close();
        await("unhealthy while the broker is away").atMost(WAIT).until(() -> !service.ready() && !service.live());

        kafka = EmbeddedKafka.start(dir.resolve("kafka"), port);
        await("healthy again").atMost(WAIT).until(() -> service.ready() && service.live());
        write(config, "after-", PAGES);

        await("every page delivered").atMost(WAIT).until(() -> distinct(receiver).size() == 2 * PAGES);
        assertThat(distinct(receiver)).allMatch(id -> id.startsWith("before-") || id.startsWith("after-"));
        assertThat(service.ready()).isTrue();
        System.out.printf("NotifierOutageIT: pages=%d posts=%d%n", 2 * PAGES, receiver.received("/hook").size());
      } finally {
        service.close();
      }
    } finally {
      kafka.close();
    }
  }

  private static Set<String> distinct(WebhookReceiver receiver) {
    return receiver.received("/hook").stream().map(r -> r.header("X-Pagewire-Notification-Id")).collect(Collectors.toSet());
  }

  private static void write(PagewireConfig config, String prefix, int count) throws InterruptedException {
    Properties props = KafkaSettings.producer(config, "outage-it");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      List<NotificationRequest> pages = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        NotificationRequest page = TestRequests.page(prefix + i, "hook");
        page.setIncidentId("inc-outage-" + (i % 13));
        pages.add(page);
      }
      TestRequests.writeAll(producer, pages);
    }
  }
}
