package io.pagewire.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where a probe's time went: when its records became readable (read_committed, polled every few
 * milliseconds) on each topic of the path, found by the probe's name in the record's bytes (Avro
 * writes strings as UTF-8). Reads from the end of each topic at construction.
 */
final class Hops implements AutoCloseable {

  /** Every topic a new alert's records can take to a page. */
  static final List<String> PATH = List.of("pagewire.alerts-urgent", "pagewire.alerts",
      "pagewire-severity-router-urgent-alerts-by-incident-repartition", "pagewire-severity-router-alerts-by-incident-repartition",
      "pagewire.incident-events", "pagewire.notification-requests");
  /** The urgent lane's path, which a new group's first alert takes: fewer records to scan under load. */
  static final List<String> URGENT_PATH = List.of("pagewire.alerts-urgent",
      "pagewire-severity-router-urgent-alerts-by-incident-repartition", "pagewire.incident-events",
      "pagewire.notification-requests");

  private final List<String> path;

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread poller;
  private final Map<String, Map<String, Long>> seen = new ConcurrentHashMap<>();
  private final Map<String, byte[]> watched = new ConcurrentHashMap<>();
  private volatile boolean closed;

  Hops(String bootstrapServers) {
    this(bootstrapServers, PATH);
  }

  Hops(String bootstrapServers, List<String> path) {
    this.path = path;
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-hops");
    consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : path) {
      consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    poller = new Thread(this::poll, "bench-hops");
    poller.setDaemon(true);
    poller.start();
  }

  void watch(String probe) {
    watched.put(probe, probe.getBytes(StandardCharsets.UTF_8));
  }

  private void poll() {
    while (!closed) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(5))) {
        long now = System.nanoTime();
        watched.forEach((probe, bytes) -> {
          if (record.value() != null && contains(record.value(), bytes)) {
            seen.computeIfAbsent(probe, p -> new ConcurrentHashMap<>()).putIfAbsent(record.topic(), now);
          }
        });
      }
    }
    consumer.close();
  }

  /** "topic +N ms" for each topic of the path the probe reached, from {@code sentNanos}. */
  String describe(String probe, long sentNanos) {
    List<String> parts = new ArrayList<>();
    millis(probe, sentNanos).forEach((topic, ms) -> parts.add(String.format("%s +%.0f ms", topic, ms)));
    return parts.isEmpty() ? "not seen on any topic" : String.join(", ", parts);
  }

  /** Milliseconds from {@code sentNanos} until the probe was readable, per topic of the path it reached, in path order. */
  Map<String, Double> millis(String probe, long sentNanos) {
    Map<String, Long> at = seen.getOrDefault(probe, Map.of());
    Map<String, Double> millis = new LinkedHashMap<>();
    for (String topic : path) {
      Long t = at.get(topic);
      if (t != null) {
        millis.put(topic, (t - sentNanos) / 1e6);
      }
    }
    return millis;
  }

  /** "topic +N ms" for each topic of the path, N the median over {@code probes} (name → POST nanos). */
  String medians(Map<String, Long> probes) {
    Map<String, List<Double>> byTopic = new LinkedHashMap<>();
    path.forEach(topic -> byTopic.put(topic, new ArrayList<>()));
    probes.forEach((probe, sent) -> millis(probe, sent).forEach((topic, ms) -> byTopic.get(topic).add(ms)));
    List<String> parts = new ArrayList<>();
    byTopic.forEach((topic, all) -> {
      if (!all.isEmpty()) {
        all.sort(null);
        parts.add(String.format("%s +%.0f ms", topic, Report.percentile(all, 50)));
      }
    });
    return parts.isEmpty() ? "not seen on any topic" : String.join(", ", parts);
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    poller.join(5_000);
  }
}
