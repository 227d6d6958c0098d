package io.pagewire.console;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.IncidentStatus;
import io.pagewire.schemas.IncidentStatusUpdate;
import io.pagewire.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the console knows without asking the stores: the latest status of every incident in
 * escalation's hot stores, read from the compacted {@code pagewire.incident-status} from its
 * beginning (so the open incidents are known without scanning 10,000 resolved ones), and a change
 * signal for the live pages: every status update and every timeline event (read from the end of
 * {@code pagewire.incident-timeline}) bumps {@link #version()} and names its incident.
 *
 * <p>One consumer per process, with no consumer group (partitions assigned, nothing committed),
 * reading committed records only; every server-sent event stream waits on this one object, so the
 * browsers cost no polling.
 */
final class IncidentFeed implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(IncidentFeed.class);

  /** The latest status of one incident. */
  record Status(String incidentId, IncidentStatus status, long atMillis) {}

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<String, Status> statuses = new ConcurrentHashMap<>();
  /** Incident id → the feed version of its latest change (status update or timeline event). */
  private final Map<String, Long> changedAt = new ConcurrentHashMap<>();
  private final Thread thread;
  private final Object changed = new Object();
  private long version;
  /** Incident id → the version of its latest change, the 2,000 most recently changed. */
  private final Map<String, Long> lastChange = new java.util.LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > 2_000;
    }
  };
  private volatile boolean closed;

  IncidentFeed(PagewireConfig config) {
    Properties props = KafkaSettings.common(config, "pagewire-console-feed");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumer = new KafkaConsumer<>(props);
    thread = new Thread(this::run, "console-feed");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Incidents whose latest status is not resolved. */
  List<Status> open() {
    List<Status> open = new ArrayList<>();
    for (Status s : statuses.values()) {
      if (s.status() != IncidentStatus.RESOLVED) {
        open.add(s);
      }
    }
    return open;
  }

  /** The {@code limit} most recently resolved incidents, newest first. */
  List<Status> recentlyResolved(int limit) {
    if (limit <= 0) {
      return List.of();
    }
    // The newest `limit` of ~10,000: a bounded heap (oldest on top) instead of sorting them all.
    java.util.PriorityQueue<Status> newest = new java.util.PriorityQueue<>(limit + 1, Comparator.comparingLong(Status::atMillis));
    for (Status s : statuses.values()) {
      if (s.status() == IncidentStatus.RESOLVED && (newest.size() < limit || s.atMillis() > newest.peek().atMillis())) {
        newest.add(s);
        if (newest.size() > limit) {
          newest.poll();
        }
      }
    }
    List<Status> sorted = new ArrayList<>(newest);
    sorted.sort(Comparator.comparingLong(Status::atMillis).reversed());
    return sorted;
  }

  /**
   * The version of the incident's latest change seen (0: none since this feed started). Read it
   * before reading the incident: a copy read after it stays current while this stays the same.
   */
  long changedAt(String incidentId) {
    return changedAt.getOrDefault(incidentId, 0L);
  }

  long version() {
    synchronized (changed) {
      return version;
    }
  }

  /**
   * Waits until the version passes {@code seen} or {@code timeout} passes, then waits
   * {@code settle} more so a burst of changes is one event.
   *
   * @return the version now and the incidents that changed after {@code seen} (of the 2,000 most
   *     recently changed), or no incidents on timeout
   */
  Change await(long seen, Duration timeout, Duration settle) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (changed) {
      while (version <= seen && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return new Change(version, Set.of());
        }
        changed.wait(Math.max(1, left / 1_000_000));
      }
    }
    Thread.sleep(settle.toMillis());
    synchronized (changed) {
      Set<String> ids = new HashSet<>();
      lastChange.forEach((id, v) -> {
        if (v > seen) {
          ids.add(id);
        }
      });
      return new Change(version, ids);
    }
  }

  record Change(long version, Set<String> incidents) {}

  boolean closed() {
    return closed;
  }

  private void run() {
    try {
      List<TopicPartition> status = partitions(Topics.INCIDENT_STATUS.name());
      List<TopicPartition> timeline = partitions(Topics.INCIDENT_TIMELINE.name());
      List<TopicPartition> all = new ArrayList<>(status);
      all.addAll(timeline);
      consumer.assign(all);
      consumer.seekToBeginning(status);
      consumer.seekToEnd(timeline);
      while (!closed) {
        var records = consumer.poll(Duration.ofMillis(500));
        if (records.isEmpty()) {
          continue;
        }
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
          String id = new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
          ids.add(id);
          if (record.topic().equals(Topics.INCIDENT_STATUS.name())) {
            apply(id, record);
          }
        }
        synchronized (changed) {
          version++;
          for (String id : ids) {
            lastChange.remove(id);
            lastChange.put(id, version);
            if (statuses.containsKey(id)) {
              changedAt.put(id, version);
            } else {
              changedAt.remove(id);
            }
          }
          changed.notifyAll();
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("the console's incident feed stopped; live updates and the open-incident list stop until a restart", e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void apply(String id, ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      statuses.remove(id);
      return;
    }
    try {
      IncidentStatusUpdate update = Topics.INCIDENT_STATUS.valueSerde().deserializer().deserialize(record.topic(), record.value());
      statuses.put(id, new Status(id, update.getStatus(), update.getAt().toEpochMilli()));
    } catch (RuntimeException e) {
      log.warn("unreadable incident status skipped: topic={} partition={} offset={} reason={}",
          record.topic(), record.partition(), record.offset(), e.toString());
    }
  }

  private List<TopicPartition> partitions(String topic) {
    List<TopicPartition> partitions = new ArrayList<>();
    while (!closed) {
      var infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
      if (infos != null && !infos.isEmpty()) {
        infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        return partitions;
      }
    }
    return partitions;
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    synchronized (changed) {
      changed.notifyAll();
    }
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
