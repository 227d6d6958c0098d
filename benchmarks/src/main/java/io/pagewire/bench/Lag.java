package io.pagewire.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Consumer lag of a Streams application's group, read with the AdminClient: for every partition
 * of its input topics and of its repartition topics ({@code <group>-*-repartition}), the last
 * stable offset (read_committed: what an exactly-once consumer can see) minus the group's
 * committed offset (0 when it has committed none).
 */
final class Lag implements AutoCloseable {

  /**
   * Lag summed over the group's partitions; committed and end offsets summed over its input
   * topics and over its repartition topics (the input of its last stage, when it has any).
   */
  record Snapshot(long lag, long committedInput, long endInput, long committedRepartition, long endRepartition, boolean repartitioned) {
    long inputLag() {
      return endInput - committedInput;
    }

    /** Offsets committed by the last stage: the records that went all the way through. */
    long committedLast() {
      return repartitioned ? committedRepartition : committedInput;
    }

    long endLast() {
      return repartitioned ? endRepartition : endInput;
    }
  }

  private final String bootstrapServers;
  private final Admin admin;

  Lag(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "pagewire-bench-lag");
    this.admin = Admin.create(props);
  }

  /** A snapshot; an AdminClient call that fails or times out (a busy machine) is tried again, 5 times in all. */
  Snapshot snapshot(String group, List<String> inputTopics) {
    for (int attempt = 1; ; attempt++) {
      try {
        return trySnapshot(group, inputTopics);
      } catch (IllegalStateException e) {
        if (attempt >= 5 || Thread.currentThread().isInterrupted()) {
          throw e;
        }
        Alerts.sleep(200);
      }
    }
  }

  private Snapshot trySnapshot(String group, List<String> inputTopics) {
    try {
      Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      List<String> topics = new ArrayList<>();
      for (String topic : inputTopics) {
        if (names.contains(topic)) {
          topics.add(topic);
        }
      }
      names.stream().filter(n -> n.startsWith(group + "-") && n.endsWith("-repartition")).forEach(topics::add);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (TopicDescription description : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
        description.partitions().forEach(p -> latest.put(new TopicPartition(description.name(), p.partition()), OffsetSpec.latest()));
      }
      Map<TopicPartition, Long> ends = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
          .all().get(10, TimeUnit.SECONDS).entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      long lag = 0;
      long committedInput = 0;
      long endInput = 0;
      long committedRepartition = 0;
      long endRepartition = 0;
      for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
        OffsetAndMetadata offset = committed.get(end.getKey());
        long position = offset == null ? 0 : offset.offset();
        lag += Math.max(0, end.getValue() - position);
        if (inputTopics.contains(end.getKey().topic())) {
          committedInput += position;
          endInput += end.getValue();
        } else {
          committedRepartition += position;
          endRepartition += end.getValue();
        }
      }
      return new Snapshot(lag, committedInput, endInput, committedRepartition, endRepartition, topics.size() > inputTopics.stream().filter(topics::contains).count());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read the lag of " + group + ": " + e.getMessage(), e);
    }
  }

  long lag(String group, List<String> inputTopics) {
    return snapshot(group, inputTopics).lag();
  }

  /** The records a read_committed consumer sees in the topic (offsets also count transaction markers). */
  long countRecords(String topic, long timeoutMillis) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long count = 0;
      long deadline = System.currentTimeMillis() + timeoutMillis;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end within " + timeoutMillis + " ms");
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(java.time.Duration.ofMillis(200));
        count += records.count();
      }
      return count;
    }
  }

  /** Waits until the broker answers (a child JVM was started). */
  void awaitBroker(long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      try {
        admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("no broker at " + bootstrapServers + " within " + timeoutMillis + " ms");
        }
        Alerts.sleep(200);
      }
    }
  }

  @Override
  public void close() {
    admin.close(java.time.Duration.ofSeconds(5));
  }
}
