package io.pagewire.notifier.status;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.IncidentStatusUpdate;
import io.pagewire.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Escalation's authoritative status of each incident, read from the compacted
 * {@code pagewire.incident-status} (every partition, from the beginning, read_committed) by a
 * thread of its own: what the send-time re-check asks. Compacted and tombstoned when an incident
 * leaves escalation's hot stores, so start-up reads one record per live incident, never the
 * timeline's history, and memory holds one small entry per live incident.
 *
 * <p>{@link #ready()} once it has read up to the end offsets it found at start. A higher version
 * always wins, whatever the order records arrive in. A Kafka error is logged and the reader starts
 * again from where it was, so the view only lags, it never stops.
 */
public final class StatusView implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StatusView.class);
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final Properties props;
  private final Map<String, IncidentStatusUpdate> statuses = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile boolean ready;
  private volatile boolean running = true;

  public StatusView(PagewireConfig config, String clientId) {
    props = KafkaSettings.common(config, clientId);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    thread = new Thread(this::run, clientId);
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public boolean ready() {
    return ready;
  }

  /** The latest status escalation published for the incident, or null when it publishes none (unknown, or gone). */
  public IncidentStatusUpdate get(String incidentId) {
    return statuses.get(incidentId);
  }

  public int size() {
    return statuses.size();
  }

  private void run() {
    String topic = Topics.INCIDENT_STATUS.name();
    Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    while (running) {
      try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(props)) {
        consumer = reader;
        if (!running) {
          return;
        }
        List<TopicPartition> partitions = reader.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition())).toList();
        reader.assign(partitions);
        for (TopicPartition tp : partitions) {
          Long at = positions.get(tp);
          if (at == null) {
            reader.seekToBeginning(List.of(tp));
          } else {
            reader.seek(tp, at);
          }
        }
        Map<TopicPartition, Long> end = ready ? Map.of() : reader.endOffsets(partitions);
        while (running) {
          for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(50))) {
            apply(record);
            positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
          }
          if (!ready && end.entrySet().stream().allMatch(e -> reader.position(e.getKey()) >= e.getValue())) {
            ready = true;
            log.info("incident statuses read: incidents={}", statuses.size());
          }
        }
      } catch (WakeupException e) {
        return; // close()
      } catch (KafkaException e) {
        log.warn("incident status reader failed, starting again in {}: {}", RETRY, e.toString());
        sleep();
      }
    }
  }

  private void apply(ConsumerRecord<byte[], byte[]> record) {
    String incidentId = record.key() == null ? null
        : Topics.INCIDENT_STATUS.keySerde().deserializer().deserialize(record.topic(), record.key());
    if (incidentId == null) {
      log.warn("skipping incident status without a key: topic={} partition={} offset={}",
          record.topic(), record.partition(), record.offset());
      return;
    }
    if (record.value() == null) {
      statuses.remove(incidentId);
      return;
    }
    IncidentStatusUpdate update;
    try {
      update = Topics.INCIDENT_STATUS.valueSerde().deserializer().deserialize(record.topic(), record.value());
    } catch (KafkaException e) {
      log.warn("skipping unreadable incident status: topic={} partition={} offset={} reason={}",
          record.topic(), record.partition(), record.offset(), e.getMessage());
      return;
    }
    statuses.merge(incidentId, update, (old, next) -> next.getVersion() >= old.getVersion() ? next : old);
  }

  private void sleep() {
    try {
      Thread.sleep(RETRY.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    KafkaConsumer<byte[], byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
