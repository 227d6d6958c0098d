package io.pagewire.bench;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Fills a topic a benchmark just created, and fails unless the broker acknowledged every record:
 * a benchmark must not measure fewer records than it says it wrote.
 */
final class AckedWriter {

  private AckedWriter() {}

  /**
   * Waits until every partition of {@code topic} has a leader, then sends {@code count} records
   * ({@code record} makes the i-th), acks=all and idempotent; answers the acknowledged count,
   * which is {@code count}, or throws.
   */
  static long write(String bootstrap, String topic, long count, LongFunction<ProducerRecord<byte[], byte[]>> record) {
    awaitLeaders(bootstrap, topic);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    // One request in flight per partition. With five, a first batch refused while a new leader
    // settles (NOT_LEADER_OR_FOLLOWER) is retried after a later batch was appended - a broker with
    // no state for this producer accepts any first sequence - and then fails for good
    // (OutOfOrderSequenceException), or waits until its delivery timeout.
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> failed = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (long i = 0; i < count && failed.get() == null; i++) {
        producer.send(record.apply(i), (metadata, exception) -> {
          if (exception != null) {
            failed.compareAndSet(null, exception);
          } else {
            acked.incrementAndGet();
          }
        });
      }
      producer.flush();
    }
    if (failed.get() != null || acked.get() != count) {
      throw new IllegalStateException(String.format("%s: %,d of %,d records acknowledged", topic, acked.get(), count), failed.get());
    }
    return acked.get();
  }

  /** A topic just created may have no leader yet: the first sends would bounce (NOT_LEADER_OR_FOLLOWER). */
  private static void awaitLeaders(String bootstrap, String topic) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      long deadline = System.currentTimeMillis() + 30_000;
      while (true) {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        if (description.partitions().stream().map(TopicPartitionInfo::leader).allMatch(l -> l != null && !l.isEmpty())) {
          return;
        }
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("no leader for every partition of " + topic + " within 30 s");
        }
        Alerts.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("cannot describe " + topic, e.getCause());
    }
  }
}
