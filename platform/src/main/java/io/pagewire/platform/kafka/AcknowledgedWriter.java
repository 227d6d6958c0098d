package io.pagewire.platform.kafka;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.HttpError;
import io.pagewire.schemas.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records of one topic for an HTTP API that may answer 2xx only once Kafka has them: each
 * write waits until every in-sync replica acknowledged it (acks=all), for at most
 * {@code ingest.ackTimeout}, and otherwise fails with 503 so that the client retries. The
 * producer is created on first use, so building a service needs no reachable cluster.
 */
public final class AcknowledgedWriter<K, V> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AcknowledgedWriter.class);

  private final PagewireConfig config;
  private final Topic<K, V> topic;
  private final String clientId;
  private final Duration timeout;
  private KafkaProducer<K, V> producer;

  public AcknowledgedWriter(PagewireConfig config, Topic<K, V> topic, String clientId) {
    this.config = config;
    this.topic = topic;
    this.clientId = clientId;
    this.timeout = config.ingest().ackTimeout();
  }

  /**
   * Writes one record (a null value is a tombstone) stamped {@code timestamp}, or now when null.
   *
   * @throws HttpError 503 when Kafka did not acknowledge the record in time
   */
  public void write(K key, V value, Instant timestamp) {
    Long millis = timestamp == null ? null : timestamp.toEpochMilli();
    try {
      producer().send(new ProducerRecord<>(topic.name(), null, millis, key, value))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw HttpError.unavailable("interrupted while waiting for Kafka to acknowledge the write; retry");
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      log.warn("write not acknowledged by Kafka: topic={} key={} reason={}", topic.name(), key, e.toString());
      throw HttpError.unavailable("Kafka did not acknowledge the write to " + topic.name()
          + " within " + timeout + "; retry");
    }
  }

  private synchronized KafkaProducer<K, V> producer() {
    if (producer == null) {
      Properties props = KafkaSettings.producer(config, clientId);
      // send() must not block longer than the answer may wait.
      props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
      producer = new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }
    return producer;
  }

  @Override
  public synchronized void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
      producer = null;
    }
  }
}
