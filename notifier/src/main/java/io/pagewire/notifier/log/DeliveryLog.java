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
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier's work queue: the PENDING targets of {@code pagewire.notifier.delivery-log} for the
 * partitions it owns, each with its due time. The log holds only what is not settled: a target is
 * written PENDING when its request is read (in the transaction that commits the request's offset)
 * and tombstoned when it settles, so the compacted topic and this view stay as small as the work
 * outstanding. Entries written DONE by older versions are skipped on load.
 *
 * <p>An entry is either waiting (in the due index) or taken (being decided, queued for a channel,
 * in flight or settling); {@link #takeDue} moves due entries from the first state to the second.
 * Used by the delivery loop's thread only.
 */
public final class DeliveryLog implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DeliveryLog.class);

  /** A PENDING entry, the log partition it lives in, and when it is due (in memory: a rate limit may move it). */
  public record Pending(int partition, String key, DeliveryLogEntry entry, Instant due, boolean digest) {
    public Pending(int partition, String key, DeliveryLogEntry entry) {
      this(partition, key, entry, entry.getDueAt() != null ? entry.getDueAt() : Instant.EPOCH, entry.getDigest());
    }

    Pending dueAt(Instant at, boolean heldForDigest) {
      return new Pending(partition, key, entry, at, heldForDigest);
    }
  }

  private record Due(Instant at, String key) implements Comparable<Due> {
    @Override
    public int compareTo(Due o) {
      int c = at.compareTo(o.at);
      return c != 0 ? c : key.compareTo(o.key);
    }
  }

  private final PagewireConfig config;
  private final String clientId;
  private final Map<String, Pending> entries = new HashMap<>();
  private final TreeSet<Due> waiting = new TreeSet<>();

  public DeliveryLog(PagewireConfig config, String clientId) {
    this.config = config;
    this.clientId = clientId;
  }

  /**
   * Reads these log partitions from the beginning to their last committed record and adds their
   * PENDING entries, due as written.
   *
   * @throws KafkaException when the log cannot be read; nothing of these partitions is kept
   */
  public void load(Collection<Integer> numbers) {
    String topic = Topics.NOTIFIER_DELIVERY_LOG.name();
    List<TopicPartition> wanted = numbers.stream().map(n -> new TopicPartition(topic, n)).toList();
    if (wanted.isEmpty()) {
      return;
    }
    Properties props = KafkaSettings.common(config, clientId);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    Map<String, Pending> read = new HashMap<>();
    int records = 0;
    KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(props);
    try {
      reader.assign(wanted);
      reader.seekToBeginning(wanted);
      Map<TopicPartition, Long> end = reader.endOffsets(wanted);
      while (end.entrySet().stream().anyMatch(e -> reader.position(e.getKey()) < e.getValue())) {
        for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(100))) {
          records++;
          String key = Topics.NOTIFIER_DELIVERY_LOG.keySerde().deserializer().deserialize(topic, record.key());
          try {
            DeliveryLogEntry entry = Topics.NOTIFIER_DELIVERY_LOG.valueSerde().deserializer().deserialize(topic, record.value());
            if (entry == null || entry.getState() != DeliveryLogState.PENDING || entry.getRequest() == null) {
              read.remove(key);
            } else {
              read.put(key, new Pending(record.partition(), key, entry));
            }
          } catch (KafkaException e) {
            log.warn("skipping unreadable delivery log record: topic={} partition={} offset={} reason={}",
                topic, record.partition(), record.offset(), e.getMessage());
          }
        }
      }
    } finally {
      // A reader without a group has nothing to commit; a plain close() would wait for its fetch
      // session's last round trip (up to fetch.max.wait.ms, ~0.5 s) before the first page.
      reader.close(Duration.ZERO);
    }
    read.values().forEach(this::put);
    log.info("delivery log loaded: partitions={} records={} pending={}", numbers, records, read.size());
  }

  /** Forgets every entry of these partitions (revoked, or to be read again). */
  public void drop(Collection<Integer> numbers) {
    List<String> gone = new ArrayList<>();
    entries.forEach((key, p) -> {
      if (numbers.contains(p.partition())) {
        gone.add(key);
      }
    });
    gone.forEach(this::remove);
  }

  /** Adds or replaces an entry, waiting until its due time. */
  public void put(Pending pending) {
    remove(pending.key());
    entries.put(pending.key(), pending);
    waiting.add(new Due(pending.due(), pending.key()));
  }

  /** Puts a taken entry back to wait until {@code at}; {@code digest}: it was held by a rate limit. */
  public void hold(Pending pending, Instant at, boolean digest) {
    if (entries.containsKey(pending.key())) {
      put(pending.dueAt(at, digest));
    }
  }

  /** Settled: gone from the view (its tombstone is committed). */
  public void remove(String key) {
    Pending old = entries.remove(key);
    if (old != null) {
      waiting.remove(new Due(old.due(), key));
    }
  }

  public boolean contains(String key) {
    return entries.containsKey(key);
  }

  /** Present and taken: being decided, queued for its channel, in flight or settling. */
  public boolean taken(String key) {
    Pending p = entries.get(key);
    return p != null && !waiting.contains(new Due(p.due(), key));
  }

  /** Takes up to {@code limit} entries due at {@code now}, earliest first; they stay in the view until settled or held again. */
  public List<Pending> takeDue(Instant now, int limit) {
    List<Pending> due = new ArrayList<>();
    while (due.size() < limit && !waiting.isEmpty() && !waiting.first().at().isAfter(now)) {
      due.add(entries.get(waiting.pollFirst().key()));
    }
    return due;
  }

  /** When the next waiting entry is due, or null. */
  public Instant nextDue() {
    return waiting.isEmpty() ? null : waiting.first().at();
  }

  /** Every entry held, waiting or taken: what bounds the view's memory. */
  public int size() {
    return entries.size();
  }

  public int waitingCount() {
    return waiting.size();
  }

  /** The log key of a notification's target: {@link Ids#deliveryLogKey}. */
  public static String key(String notificationId, String target) {
    return Ids.deliveryLogKey(notificationId, target);
  }

  @Override
  public void close() {
    // the reader is opened per load
  }
}
