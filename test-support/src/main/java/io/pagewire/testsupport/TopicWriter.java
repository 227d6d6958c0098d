package io.pagewire.testsupport;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.Topic;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Writes typed records to one topic with the services' producer settings (acks=all, idempotent). */
public final class TopicWriter<K, V> implements AutoCloseable {

  private final Topic<K, V> topic;
  private final KafkaProducer<K, V> producer;

  private TopicWriter(PagewireConfig config, Topic<K, V> topic) {
    this.topic = topic;
    this.producer = new KafkaProducer<>(KafkaSettings.producer(config, "it-writer-" + topic.name()),
        topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  public static <K, V> TopicWriter<K, V> of(PagewireConfig config, Topic<K, V> topic) {
    return new TopicWriter<>(config, topic);
  }

  /** Sends without waiting; {@link #flush()} or {@link #close()} waits for every send. */
  public void sendAsync(K key, V value, long timestamp) {
    producer.send(new ProducerRecord<>(topic.name(), null, timestamp, key, value));
  }

  /** Sends and waits until the broker acknowledged the record. */
  public RecordMetadata send(K key, V value, long timestamp) {
    try {
      return producer.send(new ProducerRecord<>(topic.name(), null, timestamp, key, value)).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot write " + key + " to " + topic.name(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public RecordMetadata send(K key, V value) {
    return send(key, value, System.currentTimeMillis());
  }

  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}
