package io.pagewire.notifier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pagewire.notifier.channel.Channel;
import io.pagewire.notifier.channel.ChannelRegistry;
import io.pagewire.notifier.channel.Message;
import io.pagewire.notifier.delivery.RateLimiter;
import io.pagewire.notifier.delivery.Retrier;
import io.pagewire.notifier.log.DeliveryLog;
import io.pagewire.notifier.log.IncidentStates;
import io.pagewire.notifier.people.Target;
import io.pagewire.notifier.people.Targets;
import io.pagewire.notifier.template.Templates;
import io.pagewire.platform.Service;
import io.pagewire.platform.config.ConfigException;
import io.pagewire.platform.config.Durations;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.DeliveryLogEntry;
import io.pagewire.schemas.DeliveryLogState;
import io.pagewire.schemas.DeliveryOutcome;
import io.pagewire.schemas.Ids;
import io.pagewire.schemas.NotificationKind;
import io.pagewire.schemas.NotificationReceipt;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
import io.pagewire.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
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
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the notification requests of {@code pagewire.notification-requests}: to the channels a
 * request names, or to the user it names through that user's contact methods and notification
 * rules. Writes a receipt to {@code pagewire.notification-receipts} and a timeline event
 * (NOTIFIED, NOTIFICATION_FAILED, NOTIFICATION_SUPPRESSED) to {@code pagewire.incident-timeline}
 * for every notification and target.
 *
 * <p><b>Pipeline</b> per request ({@link #handle}): decode (unreadable: dead letter) → targets
 * ({@link Targets}) → per target: skip if the delivery log has it → hold it (PENDING) if a rule
 * delays it → suppress it if the incident is acknowledged or resolved ({@link IncidentStates}) →
 * hold it for a digest if a rate limit is reached ({@link RateLimiter}) → send with retries
 * ({@link Retrier}) → on a final failure, dead letter and fall back to the user's next contact
 * method. Held targets are swept between polls ({@link #fireDue}): those due are re-checked and
 * sent, the rate-limited ones of one recipient and channel bundled into one digest.
 *
 * <p><b>Exactly once, up to one in-flight send.</b> Every outcome is written in one Kafka
 * transaction together with its {@code DeliveryLogEntry} (compacted
 * {@code pagewire.notifier.delivery-log}, key {@code notificationId|target}) and, once the whole
 * request is settled, the request's offset. The log is read back whenever partitions are
 * assigned, and a target already DONE is never sent again; a PENDING one is resumed. What cannot
 * be closed is the window between a receiver accepting a message and the transaction committing:
 * a crash there sends that one message again after restart. One target is sent at a time, so a
 * crash repeats at most one message (PagerDuty merges it by {@code dedup_key}; webhook receivers
 * drop it by {@code X-Pagewire-Notification-Id}). The transactional id is fixed per instance
 * ({@code notifier.instanceId}), so a restarted instance fences and aborts its predecessor's
 * open transaction at once.
 *
 * <p>Retries keep the consumer in its group: partitions are paused while deliveries run and each
 * wait between attempts polls the paused consumer. No transaction is open during a send.
 *
 * <p>Metrics: {@code pagewire.notifier.deliveries} (channel, outcome), {@code
 * pagewire.notifier.attempts} (channel), timer {@code pagewire.notifier.latency} (channel),
 * {@code pagewire.notifier.bad.records}, {@code pagewire.notifier.digests} (channel).
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
  private final Templates templates;
  private final Targets targets;
  private final RateLimiter limiter;
  private final Counter badRecords;

  private volatile boolean running;
  private volatile boolean joined;
  private Thread thread;
  private KafkaConsumer<byte[], byte[]> consumer;
  private KafkaProducer<byte[], byte[]> producer;
  private IncidentStates states;
  private DeliveryLog deliveryLog;

  // Owned by the consumer thread.
  private final Set<TopicPartition> revoked = new HashSet<>();
  private boolean paused;
  private boolean inTransaction;
  private TopicPartition current;

  /**
   * Builds the channels of {@code notifier.channels}, the templates and the users' targets; a
   * channel whose type is unknown or whose settings do not bind, a template that does not parse,
   * or a contact method naming an unknown channel fails here, naming it.
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
    this.templates = new Templates(config.notifier().templates());
    this.targets = new Targets(config.users());
    this.limiter = new RateLimiter(config.notifier().perPerson(), config.notifier().perChannel());
    this.badRecords = metrics.counter("pagewire.notifier.bad.records");
    config.users().forEach((id, user) -> user.contactMethods().forEach(method -> {
      if (!channels.containsKey(method.channel())) {
        throw new ConfigException("users." + id + ".contactMethods." + method.name() + ": unknown channel '"
            + method.channel() + "' (configured: " + String.join(", ", channels.keySet()) + ")");
      }
    }));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public synchronized void start() {
    String instance = config.notifier().instanceId();
    Properties consumerProps = KafkaSettings.consumer(config, GROUP_ID + "-" + instance, GROUP_ID);
    consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    // Static membership: a restarted instance takes its partitions back at once instead of
    // waiting for the crashed member's session to time out.
    consumerProps.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, GROUP_ID + "-" + instance);
    Properties producerProps = KafkaSettings.producer(config, GROUP_ID + "-" + instance);
    producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, GROUP_ID + "-" + instance);
    producerProps.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    producer = new KafkaProducer<>(producerProps);
    // Fences a crashed predecessor with the same id and aborts its open transaction, so the
    // delivery log and receipts are readable (read_committed) at once.
    producer.initTransactions();
    consumer = new KafkaConsumer<>(consumerProps);
    states = new IncidentStates(config, GROUP_ID + "-" + instance + "-states");
    deliveryLog = new DeliveryLog(config, GROUP_ID + "-" + instance + "-log");
    states.start();
    running = true;
    thread = new Thread(this::run, "pagewire-notifier");
    thread.start();
    log.info("notifier started: channels={} users={}", channels.keySet(), config.users().keySet());
  }

  /** True while the consumer thread runs, has joined its group and has read the incident states. */
  @Override
  public boolean ready() {
    return running && joined && states != null && states.ready() && thread != null && thread.isAlive();
  }

  /** What this notifier currently knows of an incident: ACKNOWLEDGED, RESOLVED, or null while it waits for someone. */
  TimelineEventType closedBy(String incidentId) {
    return states.closedBy(incidentId);
  }

  /**
   * Stops: the delivery in flight ends at its current attempt; its request is read again after a
   * restart, and only its unsettled targets are sent.
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
      while (running && !states.ready()) {
        Thread.onSpinWait();
        Thread.sleep(10);
      }
      consumer.subscribe(List.of(Topics.NOTIFICATION_REQUESTS.name()), new Rebalance());
      while (running) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL);
        if (!batch.isEmpty()) {
          whilePaused(() -> handleBatch(batch));
        }
        if (running && deliveryLog.pendingCount() > 0) {
          whilePaused(this::fireDue);
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // close()
    } catch (ProducerFencedException e) {
      log.error("another notifier with instanceId={} took over; stopping", config.notifier().instanceId());
    } catch (RuntimeException e) {
      log.error("notifier consumer stopped", e);
    } finally {
      running = false;
      try {
        // Outcomes of messages already sent: keep them, or they would be sent again.
        commitWrites();
      } catch (RuntimeException e) {
        log.warn("could not commit the last outcomes on close, those messages may be sent again: {}", e.toString());
      }
      consumer.close();
      producer.close();
      states.close();
      deliveryLog.close();
      log.info("notifier stopped");
    }
  }

  private void whilePaused(Runnable work) {
    revoked.clear();
    paused = true;
    consumer.pause(consumer.assignment());
    try {
      work.run();
    } finally {
      current = null;
      paused = false;
      consumer.resume(consumer.assignment());
    }
  }

  private void handleBatch(ConsumerRecords<byte[], byte[]> batch) {
    Map<TopicPartition, Long> first = new LinkedHashMap<>();
    batch.partitions().forEach(tp -> first.put(tp, batch.records(tp).get(0).offset()));
    try {
      for (ConsumerRecord<byte[], byte[]> record : batch) {
        if (!running) {
          break; // closing: what is left is read again after a restart
        }
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        if (revoked.contains(tp)) {
          continue; // its new owner reads it from the committed offset
        }
        current = tp;
        try {
          handle(record);
          first.put(tp, record.offset() + 1);
        } catch (Abandoned e) {
          log.info("partition revoked during delivery, leaving it to the new owner: topic={} partition={} offset={}",
              record.topic(), record.partition(), record.offset());
        }
      }
    } catch (KafkaWriteFailed e) {
      log.error("cannot write to Kafka, reading the batch again: {}", e.getMessage(), e.getCause());
      first.forEach((tp, offset) -> {
        if (consumer.assignment().contains(tp) && !revoked.contains(tp)) {
          consumer.seek(tp, offset);
        }
      });
    }
  }

  /** The pipeline of one request; returns once its outcome and offset are committed. */
  private void handle(ConsumerRecord<byte[], byte[]> record) {
    Optional<NotificationRequest> decoded = decode(record);
    Source source = Source.of(record);
    if (decoded.isPresent()) {
      NotificationRequest request = decoded.get();
      List<Target> planned = targets.of(request);
      if (planned.isEmpty()) {
        String reason = "recipient '" + request.getRecipient() + "' is not a configured user and the request names no channel";
        Target none = new Target(request.getRecipient(), UNKNOWN_CHANNEL_TAG, null, Duration.ZERO, null, null);
        settle(source, List.of(request), none, Retrier.Result.failed(0, reason), DeliveryOutcome.FAILED, 0);
      }
      for (Target target : planned) {
        dispatch(source, request, target);
      }
    }
    commitOffset(record);
  }

  /** One target of one request, now: skip, hold, suppress, or send. */
  private void dispatch(Source source, NotificationRequest request, Target target) {
    String key = DeliveryLog.key(request.getNotificationId(), target.key());
    if (deliveryLog.get(source.partition(), key) != null) {
      return; // settled or scheduled before a restart or rebalance
    }
    Instant now = clock.instant();
    if (!target.after().isZero()) {
      Instant due = request.getCreatedAt().plus(target.after());
      hold(source.partition(), request, target, due, "rule: after " + Durations.format(target.after()));
      return;
    }
    send(source, request, target, now);
  }

  private void send(Source source, NotificationRequest request, Target target, Instant now) {
    if (suppressed(source, List.of(request), target)) {
      return;
    }
    Channel channel = channels.get(target.channel());
    if (channel == null) {
      settle(source, List.of(request), target, Retrier.Result.failed(0, "unknown channel '" + target.channel()
          + "' (configured: " + String.join(", ", channels.keySet()) + ")"), DeliveryOutcome.FAILED, 0);
      return;
    }
    Instant free = limiter.nextFree(request.getRecipient(), target.channel(), now);
    if (free.isAfter(now)) {
      hold(source.partition(), request, target, free, "rate limit");
      return;
    }
    limiter.record(request.getRecipient(), target.channel(), now);
    commitWrites();
    Retrier.Result result = retrier.deliver(channel, templates.render(request, target.to()), this::waitPolling);
    settle(source, List.of(request), target, result, result.outcome(), 0);
    if (!result.delivered()) {
      targets.fallback(request, target).ifPresent(next -> {
        log.info("falling back to the next contact method: notificationId={} from={} to={}",
            request.getNotificationId(), target.key(), next.key());
        dispatch(source, request, next);
      });
    }
  }

  /** A PAGE for an incident someone acknowledged or resolved meanwhile is not sent. */
  private boolean suppressed(Source source, List<NotificationRequest> requests, Target target) {
    NotificationRequest request = requests.get(0);
    TimelineEventType closedBy = states.closedBy(request.getIncidentId());
    if (request.getKind() != NotificationKind.PAGE || closedBy == null) {
      return false;
    }
    String reason = "incident " + closedBy.name().toLowerCase() + " before sending";
    settle(source, requests, target, new Retrier.Result(DeliveryOutcome.SUPPRESSED, 0, reason), DeliveryOutcome.SUPPRESSED, 0);
    return true;
  }

  /**
   * Sends the held targets that are due: each group of one recipient, channel and address goes out
   * as one message (a digest when it holds more than one page).
   */
  private void fireDue() {
    Instant now = clock.instant();
    Map<String, List<DeliveryLog.Pending>> groups = new LinkedHashMap<>();
    for (DeliveryLog.Pending pending : deliveryLog.due(now)) {
      DeliveryLogEntry e = pending.entry();
      groups.computeIfAbsent(e.getRecipient() + "\u0000" + e.getChannel() + "\u0000" + e.getTo(), g -> new ArrayList<>()).add(pending);
    }
    for (List<DeliveryLog.Pending> group : groups.values()) {
      if (!running || revoked.stream().anyMatch(tp -> group.stream().anyMatch(p -> p.partition() == tp.partition()))) {
        return;
      }
      fire(group, now);
    }
    commitWrites();
  }

  private void fire(List<DeliveryLog.Pending> group, Instant now) {
    List<DeliveryLog.Pending> live = new ArrayList<>();
    for (DeliveryLog.Pending pending : group) {
      NotificationRequest request = pending.entry().getRequest();
      Target target = Target.held(pending.entry());
      if (!suppressed(Source.log(pending.partition(), request), List.of(request), target)) {
        live.add(pending);
      }
    }
    if (live.isEmpty()) {
      return;
    }
    DeliveryLogEntry first = live.get(0).entry();
    Instant free = limiter.nextFree(first.getRecipient(), first.getChannel(), now);
    if (free.isAfter(now)) {
      // Still limited: move the due time in memory; after a restart they are due at once and re-checked.
      live.forEach(p -> deliveryLog.apply(p.partition(), p.key(),
          DeliveryLogEntry.newBuilder(p.entry()).setDueAt(free).build()));
      return;
    }
    limiter.record(first.getRecipient(), first.getChannel(), now);
    List<NotificationRequest> requests = live.stream().map(p -> p.entry().getRequest()).toList();
    Target target = Target.held(first);
    Channel channel = channels.get(first.getChannel());
    Message message = requests.size() == 1
        ? templates.render(requests.get(0), first.getTo())
        : templates.digest(requests, first.getRecipient(), first.getTo());
    if (requests.size() > 1) {
      metrics.counter("pagewire.notifier.digests", "channel", first.getChannel()).increment();
    }
    commitWrites();
    Retrier.Result result = channel == null
        ? Retrier.Result.failed(0, "unknown channel '" + first.getChannel() + "'")
        : retrier.deliver(channel, message, this::waitPolling);
    settleAll(live, target, result, requests.size() > 1 ? requests.size() : 0);
    if (!result.delivered()) {
      for (DeliveryLog.Pending pending : live) {
        NotificationRequest request = pending.entry().getRequest();
        targets.fallback(request, target).ifPresent(next -> dispatch(Source.log(pending.partition(), request), request, next));
      }
    }
  }

  /** Stage 1: the request, or empty after dead-lettering a record nobody can read. */
  private Optional<NotificationRequest> decode(ConsumerRecord<byte[], byte[]> record) {
    String problem;
    try {
      NotificationRequest request = Topics.NOTIFICATION_REQUESTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
      if (request != null) {
        return Optional.of(request);
      }
      problem = "empty value";
    } catch (KafkaException e) {
      problem = e.getMessage();
    }
    badRecords.increment();
    log.warn("skipping unreadable notification request: topic={} partition={} offset={} reason={}",
        record.topic(), record.partition(), record.offset(), problem);
    String reason = problem;
    transaction(() -> deadLetter(Source.of(record), reason, null));
    return Optional.empty();
  }

  /** Holds a target in the delivery log until {@code due}. */
  private void hold(int partition, NotificationRequest request, Target target, Instant due, String why) {
    String key = DeliveryLog.key(request.getNotificationId(), target.key());
    DeliveryLogEntry entry = DeliveryLogEntry.newBuilder()
        .setNotificationId(request.getNotificationId())
        .setIncidentId(request.getIncidentId())
        .setTarget(target.key())
        .setChannel(target.channel())
        .setRecipient(request.getRecipient())
        .setState(DeliveryLogState.PENDING)
        .setDueAt(due)
        .setReason(why)
        .setRequest(request)
        .setTo(target.to())
        .setAt(clock.instant())
        .setUser(target.user())
        .setContactMethod(target.contactMethod())
        .build();
    transaction(() -> writeLog(partition, key, entry));
    deliveryLog.apply(partition, key, entry);
    log.debug("notification held: notificationId={} target={} dueAt={} reason={}", request.getNotificationId(), target.key(), due, why);
  }

  private void settleAll(List<DeliveryLog.Pending> pending, Target target, Retrier.Result result, int digestSize) {
    settle(pending.stream().map(p -> new Settled(Source.log(p.partition(), p.entry().getRequest()), p.entry().getRequest())).toList(),
        target, result, result.outcome(), digestSize);
  }

  /**
   * Stage 3: in one transaction, per request: the DONE log entry, the receipt, the timeline
   * event, and for a failure a dead letter. Then the view is updated.
   */
  private void settle(Source source, List<NotificationRequest> requests, Target target, Retrier.Result result,
                      DeliveryOutcome outcome, int digestSize) {
    settle(requests.stream().map(r -> new Settled(source, r)).toList(), target, result, outcome, digestSize);
  }

  /** Each request with where it came from: a digest bundles requests of several partitions. */
  private record Settled(Source source, NotificationRequest request) {}

  private void settle(List<Settled> items, Target target, Retrier.Result result, DeliveryOutcome outcome, int digestSize) {
    Instant now = clock.instant();
    Map<String, DeliveryLogEntry> done = new LinkedHashMap<>();
    Map<String, Integer> partitionOf = new LinkedHashMap<>();
    transaction(() -> {
      for (Settled item : items) {
        Source source = item.source();
        NotificationRequest request = item.request();
        String key = DeliveryLog.key(request.getNotificationId(), target.key());
        DeliveryLogEntry entry = DeliveryLogEntry.newBuilder()
            .setNotificationId(request.getNotificationId())
            .setIncidentId(request.getIncidentId())
            .setTarget(target.key())
            .setChannel(target.channel())
            .setRecipient(request.getRecipient())
            .setState(DeliveryLogState.DONE)
            .setOutcome(outcome)
            .setReason(result.reason() == null ? "" : result.reason())
            .setAt(now)
            .setUser(target.user())
            .setContactMethod(target.contactMethod())
            .build();
        writeLog(source.partition(), key, entry);
        done.put(key, entry);
        partitionOf.put(key, source.partition());
        report(request, target, result, outcome, digestSize, now);
        if (outcome == DeliveryOutcome.FAILED) {
          deadLetter(source.forRequest(request), result.reason(), target.channel());
        }
      }
    });
    done.forEach((key, entry) -> deliveryLog.apply(partitionOf.get(key), key, entry));
  }

  private void report(NotificationRequest request, Target target, Retrier.Result result, DeliveryOutcome outcome,
                      int digestSize, Instant now) {
    Duration latency = Duration.between(request.getCreatedAt(), now);
    String tag = channels.containsKey(target.channel()) ? target.channel() : UNKNOWN_CHANNEL_TAG;
    metrics.counter("pagewire.notifier.deliveries", "channel", tag, "outcome", outcome.name().toLowerCase()).increment();
    Timer.builder("pagewire.notifier.latency").tag("channel", tag).register(metrics)
        .record(latency.isNegative() ? Duration.ZERO : latency);
    NotificationReceipt receipt = NotificationReceipt.newBuilder()
        .setNotificationId(request.getNotificationId())
        .setIncidentId(request.getIncidentId())
        .setChannel(target.channel())
        .setRecipient(request.getRecipient())
        .setOutcome(outcome)
        .setAttempts(result.attempts())
        .setLatencyMs(latency.toMillis())
        .setReason(result.reason())
        .setAt(now)
        .setTarget(target.key())
        .setDigestSize(digestSize)
        .build();
    send(Topics.NOTIFICATION_RECEIPTS.name(), request.getIncidentId(),
        Topics.NOTIFICATION_RECEIPTS.valueSerde().serializer().serialize(Topics.NOTIFICATION_RECEIPTS.name(), receipt));
    TimelineEventType type = switch (outcome) {
      case DELIVERED -> TimelineEventType.NOTIFIED;
      case FAILED -> TimelineEventType.NOTIFICATION_FAILED;
      case SUPPRESSED -> TimelineEventType.NOTIFICATION_SUPPRESSED;
    };
    String detail = switch (outcome) {
      case DELIVERED -> "via " + target.key() + " after " + result.attempts() + (result.attempts() == 1 ? " attempt" : " attempts")
          + (digestSize > 0 ? ", in a digest of " + digestSize : "");
      default -> result.reason();
    };
    TimelineEvent event = TimelineEvent.newBuilder()
        .setEventId(Ids.deliveryEvent(request.getNotificationId(), target.key(), outcome))
        .setIncidentId(request.getIncidentId())
        .setType(type)
        .setLevel(request.getLevel())
        .setDetail(detail)
        .setRecipient(request.getRecipient())
        .setNotificationId(request.getNotificationId())
        .setChannel(target.channel())
        .setAt(now)
        .setStep(request.getStep())
        .setTotalSteps(request.getTotalSteps())
        .setPriority(request.getPriority())
        .build();
    send(Topics.INCIDENT_TIMELINE.name(), request.getIncidentId(),
        Topics.INCIDENT_TIMELINE.valueSerde().serializer().serialize(Topics.INCIDENT_TIMELINE.name(), event));
    if (outcome == DeliveryOutcome.DELIVERED) {
      log.info("notification delivered: notificationId={} incidentId={} channel={} target={} attempts={} latencyMs={} digestSize={}",
          request.getNotificationId(), request.getIncidentId(), target.channel(), target.key(), result.attempts(), latency.toMillis(), digestSize);
    } else {
      log.warn("notification {}: notificationId={} incidentId={} channel={} target={} attempts={} reason={}", outcome.name().toLowerCase(),
          request.getNotificationId(), request.getIncidentId(), target.channel(), target.key(), result.attempts(), result.reason());
    }
  }

  private void writeLog(int partition, String key, DeliveryLogEntry entry) {
    String topic = Topics.NOTIFIER_DELIVERY_LOG.name();
    producer.send(new ProducerRecord<>(topic, partition, utf8(key),
        Topics.NOTIFIER_DELIVERY_LOG.valueSerde().serializer().serialize(topic, entry)));
  }

  private void send(String topic, String key, byte[] value) {
    producer.send(new ProducerRecord<>(topic, utf8(key), value));
  }

  /** The original bytes, with where they came from and why they are here. */
  private void deadLetter(Source source, String reason, String channel) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(DLQ_REASON, utf8(reason));
    headers.add(DLQ_TOPIC, utf8(source.topic()));
    headers.add(DLQ_PARTITION, utf8(Integer.toString(source.partition())));
    headers.add(DLQ_OFFSET, utf8(Long.toString(source.offset())));
    headers.add(DLQ_SERVICE, utf8(NAME));
    if (channel != null) {
      headers.add(DLQ_CHANNEL, utf8(channel));
    }
    producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS.name(), null, source.key(), source.value(), headers));
  }

  /** The request is settled on every target: its offset is committed, in a transaction of its own. */
  private void commitOffset(ConsumerRecord<byte[], byte[]> record) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    transaction(() -> producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(record.offset() + 1)),
        consumer.groupMetadata()));
    commitWrites();
  }

  /**
   * Adds writes to the open transaction (opening one if needed). It is committed by
   * {@link #commitWrites} before the next message is sent, or with the request's offset, so one
   * request settled on one target costs one transaction.
   */
  private void transaction(Runnable writes) {
    aborting(() -> {
      if (!inTransaction) {
        producer.beginTransaction();
        inTransaction = true;
      }
      writes.run();
    });
  }

  /** Commits what is written so far: before any message is sent, so at most that one message is in doubt after a crash. */
  private void commitWrites() {
    if (!inTransaction) {
      return;
    }
    aborting(() -> {
      producer.commitTransaction();
      inTransaction = false;
    });
  }

  /** Runs a transactional step; a failure aborts the transaction, except fencing, which ends this instance. */
  private void aborting(Runnable step) {
    try {
      step.run();
    } catch (ProducerFencedException e) {
      throw e;
    } catch (KafkaException e) {
      abort();
      throw new KafkaWriteFailed(e);
    }
  }

  private void abort() {
    inTransaction = false;
    try {
      producer.abortTransaction();
    } catch (KafkaException ignored) {
      // the next beginTransaction reports what is wrong
    }
    // The view may hold entries of the aborted transaction: read the log again.
    Set<Integer> owned = new HashSet<>();
    consumer.assignment().forEach(tp -> owned.add(tp.partition()));
    deliveryLog.drop(owned);
    deliveryLog.load(owned);
  }

  /**
   * The wait between two attempts: polls the paused consumer until the delay is over, so the
   * group keeps this member. Abandons the delivery if its partition is revoked meanwhile; a close
   * ends it with {@link WakeupException}.
   */
  private void waitPolling(Duration delay) {
    long until = System.nanoTime() + delay.toNanos();
    long left;
    while ((left = until - System.nanoTime()) > 0) {
      ConsumerRecords<byte[], byte[]> unexpected = consumer.poll(Duration.ofNanos(Math.min(left, POLL.toNanos())));
      // Paused partitions return nothing; should a fetch slip through, read it again later.
      unexpected.partitions().forEach(tp -> {
        consumer.seek(tp, unexpected.records(tp).get(0).offset());
        consumer.pause(List.of(tp));
      });
      if (current != null && revoked.contains(current)) {
        throw new Abandoned();
      }
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Where a request came from, for dead letters and for the delivery-log partition. */
  private record Source(String topic, int partition, long offset, byte[] key, byte[] value) {
    static Source of(ConsumerRecord<byte[], byte[]> record) {
      return new Source(record.topic(), record.partition(), record.offset(), record.key(), record.value());
    }

    /** A request held in the delivery log: no request offset any more. */
    static Source log(int partition, NotificationRequest request) {
      return new Source(Topics.NOTIFIER_DELIVERY_LOG.name(), partition, -1, null, null).forRequest(request);
    }

    Source forRequest(NotificationRequest request) {
      if (value != null && offset >= 0) {
        return this;
      }
      return new Source(topic, partition, offset, utf8(request.getIncidentId()),
          Topics.NOTIFICATION_REQUESTS.valueSerde().serializer().serialize(Topics.NOTIFICATION_REQUESTS.name(), request));
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (paused) {
        revoked.addAll(partitions);
      }
      deliveryLog.drop(partitions.stream().map(TopicPartition::partition).toList());
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      onPartitionsRevoked(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      deliveryLog.load(partitions.stream().map(TopicPartition::partition).toList());
      joined = true;
      if (paused) {
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
