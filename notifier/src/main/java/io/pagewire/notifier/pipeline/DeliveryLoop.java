package io.pagewire.notifier.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pagewire.notifier.log.DeliveryLog;
import io.pagewire.notifier.log.DeliveryLog.Pending;
import io.pagewire.notifier.people.Target;
import io.pagewire.notifier.people.Targets;
import io.pagewire.notifier.status.StatusView;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.DeliveryOutcome;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of the notifier, on one thread: reads requests, owns the assignment, the
 * transactions and the offsets, and drives the other stages.
 *
 * <p>Each turn: (1) <b>intake</b> — every target of every new request becomes a PENDING
 * delivery-log entry, written in the transaction that commits the request's offset, so the log is
 * the work queue and nothing is sent before it is recorded; (2) the attempts that ended are
 * judged by the {@link Dispatcher} — delivered, a retry that waits in the log with its next
 * attempt time, or failed (dead letter, next contact method); (3) the due entries are decided by
 * the {@link Dispatcher} — suppress, fail, hold for a digest, or send; (4) messages are handed to
 * their channel's {@link Lanes lane} after a last status re-check; (5) everything the turn
 * produced is committed in one transaction ({@link Outcomes} builds the records): settled
 * targets are tombstoned, so the log holds only work outstanding.
 *
 * <p><b>At most one repeat per in-flight message.</b> What cannot be closed is the window between
 * a receiver accepting a message and the transaction with its outcome committing; a lane's slot
 * is freed only after that commit, so a crash repeats at most {@code notifier.delivery.concurrency}
 * messages per channel. A failed transaction repeats none: the outcomes are kept and written
 * again in the next one, with a new producer if need be; only an outage long enough for the group
 * to take the partitions away repeats what was in flight then (the log is read again).
 *
 * <p><b>Never stalls.</b> No exception ends the loop: a failed transaction is retried with
 * backoff, a log partition that cannot be read is read again, a producer in a fatal state is
 * replaced. {@link #healthy} turns false when a turn has not completed for
 * {@code notifier.delivery.stallTimeout}. When the delivery log holds
 * {@code notifier.delivery.maxPending} entries, new requests wait in Kafka.
 */
public final class DeliveryLoop implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(DeliveryLoop.class);

  private static final Duration IDLE_POLL = Duration.ofMillis(100);
  private static final Duration BUSY_POLL = Duration.ofMillis(5);
  private static final int DUE_PER_TURN = 2000;
  private static final int LOG_RETRY_EVERY = 10;

  private final PagewireConfig config;
  private final Supplier<KafkaConsumer<byte[], byte[]>> consumers;
  private final Supplier<KafkaProducer<byte[], byte[]>> producers;
  private final DeliveryLog deliveryLog;
  private final StatusView status;
  private final Dispatcher dispatcher;
  private final Targets targets;
  private final Outcomes outcomes;
  private final Lanes lanes;
  private final Clock clock;
  private final Counter badRecords;
  private final Counter kafkaFailures;
  private final int maxPending;
  private final long stallNanos;

  private volatile boolean running = true;
  private volatile boolean joined;
  private volatile long lastTurnNanos = System.nanoTime();

  // Owned by the loop's thread.
  private KafkaConsumer<byte[], byte[]> consumer;
  private KafkaProducer<byte[], byte[]> producer;
  private final Set<TopicPartition> assigned = new HashSet<>();
  private final Set<TopicPartition> unloaded = new HashSet<>();
  private final Set<TopicPartition> paused = new HashSet<>();
  private final List<Staged> settling = new ArrayList<>();
  private final Intake intake = new Intake();
  private int failures;
  private long retryAtNanos;

  /** Records of settled work and what to do once they are committed; written again after a failed transaction. */
  private record Staged(int partition, List<ProducerRecord<byte[], byte[]>> records, Runnable committed, String channel) {}

  /** New requests read this turn; dropped and read again after a failed transaction. */
  private static final class Intake {
    final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    final List<Pending> pending = new ArrayList<>();
    final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    final Map<TopicPartition, Long> first = new HashMap<>();

    boolean isEmpty() {
      return offsets.isEmpty() && records.isEmpty();
    }

    void clear() {
      records.clear();
      pending.clear();
      offsets.clear();
      first.clear();
    }
  }

  public DeliveryLoop(PagewireConfig config, Supplier<KafkaConsumer<byte[], byte[]>> consumers,
                      Supplier<KafkaProducer<byte[], byte[]>> producers, DeliveryLog deliveryLog, StatusView status,
                      Dispatcher dispatcher, Targets targets, Outcomes outcomes, Lanes lanes, Clock clock, MeterRegistry metrics) {
    this.config = config;
    this.consumers = consumers;
    this.producers = producers;
    this.deliveryLog = deliveryLog;
    this.status = status;
    this.dispatcher = dispatcher;
    this.targets = targets;
    this.outcomes = outcomes;
    this.lanes = lanes;
    this.clock = clock;
    this.badRecords = metrics.counter("pagewire.notifier.bad.records");
    this.kafkaFailures = metrics.counter("pagewire.notifier.kafka.failures");
    this.maxPending = config.notifier().delivery().maxPending();
    this.stallNanos = config.notifier().delivery().stallTimeout().toNanos();
    metrics.gauge("pagewire.notifier.pending", deliveryLog, DeliveryLog::size);
  }

  /** Joined its group, read the log of its partitions, and completed a turn within {@code stallTimeout}. */
  public boolean healthy() {
    return running && joined && System.nanoTime() - lastTurnNanos < stallNanos;
  }

  /** Running and joined, but no turn completed within {@code stallTimeout}: stuck. */
  public boolean stalled() {
    return running && joined && System.nanoTime() - lastTurnNanos >= stallNanos;
  }

  public boolean joined() {
    return joined;
  }

  public void stop() {
    running = false;
  }

  @Override
  public void run() {
    try {
      while (running && !status.ready()) {
        Thread.sleep(10);
      }
      while (running) {
        turn();
      }
      finish();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      log.error("notifier delivery loop ended unexpectedly", e);
      running = false;
    } finally {
      closeClients();
      log.info("notifier stopped");
    }
  }

  /** One turn; any failure is logged and the next turn tries again after a backoff. */
  private void turn() {
    try {
      if (System.nanoTime() < retryAtNanos) {
        Thread.sleep(Math.min(50, (retryAtNanos - System.nanoTime()) / 1_000_000 + 1));
        return;
      }
      ensureClients();
      loadUnloaded();
      poll();
      Instant now = clock.instant();
      lanes.ended().forEach(attempt -> judge(attempt, now));
      for (Dispatcher.Decision decision : dispatcher.decide(deliveryLog.takeDue(now, DUE_PER_TURN), status::get, now)) {
        apply(decision, now);
      }
      for (Dispatcher.Send refused : lanes.pump(this::suppressedNow)) {
        refused.items().forEach(p -> deliveryLog.hold(p, now, p.digest()));
      }
      commit();
      failures = 0;
      lastTurnNanos = System.nanoTime();
    } catch (WakeupException e) {
      // stop()
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } catch (KafkaException | IllegalStateException e) {
      failed(e);
    }
  }

  private void ensureClients() {
    if (producer == null) {
      producer = producers.get();
      producer.initTransactions();
    }
    if (consumer == null) {
      consumer = consumers.get();
      consumer.subscribe(List.of(Topics.NOTIFICATION_REQUESTS.name()), new Rebalance());
    }
  }

  private void loadUnloaded() {
    if (unloaded.isEmpty()) {
      return;
    }
    List<TopicPartition> partitions = List.copyOf(unloaded);
    deliveryLog.load(partitions.stream().map(TopicPartition::partition).toList());
    unloaded.removeAll(partitions);
    joined = true;
  }

  private void poll() {
    Set<TopicPartition> wantPaused = new HashSet<>(unloaded);
    if (deliveryLog.size() >= maxPending) {
      wantPaused.addAll(assigned);
    }
    Set<TopicPartition> resume = new HashSet<>(paused);
    resume.removeAll(wantPaused);
    wantPaused.retainAll(assigned);
    if (!resume.isEmpty()) {
      consumer.resume(resume);
    }
    if (!wantPaused.isEmpty()) {
      consumer.pause(wantPaused);
    }
    paused.clear();
    paused.addAll(wantPaused);
    ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout());
    Instant now = clock.instant();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      TopicPartition tp = new TopicPartition(record.topic(), record.partition());
      if (assigned.contains(tp) && !unloaded.contains(tp)) {
        take(record, tp, now);
      }
    }
  }

  private Duration pollTimeout() {
    if (lanes.hasWork() || !settling.isEmpty()) {
      return BUSY_POLL;
    }
    Instant next = deliveryLog.nextDue();
    if (next == null) {
      return IDLE_POLL;
    }
    long millis = Duration.between(clock.instant(), next).toMillis();
    return Duration.ofMillis(Math.max(0, Math.min(IDLE_POLL.toMillis(), millis)));
  }

  /** Stage 1: a request becomes PENDING entries, one per target, in the transaction that commits its offset. */
  private void take(ConsumerRecord<byte[], byte[]> record, TopicPartition tp, Instant now) {
    intake.first.putIfAbsent(tp, record.offset());
    intake.offsets.put(tp, new OffsetAndMetadata(record.offset() + 1));
    NotificationRequest request = decode(record);
    if (request == null) {
      return;
    }
    List<Target> planned = targets.of(request);
    if (planned.isEmpty()) {
      String reason = "recipient '" + request.getRecipient() + "' is not a configured user and the request names no channel";
      Target none = new Target(request.getRecipient(), Outcomes.UNKNOWN_CHANNEL_TAG, null, Duration.ZERO, null, null);
      intake.records.addAll(outcomes.undeliverable(request, none, reason, record.topic(), record.partition(), record.offset(),
          record.key(), record.value(), now));
      return;
    }
    for (Target target : planned) {
      Pending pending = outcomes.pending(record.partition(), request, target, request.getCreatedAt().plus(target.after()), now);
      if (deliveryLog.contains(pending.key())) {
        continue; // the same notification again: its target is already pending
      }
      intake.records.add(outcomes.write(pending));
      intake.pending.add(pending);
    }
  }

  private NotificationRequest decode(ConsumerRecord<byte[], byte[]> record) {
    String problem;
    try {
      NotificationRequest request = Topics.NOTIFICATION_REQUESTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
      if (request != null) {
        return request;
      }
      problem = "empty value";
    } catch (KafkaException e) {
      problem = e.getMessage();
    }
    badRecords.increment();
    log.warn("skipping unreadable notification request: topic={} partition={} offset={} reason={}",
        record.topic(), record.partition(), record.offset(), problem);
    intake.records.add(outcomes.deadLetter(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
        problem == null ? "unreadable" : problem, null));
    return null;
  }

  /** Stage 3: what the dispatcher decided for due entries. */
  private void apply(Dispatcher.Decision decision, Instant now) {
    if (decision instanceof Dispatcher.Send send) {
      lanes.offer(send);
    } else if (decision instanceof Dispatcher.Hold hold) {
      hold.items().forEach(p -> deliveryLog.hold(p, hold.until(), true));
    } else if (decision instanceof Dispatcher.Settle settle) {
      Map<Pending, Target> fallbacks = settle.outcome() == DeliveryOutcome.FAILED
          ? dispatcher.fallbacks(settle.items(), settle.target()) : Map.of();
      stage(settle.items(), settle.target(), settle.outcome(), 0, settle.reason(), fallbacks, null, now);
    }
  }

  /** The last re-check, as a message is handed to its channel: an acknowledgement may have come while it waited for a slot. */
  private boolean suppressedNow(Dispatcher.Send send) {
    return send.items().stream().anyMatch(p -> !deliveryLog.contains(p.key())
        || Dispatcher.suppression(p.entry().getRequest(), status.get(p.entry().getIncidentId())).isPresent());
  }

  /** Stage 2: an attempt ended. */
  private void judge(Lanes.Attempt attempt, Instant now) {
    Dispatcher.Send send = attempt.send();
    String channel = send.target().channel();
    List<Pending> live = send.items().stream().filter(p -> deliveryLog.contains(p.key())).toList();
    if (live.isEmpty()) {
      lanes.release(channel); // its partition moved to another instance, which sends it again
      return;
    }
    Dispatcher.Send current = live.size() == send.items().size() ? send : new Dispatcher.Send(live, send.target(), send.message());
    Dispatcher.Next next = dispatcher.afterAttempt(current, attempt.delivery(), attempt.startedAt(), now,
        ThreadLocalRandom.current().nextDouble());
    if (next instanceof Dispatcher.Done done) {
      stage(live, send.target(), done.outcome(), done.attempts(), done.reason(), done.fallbacks(), channel, now);
    } else if (next instanceof Dispatcher.Retry retry) {
      List<Pending> waiting = live.stream()
          .map(p -> outcomes.retry(p, retry.at(), retry.attempts(), retry.firstAttemptAt(), retry.reason(), now)).toList();
      NotificationRequest request = live.get(0).entry().getRequest();
      if (retry.attempts() == 1 || retry.attempts() % LOG_RETRY_EVERY == 0) {
        log.warn("delivery attempt failed, will retry: notificationId={} incidentId={} channel={} attempt={} reason={} retryAt={}",
            request.getNotificationId(), request.getIncidentId(), channel, retry.attempts(), retry.reason(), retry.at());
      } else {
        log.debug("delivery attempt failed again, will retry: notificationId={} channel={} attempt={} reason={} retryAt={}",
            request.getNotificationId(), channel, retry.attempts(), retry.reason(), retry.at());
      }
      settling.add(new Staged(live.get(0).partition(), waiting.stream().map(outcomes::write).toList(),
          () -> waiting.forEach(deliveryLog::put), channel));
    }
  }

  private void stage(List<Pending> items, Target target, DeliveryOutcome outcome, int attempts, String reason,
                     Map<Pending, Target> fallbacks, String slot, Instant now) {
    int digestSize = items.size() > 1 ? items.size() : 0;
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(outcomes.settled(items, target, outcome, attempts, reason, digestSize, now));
    List<Pending> next = new ArrayList<>();
    fallbacks.forEach((pending, fallback) -> {
      NotificationRequest request = pending.entry().getRequest();
      log.info("falling back to the next contact method: notificationId={} from={} to={}",
          request.getNotificationId(), target.key(), fallback.key());
      Pending p = outcomes.pending(pending.partition(), request, fallback, now, now);
      // A method that a later rule would reach anyway is brought forward: it is due now.
      if (!deliveryLog.taken(p.key())) {
        next.add(p);
        records.add(outcomes.write(p));
      }
    });
    settling.add(new Staged(items.get(0).partition(), records, () -> {
      items.forEach(p -> deliveryLog.remove(p.key()));
      next.forEach(deliveryLog::put);
    }, slot));
  }

  /** Stage 5: one transaction with everything this turn produced and the offsets of the requests taken. */
  private void commit() {
    if (settling.isEmpty() && intake.isEmpty()) {
      return;
    }
    producer.beginTransaction();
    for (Staged staged : settling) {
      staged.records().forEach(producer::send);
    }
    intake.records.forEach(producer::send);
    if (!intake.offsets.isEmpty()) {
      producer.sendOffsetsToTransaction(Map.copyOf(intake.offsets), consumer.groupMetadata());
    }
    producer.commitTransaction();
    for (Staged staged : settling) {
      staged.committed().run();
      if (staged.channel() != null) {
        lanes.release(staged.channel());
      }
    }
    settling.clear();
    intake.pending.forEach(deliveryLog::put);
    intake.clear();
  }

  /**
   * A turn failed: the producer is replaced (a new one aborts whatever the old one left open),
   * the requests taken this turn are read again, the settled work stays staged for the next
   * transaction, and the next turn waits a backoff (100 ms doubling to 5 s).
   */
  private void failed(RuntimeException e) {
    failures++;
    kafkaFailures.increment();
    long backoffMillis = Math.min(5_000, 100L << Math.min(failures - 1, 6));
    if (failures == 1 || failures % LOG_RETRY_EVERY == 0) {
      log.warn("notifier turn failed, retrying in {} ms: failures={} settledWaiting={} reason={}", backoffMillis, failures,
          settling.size(), e.toString());
    } else {
      log.debug("notifier turn failed again: failures={} reason={}", failures, e.toString());
    }
    retryAtNanos = System.nanoTime() + backoffMillis * 1_000_000;
    closeProducer();
    rewindIntake();
    if (e instanceof FencedInstanceIdException || failures % 20 == 0) {
      closeConsumer(); // a new member takes the partitions back and reads their log again
    }
  }

  private void closeConsumer() {
    if (consumer == null) {
      return;
    }
    Set<TopicPartition> all = new HashSet<>(assigned);
    new Rebalance().forget(all);
    try {
      consumer.close(Duration.ZERO);
    } catch (RuntimeException e) {
      log.debug("consumer did not close cleanly", e);
    }
    consumer = null;
  }

  private void rewindIntake() {
    if (consumer != null) {
      intake.first.forEach((tp, offset) -> {
        if (assigned.contains(tp)) {
          try {
            consumer.seek(tp, offset);
          } catch (IllegalStateException e) {
            // no longer assigned: its new owner reads it from the committed offset
          }
        }
      });
    }
    intake.clear();
  }

  private void closeProducer() {
    if (producer != null) {
      try {
        producer.close(Duration.ZERO);
      } catch (RuntimeException e) {
        log.debug("producer did not close cleanly", e);
      }
      producer = null;
    }
  }

  /** Stopping: the attempts in flight end (the lanes wait for them), their outcomes are committed if Kafka allows. */
  private void finish() {
    lanes.close();
    Instant now = clock.instant();
    try {
      lanes.ended().forEach(attempt -> judge(attempt, now));
      if (producer != null && consumer != null) {
        commit();
      }
    } catch (RuntimeException e) {
      log.warn("could not commit the last outcomes on close, those messages may be sent again: {}", e.toString());
    }
  }

  private void closeClients() {
    lanes.close();
    closeProducer();
    closeConsumer();
  }

  /** Interrupts a poll to stop. */
  public void wakeup() {
    KafkaConsumer<byte[], byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      // Keep what has been sent, so the new owner does not send it again.
      try {
        if (producer != null) {
          commit();
        }
      } catch (KafkaException | IllegalStateException e) {
        log.warn("could not commit outcomes before giving up partitions {}: {}", partitions, e.toString());
        closeProducer();
        rewindIntake();
        Set<Integer> gone = new HashSet<>();
        partitions.forEach(tp -> gone.add(tp.partition()));
        settling.removeIf(staged -> {
          if (gone.contains(staged.partition())) {
            if (staged.channel() != null) {
              lanes.release(staged.channel());
            }
            return true;
          }
          return false;
        });
      }
      forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      log.warn("notifier lost partitions {}: their unsettled targets are sent by their new owner", partitions);
      rewindIntake();
      forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      assigned.addAll(partitions);
      unloaded.addAll(partitions);
      consumer.pause(partitions);
      paused.addAll(partitions);
      if (!partitions.isEmpty()) {
        log.info("notifier assigned partitions={}", partitions);
      }
      if (assigned.isEmpty()) {
        joined = true;
      }
    }

    private void forget(Collection<TopicPartition> partitions) {
      Set<Integer> gone = new HashSet<>();
      partitions.forEach(tp -> gone.add(tp.partition()));
      assigned.removeAll(partitions);
      unloaded.removeAll(partitions);
      paused.removeAll(partitions);
      lanes.dropWaiting(send -> gone.contains(send.items().get(0).partition()));
      deliveryLog.drop(gone);
    }
  }
}
