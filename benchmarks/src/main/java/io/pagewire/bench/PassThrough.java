package io.pagewire.bench;

import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * {@code PassThrough CONFIG APPLICATION_ID IN OUT}: the baseline, {@code stream(IN).to(OUT)} of
 * raw bytes with the Pagewire services' own Streams settings ({@code KafkaSettings.streams} of
 * the jar under test: exactly-once v2, the configured commit interval, ...), until SIGTERM.
 */
public final class PassThrough {

  private PassThrough() {}

  public static void main(String[] args) throws Exception {
    PagewireConfig config = ConfigLoader.load(java.nio.file.Path.of(args[0]));
    String applicationId = args[1];
    String in = args[2];
    String out = args[3];
    Properties settings = KafkaSettings.streams(config, applicationId, null);
    try (Admin admin = Admin.create(KafkaSettings.common(config, applicationId + "-admin"))) {
      int partitions = admin.describeTopics(List.of(in)).allTopicNames().get().get(in).partitions().size();
      admin.createTopics(List.of(new NewTopic(out, partitions, (short) config.topics().replicationFactor()))).all().get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(in, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .to(out, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    KafkaStreams streams = new KafkaStreams(builder.build(), settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close(java.time.Duration.ofSeconds(10));
      stopped.countDown();
    }, "shutdown"));
    streams.start();
    stopped.await();
  }
}
