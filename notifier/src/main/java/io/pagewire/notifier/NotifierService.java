package io.pagewire.notifier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pagewire.notifier.channel.Channel;
import io.pagewire.notifier.channel.ChannelRegistry;
import io.pagewire.notifier.delivery.Retrier;
import io.pagewire.platform.Service;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.NotificationReceipt;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the notification requests of {@code pagewire.notification-requests} through the
 * configured channels and writes one receipt per request and channel to
 * {@code pagewire.notification-receipts}.
 *
 * <p><b>Pipeline</b> (per record, see {@link #handle}): decode, or dead-letter an unreadable
 * record; for each channel the request names, deliver with retries ({@link Retrier}); write a
 * DELIVERED or FAILED receipt, and for a failure also a dead letter with the reason and channel;
 * wait until Kafka acknowledged all of it; only then may the offset be committed.
 *
 * <p><b>Delivery guarantee: at least once per channel.</b> Offsets are committed after a batch,
 * when a partition is revoked, before each wait between retries, and on close — always only up
 * to records whose receipts Kafka acknowledged. A crash, a rebalance or a close during a
 * request therefore repeats at most the requests not yet committed (on a clean close or
 * rebalance: just the one in flight) on every channel it names, including channels that had
 * already delivered it. Receivers deduplicate on {@code X-Pagewire-Notification-Id};
 * exactly-once is not attempted here.
 *
 * <p><b>Staying in the group while retrying.</b> All delivery runs on the consumer thread.
 * While a batch is being handled every assigned partition is paused, and each wait between
 * retries polls the paused consumer, so heartbeats and rebalances go on during a ten-minute
 * retry. The longest stretch without a poll is one attempt (a webhook's timeout is capped at one
 * minute) plus waiting for the receipts' acks, well inside the default
 * {@code max.poll.interval.ms} of five minutes. A partition revoked meanwhile abandons its
 * in-flight delivery, uncommitted, for its new owner.
 *
 * <p>Requests are handled in order, one at a time: a receiver that keeps failing delays the
 * notifications behind it (by at most {@code retry.giveUpAfter} per channel).
 *
 * <p>Metrics: {@code pagewire.notifier.deliveries} (tags channel, outcome), {@code
 * pagewire.notifier.attempts} (channel), timer {@code pagewire.notifier.latency} (channel; from
 * the request's createdAt to the outcome), {@code pagewire.notifier.bad.records}.
 */
public final class NotifierService implements Service {

  private static final Logger log = LoggerFactory.getLogger(NotifierService.class);

  public static final String NAME = "notifier";
  static final String GROUP_ID = "pagewire-notifier";

  /** Dead-letter headers, as documented on {@link Topics#DEAD_LETTERS}. */
  public static final String DLQ_REASON = "pagewire.dlq.reason";
  public static final String DLQ_TOPIC = "pagewire.dlq.topic";
  public static final String DLQ_PARTITION = "pagewire.dlq.partition";
  public static final String DLQ_OFFSET = "pagewire.dlq.offset";
  public static final String DLQ_SERVICE = "pagewire.dlq.service";
  public static final String DLQ_CHANNEL = "pagewire.dlq.channel";

  /** The channel tag of requests naming a channel that is not configured: names from records must not become tags. */
  static final String UNKNOWN_CHANNEL_TAG = "unknown";

  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  private final PagewireConfig config;
  private final MeterRegistry metrics;
  private final Clock clock;
  private final Map<String, Channel> channels;
  private final Retrier retrier;
  private final Counter badRecords;

  private volatile boolean running;
  private volatile boolean joined;
  private Thread thread;
  private KafkaConsumer<byte[], byte[]> consumer;
  private KafkaProducer<byte[], byte[]> producer;

  // Owned by the consumer thread.
  private final Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
  private final Set<TopicPartition> revokedDuringBatch = new HashSet<>();
  private final List<Future<RecordMetadata>> unacked = new ArrayList<>();
  private boolean inBatch;
  private TopicPartition current;

  /**
   * Builds the channels of {@code notifier.channels}; a channel whose type is unknown or whose
   * settings do not bind fails here, with a message naming it.
   */
  public NotifierService(PagewireConfig config, MeterRegistry metrics) {
    this(config, metrics, Clock.systemUTC());
  }

  NotifierService(PagewireConfig config, MeterRegistry metrics, Clock clock) {
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    this.channels = ChannelRegistry.create(config.notifier().channels(), clock);
    this.retrier = new Retrier(config.notifier().retry(), clock, () -> ThreadLocalRandom.current().nextDouble(), metrics);
    this.badRecords = metrics.counter("pagewire.notifier.bad.records");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public synchronized void start() {
    Properties consumerProps = KafkaSettings.consumer(config, GROUP_ID, GROUP_ID);
    consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    Properties producerProps = KafkaSettings.producer(config, GROUP_ID);
    producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    consumer = new KafkaConsumer<>(consumerProps);
    producer = new KafkaProducer<>(producerProps);
    running = true;
    thread = new Thread(this::run, "pagewire-notifier");
    thread.start();
    log.info("notifier started: channels={}", channels.keySet());
  }

  /** True while the consumer thread runs and has joined its group (possibly with no partitions). */
  @Override
  public boolean ready() {
    return running && joined && thread != null && thread.isAlive();
  }

  /**
   * Stops: the delivery in flight ends at its current attempt and is not committed (it is
   * delivered again after a restart); everything acknowledged before is committed.
   */
  @Override
  public void close() {
    Thread worker;
    synchronized (this) {
      worker = thread;
      if (worker == null) {
        return;
      }
      running = false;
      consumer.wakeup();
    }
    try {
      worker.join(CLOSE_WAIT.toMillis());
      if (worker.isAlive()) {
        worker.interrupt();
        worker.join(CLOSE_WAIT.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      consumer.subscribe(List.of(Topics.NOTIFICATION_REQUESTS.name()), new Rebalance());
      while (running) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL);
        if (!batch.isEmpty()) {
          handleBatch(batch);
        }
      }
    } catch (WakeupException e) {
      // close()
    } catch (RuntimeException e) {
      log.error("notifier consumer stopped", e);
    } finally {
      try {
        commitDone();
      } catch (RuntimeException e) {
        log.warn("could not commit on close, the uncommitted requests will be delivered again: {}", e.toString());
      }
      running = false;
      consumer.close();
      producer.close();
      log.info("notifier stopped");
    }
  }

  private void handleBatch(ConsumerRecords<byte[], byte[]> batch) {
    Map<TopicPartition, Long> next = new HashMap<>();
    batch.partitions().forEach(tp -> next.put(tp, batch.records(tp).get(0).offset()));
    revokedDuringBatch.clear();
    inBatch = true;
    consumer.pause(consumer.assignment());
    try {
      for (ConsumerRecord<byte[], byte[]> record : batch) {
        if (!running) {
          break; // closing: what is left is read again after a restart
        }
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        if (revokedDuringBatch.contains(tp)) {
          continue; // its new owner reads it from the committed offset
        }
        current = tp;
        try {
          handle(record);
          done.put(tp, new OffsetAndMetadata(record.offset() + 1));
          next.put(tp, record.offset() + 1);
        } catch (Abandoned e) {
          log.info("partition revoked during delivery, leaving it to the new owner: topic={} partition={} offset={}",
              record.topic(), record.partition(), record.offset());
        }
      }
      commitDone();
    } catch (KafkaWriteFailed e) {
      log.error("cannot write receipts or dead letters, reading the batch again: {}", e.getMessage(), e.getCause());
      next.forEach((tp, offset) -> {
        if (consumer.assignment().contains(tp) && !revokedDuringBatch.contains(tp)) {
          consumer.seek(tp, offset);
        }
      });
    } finally {
      unacked.clear();
      current = null;
      inBatch = false;
      consumer.resume(consumer.assignment());
    }
  }

  /** The pipeline of one record. Returns once Kafka acknowledged all it wrote. */
  private void handle(ConsumerRecord<byte[], byte[]> record) {
    decode(record).ifPresent(request -> {
      for (String channel : request.getChannels()) {
        Retrier.Result result = deliver(request, channel);
        report(record, request, channel, result);
      }
    });
    awaitAcks();
  }

  /** Stage 1: the request, or empty after dead-lettering a record nobody can read. */
  private Optional<NotificationRequest> decode(ConsumerRecord<byte[], byte[]> record) {
    String problem;
    try {
      NotificationRequest request = Topics.NOTIFICATION_REQUESTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
      if (request != null && !request.getChannels().isEmpty()) {
        return Optional.of(request);
      }
      problem = request == null ? "empty value" : "request names no channel";
    } catch (KafkaException e) {
      problem = e.getMessage();
    }
    badRecords.increment();
    log.warn("skipping unreadable notification request: topic={} partition={} offset={} reason={}",
        record.topic(), record.partition(), record.offset(), problem);
    deadLetter(record, problem, null);
    return Optional.empty();
  }

  /** Stage 2: deliver on one channel, retrying; an unconfigured channel fails at once. */
  private Retrier.Result deliver(NotificationRequest request, String channelName) {
    Channel channel = channels.get(channelName);
    if (channel == null) {
      return Retrier.Result.failed(0, "unknown channel '" + channelName + "' (configured: "
          + String.join(", ", channels.keySet()) + ")");
    }
    return retrier.deliver(channel, request, this::waitPolling);
  }

  /** Stage 3: receipt, metrics, and a dead letter for a failure. */
  private void report(ConsumerRecord<byte[], byte[]> record, NotificationRequest request, String channel, Retrier.Result result) {
    Instant now = clock.instant();
    Duration latency = Duration.between(request.getCreatedAt(), now);
    String tag = channels.containsKey(channel) ? channel : UNKNOWN_CHANNEL_TAG;
    String outcome = result.outcome().name().toLowerCase();
    metrics.counter("pagewire.notifier.deliveries", "channel", tag, "outcome", outcome).increment();
    Timer.builder("pagewire.notifier.latency").tag("channel", tag).register(metrics)
        .record(latency.isNegative() ? Duration.ZERO : latency);
    NotificationReceipt receipt = NotificationReceipt.newBuilder()
        .setNotificationId(request.getNotificationId())
        .setIncidentId(request.getIncidentId())
        .setChannel(channel)
        .setRecipient(request.getRecipient())
        .setOutcome(result.outcome())
        .setAttempts(result.attempts())
        .setLatencyMs(latency.toMillis())
        .setReason(result.reason())
        .setAt(now)
        .build();
    String topic = Topics.NOTIFICATION_RECEIPTS.name();
    unacked.add(producer.send(new ProducerRecord<>(topic,
        Topics.NOTIFICATION_RECEIPTS.keySerde().serializer().serialize(topic, request.getIncidentId()),
        Topics.NOTIFICATION_RECEIPTS.valueSerde().serializer().serialize(topic, receipt))));
    if (result.delivered()) {
      log.info("notification delivered: notificationId={} incidentId={} channel={} attempts={} latencyMs={}",
          request.getNotificationId(), request.getIncidentId(), channel, result.attempts(), latency.toMillis());
    } else {
      log.warn("notification failed: notificationId={} incidentId={} channel={} attempts={} reason={}",
          request.getNotificationId(), request.getIncidentId(), channel, result.attempts(), result.reason());
      deadLetter(record, result.reason(), channel);
    }
  }

  /** The original bytes, with where they came from and why they are here. */
  private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, String channel) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(DLQ_REASON, utf8(reason));
    headers.add(DLQ_TOPIC, utf8(record.topic()));
    headers.add(DLQ_PARTITION, utf8(Integer.toString(record.partition())));
    headers.add(DLQ_OFFSET, utf8(Long.toString(record.offset())));
    headers.add(DLQ_SERVICE, utf8(NAME));
    if (channel != null) {
      headers.add(DLQ_CHANNEL, utf8(channel));
    }
    unacked.add(producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS.name(), null, record.key(), record.value(), headers)));
  }

  private void awaitAcks() {
    try {
      for (Future<RecordMetadata> ack : unacked) {
        ack.get();
      }
    } catch (ExecutionException e) {
      throw new KafkaWriteFailed(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WakeupException();
    } finally {
      unacked.clear();
    }
  }

  /**
   * The wait between two attempts: commits what is done, then polls the paused consumer until the
   * delay is over, so the group keeps this member. Abandons the delivery if its partition is
   * revoked meanwhile; a close ends it with {@link WakeupException}.
   */
  private void waitPolling(Duration delay) {
    commitDone();
    long until = System.nanoTime() + delay.toNanos();
    long left;
    while ((left = until - System.nanoTime()) > 0) {
      ConsumerRecords<byte[], byte[]> unexpected = consumer.poll(Duration.ofNanos(Math.min(left, POLL.toNanos())));
      // Paused partitions return nothing; should a fetch slip through, read it again later.
      unexpected.partitions().forEach(tp -> {
        consumer.seek(tp, unexpected.records(tp).get(0).offset());
        consumer.pause(List.of(tp));
      });
      if (revokedDuringBatch.contains(current)) {
        throw new Abandoned();
      }
    }
  }

  private void commitDone() {
    done.keySet().retainAll(consumer.assignment());
    if (!done.isEmpty()) {
      try {
        consumer.commitSync(done);
      } catch (KafkaException e) {
        if (e instanceof WakeupException) {
          throw e;
        }
        log.warn("commit failed, those requests will be delivered again: {}", e.toString());
      }
      done.clear();
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      commitDone();
      if (inBatch) {
        revokedDuringBatch.addAll(partitions);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      done.keySet().removeAll(partitions);
      if (inBatch) {
        revokedDuringBatch.addAll(partitions);
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      joined = true;
      if (inBatch) {
        consumer.pause(partitions);
      }
      log.info("notifier assigned partitions={}", partitions);
    }
  }

  /** Ends a delivery whose partition was revoked; nothing of it is committed. */
  private static final class Abandoned extends RuntimeException {
    Abandoned() {
      super(null, null, false, false);
    }
  }

  private static final class KafkaWriteFailed extends RuntimeException {
    KafkaWriteFailed(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }
}
