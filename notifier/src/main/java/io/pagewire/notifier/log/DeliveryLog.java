package io.pagewire.notifier.log;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.DeliveryLogEntry;
import io.pagewire.schemas.DeliveryLogState;
import io.pagewire.schemas.Ids;
import io.pagewire.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier's view of {@code pagewire.notifier.delivery-log} for the partitions it owns: which
 * notification targets are DONE (never sent again) and which are PENDING (sent when due). Loaded
 * from the compacted topic, read_committed, whenever partitions are assigned, and kept current by
 * {@link #apply} after each committed transaction. Used by the consumer thread only.
 */
public final class DeliveryLog implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DeliveryLog.class);

  /** A PENDING entry and the log partition it lives in. */
  public record Pending(int partition, String key, DeliveryLogEntry entry) {}

  private final KafkaConsumer<byte[], byte[]> reader;
  private final Map<Integer, Map<String, DeliveryLogEntry>> partitions = new HashMap<>();

  public DeliveryLog(PagewireConfig config, String clientId) {
    Properties props = KafkaSettings.common(config, clientId);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    reader = new KafkaConsumer<>(props);
  }

  /** Reads these log partitions from the beginning to their last committed record. */
  public void load(Collection<Integer> numbers) {
    String topic = Topics.NOTIFIER_DELIVERY_LOG.name();
    List<TopicPartition> wanted = numbers.stream().map(n -> new TopicPartition(topic, n)).toList();
    if (wanted.isEmpty()) {
      return;
    }
    reader.assign(wanted);
    reader.seekToBeginning(wanted);
    Map<TopicPartition, Long> end = reader.endOffsets(wanted);
    wanted.forEach(tp -> partitions.put(tp.partition(), new HashMap<>()));
    int read = 0;
    while (end.entrySet().stream().anyMatch(e -> reader.position(e.getKey()) < e.getValue())) {
      for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(100))) {
        String key = Topics.NOTIFIER_DELIVERY_LOG.keySerde().deserializer().deserialize(topic, record.key());
        try {
          DeliveryLogEntry entry = Topics.NOTIFIER_DELIVERY_LOG.valueSerde().deserializer().deserialize(topic, record.value());
          if (entry == null) {
            partitions.get(record.partition()).remove(key);
          } else {
            partitions.get(record.partition()).put(key, entry);
          }
          read++;
        } catch (KafkaException e) {
          log.warn("skipping unreadable delivery log record: topic={} partition={} offset={} reason={}",
              topic, record.partition(), record.offset(), e.getMessage());
        }
      }
    }
    reader.unsubscribe();
    log.info("delivery log loaded: partitions={} records={} pending={}", numbers, read, pendingCount());
  }

  public void drop(Collection<Integer> numbers) {
    numbers.forEach(partitions::remove);
  }

  public void apply(int partition, String key, DeliveryLogEntry entry) {
    partitions.computeIfAbsent(partition, p -> new HashMap<>()).put(key, entry);
  }

  /** The entry for a key, or null: DONE means never send again, PENDING means it is scheduled. */
  public DeliveryLogEntry get(int partition, String key) {
    Map<String, DeliveryLogEntry> entries = partitions.get(partition);
    return entries == null ? null : entries.get(key);
  }

  /** Every PENDING entry due at {@code now}, oldest due first. */
  public List<Pending> due(Instant now) {
    List<Pending> due = new ArrayList<>();
    partitions.forEach((partition, entries) -> entries.forEach((key, entry) -> {
      if (entry.getState() == DeliveryLogState.PENDING && !entry.getDueAt().isAfter(now)) {
        due.add(new Pending(partition, key, entry));
      }
    }));
    due.sort((a, b) -> a.entry().getDueAt().compareTo(b.entry().getDueAt()));
    return due;
  }

  public long pendingCount() {
    return partitions.values().stream().flatMap(m -> m.values().stream())
        .filter(e -> e.getState() == DeliveryLogState.PENDING).count();
  }

  /** The log key of a notification's target: {@link Ids#deliveryLogKey}. */
  public static String key(String notificationId, String target) {
    return Ids.deliveryLogKey(notificationId, target);
  }

  @Override
  public void close() {
    reader.close();
  }
}
