package io.pagewire.testsupport;

import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.TopicAdmin;
import io.pagewire.schemas.Topic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real broker (the embedded KRaft one) with every Pagewire topic created, and {@code config}: the
 * test's configuration pointed at it.
 */
public record TestBroker(EmbeddedKafka kafka, PagewireConfig config) implements AutoCloseable {

  /** A broker on a fresh temporary directory; {@code base} with its address and a temporary state directory. */
  public static TestBroker start(PagewireConfig base) {
    try {
      return start(Files.createTempDirectory("pagewire-it-"), base);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A broker keeping its data in {@code dir/kafka} (reused if there), Streams state in {@code dir/state}. */
  public static TestBroker start(Path dir, PagewireConfig base) {
    EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    PagewireConfig config = base.withKafka(base.kafka().withBootstrapServers(kafka.bootstrapServers()).withStateDir(dir.resolve("state")));
    try {
      TopicAdmin.ensureTopics(config);
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
    return new TestBroker(kafka, config);
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The configuration with its Streams state in {@code stateDir}: one per instance. */
  public PagewireConfig config(Path stateDir) {
    return config.withKafka(config.kafka().withStateDir(stateDir));
  }

  public <K, V> TopicReader<K, V> reader(Topic<K, V> topic) {
    return TopicReader.of(config, topic);
  }

  public <K, V> TopicWriter<K, V> writer(Topic<K, V> topic) {
    return TopicWriter.of(config, topic);
  }

  @Override
  public void close() {
    kafka.close();
  }
}
