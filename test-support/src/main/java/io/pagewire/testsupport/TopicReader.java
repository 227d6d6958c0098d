package io.pagewire.testsupport;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads every partition of one topic (or of the lanes of one, {@link #lanes}) from the beginning, as a read_committed consumer without a
 * group (nothing committed, nothing rebalanced), and keeps what it has read. Safe to poll from an
 * Awaitility condition and the test thread.
 */
public final class TopicReader<K, V> implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(100);

  private final String topic;
  private final KafkaConsumer<K, V> consumer;
  private final List<ConsumerRecord<K, V>> records = new ArrayList<>();

  private TopicReader(PagewireConfig config, List<String> topics, Deserializer<K> keys, Deserializer<V> values) {
    this.topic = String.join(",", topics);
    Properties props = KafkaSettings.common(config, "it-reader-" + topics.get(0));
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer = new KafkaConsumer<>(props, keys, values);
    List<TopicPartition> partitions = topics.stream().flatMap(topic -> consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition()))).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  public static <K, V> TopicReader<K, V> of(PagewireConfig config, Topic<K, V> topic) {
    return new TopicReader<>(config, List.of(topic.name()), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
  }

  /** The topics of one kind of record, as {@code Topics.ALERT_LANES}: each partition in its own order. */
  public static <K, V> TopicReader<K, V> lanes(PagewireConfig config, List<Topic<K, V>> topics) {
    return new TopicReader<>(config, topics.stream().map(Topic::name).toList(),
        topics.get(0).keySerde().deserializer(), topics.get(0).valueSerde().deserializer());
  }

  /** Keys and values as bytes: for records that may not decode (dead letters, garbage). */
  public static TopicReader<byte[], byte[]> raw(PagewireConfig config, String topic) {
    return new TopicReader<>(config, List.of(topic), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Reads what is committed so far; returns only the records read by this call. */
  public synchronized List<ConsumerRecord<K, V>> poll() {
    List<ConsumerRecord<K, V>> fresh = new ArrayList<>();
    consumer.poll(POLL).forEach(fresh::add);
    records.addAll(fresh);
    return fresh;
  }

  /** Everything read so far, after reading what is new. */
  public synchronized List<ConsumerRecord<K, V>> records() {
    poll();
    return List.copyOf(records);
  }

  public List<V> values() {
    return records().stream().map(ConsumerRecord::value).toList();
  }

  public List<V> values(Predicate<V> filter) {
    return values().stream().filter(filter).toList();
  }

  public String topic() {
    return topic;
  }

  @Override
  public synchronized void close() {
    consumer.close();
  }
}
