package io.pagewire.platform.kafka.replay;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads topics from a point in time up to where they ended when the replay started, without
 * disturbing anyone: partitions are assigned (no consumer group, so no rebalance of the live
 * services and nothing committed), the start is found with {@code offsetsForTimes}, only
 * committed records are read ({@code read_committed}), and records written after the start are
 * not read, so a report describes one consistent cut of the log.
 *
 * <p>A record whose value cannot be decoded is skipped, counted in {@link Result#skipped()} and
 * logged with topic, partition and offset; it is not dead-lettered, since the replay must write
 * nothing (the service that consumed it has dead-lettered it already).
 */
public final class TopicReplay {

  private static final Logger log = LoggerFactory.getLogger(TopicReplay.class);
  private static final Duration POLL = Duration.ofMillis(200);
  /** A replay that reads nothing for this long while records remain is stuck: give up loudly. */
  private static final Duration STALL = Duration.ofSeconds(60);
  /** Polled batches waiting to be decoded (each at most max.poll.records). */
  private static final int IN_FLIGHT = 2;

  /** Receives each decoded value with its record timestamp, in offset order within a partition. */
  @FunctionalInterface
  public interface Handler {
    void accept(String topic, long timestamp, Object value);
  }

  /**
   * @param read records handed to the handler
   * @param skipped records whose value could not be decoded
   */
  public record Result(long read, long skipped) {}

  private final Properties properties;

  public TopicReplay(PagewireConfig config) {
    properties = consumerProperties(config);
  }

  /** The replay's consumer settings: no group, read_committed, large fetches. */
  public static Properties consumerProperties(PagewireConfig config) {
    Properties properties = KafkaSettings.common(config, "pagewire-report");
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Asking about a topic must not create it on a broker that auto-creates topics.
    properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    // Fetched bytes are held until decoded: enough for throughput, small beside a 256 MiB heap.
    properties.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024);
    properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
    properties.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
    return properties;
  }

  /**
   * Replays {@code topics} from {@code from} (null: from the beginning) to their current end.
   *
   * <p>Two threads share the work: a fetch thread owns the consumer and polls, while the calling
   * thread decodes and hands values to {@code handler} (so the handler needs no locking). At most
   * {@link #IN_FLIGHT} polled batches wait between them, so memory is bounded by the batch size
   * whatever the number of records.
   *
   * @param key when not null, only the partition this key is produced to (Kafka's default
   *     partitioner) is read, and only records with this key are handed on
   */
  public Result replay(List<Topic<String, ?>> topics, Instant from, String key, Progress progress, Handler handler) {
    Map<String, Deserializer<?>> decoders = new HashMap<>();
    topics.forEach(topic -> decoders.put(topic.name(), topic.valueSerde().deserializer()));
    BlockingQueue<Batch> batches = new ArrayBlockingQueue<>(IN_FLIGHT);
    Fetch fetch = new Fetch(topics, from, key, progress, batches);
    Thread thread = new Thread(fetch, "pagewire-report-fetch");
    thread.setDaemon(true);
    thread.start();
    long read = 0;
    long skipped = 0;
    byte[] wanted = key != null ? key.getBytes(StandardCharsets.UTF_8) : null;
    boolean ended = false;
    try {
      while (true) {
        Batch batch = batches.take();
        if (batch.failure != null) {
          throw batch.failure;
        }
        if (batch.records == null) {
          ended = true;
          break;
        }
        for (TopicPartition tp : batch.records.partitions()) {
          long stop = batch.end.get(tp);
          Deserializer<?> decoder = decoders.get(tp.topic());
          for (ConsumerRecord<byte[], byte[]> record : batch.records.records(tp)) {
            if (record.offset() >= stop) {
              break;
            }
            if (wanted != null && !Arrays.equals(wanted, record.key())) {
              continue;
            }
            Object value = decode(decoder, record);
            if (value == null) {
              skipped++;
            } else {
              read++;
              handler.accept(tp.topic(), record.timestamp(), value);
            }
          }
        }
        progress.advance(batch.records.count());
      }
      progress.finish();
      return new Result(read, skipped);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("replay interrupted", e);
    } finally {
      if (!ended) {
        fetch.stop();
        thread.interrupt();
      } // else the fetch thread is closing its consumer, and then ends
    }
  }

  /** Polled records, with the end offsets not to read past; no records: the end; or why it failed. */
  private record Batch(ConsumerRecords<byte[], byte[]> records, Map<TopicPartition, Long> end, RuntimeException failure) {}

  /** Owns the consumer: assigns, seeks, polls until every partition reached its end offset. */
  private final class Fetch implements Runnable {
    private final List<Topic<String, ?>> topics;
    private final Instant from;
    private final String key;
    private final Progress progress;
    private final BlockingQueue<Batch> batches;
    private volatile boolean stopped;

    Fetch(List<Topic<String, ?>> topics, Instant from, String key, Progress progress, BlockingQueue<Batch> batches) {
      this.topics = topics;
      this.from = from;
      this.key = key;
      this.progress = progress;
      this.batches = batches;
    }

    void stop() {
      stopped = true;
    }

    @Override
    public void run() {
      Batch last;
      try {
        fetch();
        return; // the end was handed on before the consumer closed
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        last = new Batch(null, null, new IllegalStateException("cannot reach Kafka at "
            + properties.get("bootstrap.servers") + ": " + e.getMessage(), e));
      } catch (org.apache.kafka.common.errors.InterruptException e) {
        return; // the caller stopped the replay
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        last = new Batch(null, null, e);
      }
      try {
        batches.put(last);
      } catch (InterruptedException e) {
        // the caller is gone
      }
    }

    private void fetch() throws InterruptedException {
      try (KafkaConsumer<byte[], byte[]> consumer =
               new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (Topic<String, ?> topic : topics) {
          List<PartitionInfo> infos = consumer.partitionsFor(topic.name());
          if (infos == null || infos.isEmpty()) {
            log.warn("topic {} does not exist; replaying it as empty", topic.name());
            continue;
          }
          if (key != null) {
            int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % infos.size();
            partitions.add(new TopicPartition(topic.name(), partition));
          } else {
            infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
          }
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> start = startOffsets(consumer, partitions, from, end);
        Set<TopicPartition> remaining = new HashSet<>();
        long total = 0;
        for (TopicPartition tp : partitions) {
          consumer.seek(tp, start.get(tp));
          if (start.get(tp) < end.get(tp)) {
            remaining.add(tp);
            total += end.get(tp) - start.get(tp);
          }
        }
        consumer.pause(partitions.stream().filter(tp -> !remaining.contains(tp)).toList());
        progress.start(total);
        long lastAdvance = System.nanoTime();
        while (!remaining.isEmpty() && !stopped) {
          ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
          if (!records.isEmpty()) {
            batches.put(new Batch(records, end, null));
          }
          List<TopicPartition> finished = new ArrayList<>();
          for (TopicPartition tp : remaining) {
            if (consumer.position(tp) >= end.get(tp)) {
              finished.add(tp);
            }
          }
          finished.forEach(remaining::remove);
          consumer.pause(finished);
          if (!records.isEmpty() || !finished.isEmpty()) {
            lastAdvance = System.nanoTime();
          } else if (System.nanoTime() - lastAdvance > STALL.toNanos()) {
            throw new IllegalStateException("replay made no progress for " + STALL.toSeconds() + "s; still to read: "
                + remaining);
          }
        }
        // The end goes out before the consumer closes: closing waits for the fetch sessions'
        // last round trip (up to fetch.max.wait.ms, ~0.5 s), which the replay need not wait for.
        batches.put(new Batch(null, null, null));
      }
    }
  }

  private static Map<TopicPartition, Long> startOffsets(KafkaConsumer<byte[], byte[]> consumer,
      Collection<TopicPartition> partitions, Instant from, Map<TopicPartition, Long> end) {
    if (from == null) {
      return consumer.beginningOffsets(partitions);
    }
    Map<TopicPartition, Long> times = new HashMap<>();
    partitions.forEach(tp -> times.put(tp, from.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times);
    Map<TopicPartition, Long> start = new HashMap<>();
    for (TopicPartition tp : partitions) {
      OffsetAndTimestamp offset = found.get(tp);
      // No record at or after the time: nothing to read there.
      start.put(tp, offset != null ? Math.min(offset.offset(), end.get(tp)) : end.get(tp));
    }
    return start;
  }

  private static Object decode(Deserializer<?> decoder, ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      log.warn("skipping record without value: topic={} partition={} offset={}",
          record.topic(), record.partition(), record.offset());
      return null;
    }
    try {
      return decoder.deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      log.warn("skipping undecodable record: topic={} partition={} offset={} reason={}",
          record.topic(), record.partition(), record.offset(), e.getMessage());
      return null;
    }
  }
}
