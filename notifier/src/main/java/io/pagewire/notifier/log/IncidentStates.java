package io.pagewire.notifier.log;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
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
 * Which incidents are acknowledged or resolved, read from {@code pagewire.incident-timeline}
 * (every partition, from the beginning, read_committed) by a thread of its own, so the notifier
 * can re-check an incident just before sending a page. {@link #ready()} once it has read up to
 * the end offsets it found at start; after that it lags the timeline by one poll (≤ 100 ms) plus
 * the writer's commit interval. Unreadable timeline records are skipped and logged.
 */
public final class IncidentStates implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(IncidentStates.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<String, TimelineEventType> closed = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean ready;
  private volatile boolean running = true;

  public IncidentStates(PagewireConfig config, String clientId) {
    Properties props = KafkaSettings.common(config, clientId);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumer = new KafkaConsumer<>(props);
    thread = new Thread(this::run, clientId);
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public boolean ready() {
    return ready;
  }

  /** ACKNOWLEDGED or RESOLVED when the incident is no longer waiting for anyone; null while it is. */
  public TimelineEventType closedBy(String incidentId) {
    return closed.get(incidentId);
  }

  private void run() {
    String topic = Topics.INCIDENT_TIMELINE.name();
    try {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          apply(record);
        }
        if (!ready && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
          ready = true;
          log.info("incident states read: closedIncidents={}", closed.size());
        }
      }
    } catch (WakeupException e) {
      // close()
    } catch (KafkaException e) {
      log.error("incident state reader stopped; pages are no longer re-checked", e);
    } finally {
      consumer.close();
    }
  }

  private void apply(ConsumerRecord<byte[], byte[]> record) {
    TimelineEvent event;
    try {
      event = Topics.INCIDENT_TIMELINE.valueSerde().deserializer().deserialize(record.topic(), record.value());
    } catch (KafkaException e) {
      log.warn("skipping unreadable timeline record: topic={} partition={} offset={} reason={}",
          record.topic(), record.partition(), record.offset(), e.getMessage());
      return;
    }
    if (event == null) {
      return;
    }
    switch (event.getType()) {
      case ACKNOWLEDGED -> closed.merge(event.getIncidentId(), TimelineEventType.ACKNOWLEDGED,
          (old, now) -> old == TimelineEventType.RESOLVED ? old : now);
      case RESOLVED -> closed.put(event.getIncidentId(), TimelineEventType.RESOLVED);
      case OPENED -> closed.remove(event.getIncidentId());
      default -> { }
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
