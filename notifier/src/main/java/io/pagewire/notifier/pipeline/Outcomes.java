package io.pagewire.notifier.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pagewire.notifier.log.DeliveryLog;
import io.pagewire.notifier.log.DeliveryLog.Pending;
import io.pagewire.notifier.people.Target;
import io.pagewire.platform.config.Durations;
import io.pagewire.schemas.DeliveryLogEntry;
import io.pagewire.schemas.DeliveryLogState;
import io.pagewire.schemas.DeliveryOutcome;
import io.pagewire.schemas.Ids;
import io.pagewire.schemas.NotificationReceipt;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
import io.pagewire.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every record the notifier writes, built in one place: delivery-log entries (PENDING) and their
 * tombstones, receipts, timeline events (NOTIFIED, NOTIFICATION_FAILED, NOTIFICATION_SUPPRESSED)
 * and dead letters, with the metrics and the log line of each outcome. Builds records; the
 * delivery loop writes them, in its transactions.
 *
 * <p>Metrics: {@code pagewire.notifier.deliveries} (channel, outcome), timer
 * {@code pagewire.notifier.latency} (channel), {@code pagewire.notifier.digests} (channel).
 */
public final class Outcomes {

  private static final Logger log = LoggerFactory.getLogger(Outcomes.class);

  /** Dead-letter headers, as documented on {@link Topics#DEAD_LETTERS}. */
  public static final String DLQ_REASON = "pagewire.dlq.reason";
  public static final String DLQ_TOPIC = "pagewire.dlq.topic";
  public static final String DLQ_PARTITION = "pagewire.dlq.partition";
  public static final String DLQ_OFFSET = "pagewire.dlq.offset";
  public static final String DLQ_SERVICE = "pagewire.dlq.service";
  public static final String DLQ_CHANNEL = "pagewire.dlq.channel";

  /** The channel tag of targets naming a channel that is not configured: names from records must not become tags. */
  public static final String UNKNOWN_CHANNEL_TAG = "unknown";

  private final String service;
  private final Set<String> channels;
  private final MeterRegistry metrics;

  public Outcomes(String service, Set<String> channels, MeterRegistry metrics) {
    this.service = service;
    this.channels = Set.copyOf(channels);
    this.metrics = metrics;
  }

  /** A target to deliver, PENDING in the log partition of its request until {@code due}. */
  public Pending pending(int partition, NotificationRequest request, Target target, Instant due, Instant now) {
    String key = DeliveryLog.key(request.getNotificationId(), target.key());
    DeliveryLogEntry entry = DeliveryLogEntry.newBuilder()
        .setNotificationId(request.getNotificationId())
        .setIncidentId(request.getIncidentId())
        .setTarget(target.key())
        .setChannel(target.channel())
        .setRecipient(request.getRecipient())
        .setState(DeliveryLogState.PENDING)
        .setDueAt(due)
        .setReason(target.after().isZero() ? "" : "rule: after " + Durations.format(target.after()))
        .setRequest(request)
        .setTo(target.to())
        .setAt(now)
        .setUser(target.user())
        .setContactMethod(target.contactMethod())
        .build();
    return new Pending(partition, key, entry);
  }

  /** The same entry waiting for its next attempt. */
  public Pending retry(Pending pending, Instant at, int attempts, Instant firstAttemptAt, String reason, Instant now) {
    DeliveryLogEntry entry = DeliveryLogEntry.newBuilder(pending.entry())
        .setDueAt(at)
        .setAttempts(attempts)
        .setFirstAttemptAt(firstAttemptAt)
        .setReason(reason)
        .setDigest(pending.digest())
        .setAt(now)
        .build();
    return new Pending(pending.partition(), pending.key(), entry);
  }

  public ProducerRecord<byte[], byte[]> write(Pending pending) {
    String topic = Topics.NOTIFIER_DELIVERY_LOG.name();
    return new ProducerRecord<>(topic, pending.partition(), utf8(pending.key()),
        Topics.NOTIFIER_DELIVERY_LOG.valueSerde().serializer().serialize(topic, pending.entry()));
  }

  /**
   * The records of targets that settled: per entry, its tombstone, its receipt, its timeline
   * event and, for a failure, a dead letter.
   *
   * @param digestSize the number of pages of the digest this was part of; 0 for a single message
   */
  public List<ProducerRecord<byte[], byte[]>> settled(List<Pending> items, Target target, DeliveryOutcome outcome,
                                                       int attempts, String reason, int digestSize, Instant now) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (Pending pending : items) {
      NotificationRequest request = pending.entry().getRequest();
      records.add(new ProducerRecord<>(Topics.NOTIFIER_DELIVERY_LOG.name(), pending.partition(), utf8(pending.key()), null));
      records.addAll(report(request, target, outcome, attempts, reason, digestSize, now));
      if (outcome == DeliveryOutcome.FAILED) {
        records.add(deadLetter(Topics.NOTIFIER_DELIVERY_LOG.name(), pending.partition(), -1, utf8(request.getIncidentId()),
            Topics.NOTIFICATION_REQUESTS.valueSerde().serializer().serialize(Topics.NOTIFICATION_REQUESTS.name(), request),
            reason, target.channel()));
      }
    }
    if (digestSize > 1 && outcome == DeliveryOutcome.DELIVERED) {
      metrics.counter("pagewire.notifier.digests", "channel", tag(target.channel())).increment();
    }
    return records;
  }

  /** A request that cannot be delivered at all (no target): its receipt, timeline event and dead letter. */
  public List<ProducerRecord<byte[], byte[]>> undeliverable(NotificationRequest request, Target none, String reason,
                                                             String topic, int partition, long offset, byte[] key, byte[] value, Instant now) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(report(request, none, DeliveryOutcome.FAILED, 0, reason, 0, now));
    records.add(deadLetter(topic, partition, offset, key, value, reason, none.channel()));
    return records;
  }

  private List<ProducerRecord<byte[], byte[]>> report(NotificationRequest request, Target target, DeliveryOutcome outcome,
                                                      int attempts, String reason, int digestSize, Instant now) {
    Duration latency = Duration.between(request.getCreatedAt(), now);
    String tag = tag(target.channel());
    metrics.counter("pagewire.notifier.deliveries", "channel", tag, "outcome", outcome.name().toLowerCase()).increment();
    Timer.builder("pagewire.notifier.latency").tag("channel", tag).register(metrics)
        .record(latency.isNegative() ? Duration.ZERO : latency);
    NotificationReceipt receipt = NotificationReceipt.newBuilder()
        .setNotificationId(request.getNotificationId())
        .setIncidentId(request.getIncidentId())
        .setChannel(target.channel())
        .setRecipient(request.getRecipient())
        .setOutcome(outcome)
        .setAttempts(attempts)
        .setLatencyMs(latency.toMillis())
        .setReason(reason)
        .setAt(now)
        .setTarget(target.key())
        .setDigestSize(digestSize)
        .build();
    TimelineEventType type = switch (outcome) {
      case DELIVERED -> TimelineEventType.NOTIFIED;
      case FAILED -> TimelineEventType.NOTIFICATION_FAILED;
      case SUPPRESSED -> TimelineEventType.NOTIFICATION_SUPPRESSED;
    };
    String detail = switch (outcome) {
      case DELIVERED -> "via " + target.key() + " after " + attempts + (attempts == 1 ? " attempt" : " attempts")
          + (digestSize > 0 ? ", in a digest of " + digestSize : "");
      default -> reason;
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
    if (outcome == DeliveryOutcome.DELIVERED) {
      log.info("notification delivered: notificationId={} incidentId={} channel={} target={} attempts={} latencyMs={} digestSize={}",
          request.getNotificationId(), request.getIncidentId(), target.channel(), target.key(), attempts, latency.toMillis(), digestSize);
    } else {
      log.warn("notification {}: notificationId={} incidentId={} channel={} target={} attempts={} reason={}", outcome.name().toLowerCase(),
          request.getNotificationId(), request.getIncidentId(), target.channel(), target.key(), attempts, reason);
    }
    String receipts = Topics.NOTIFICATION_RECEIPTS.name();
    String timeline = Topics.INCIDENT_TIMELINE.name();
    return List.of(
        new ProducerRecord<>(receipts, utf8(request.getIncidentId()), Topics.NOTIFICATION_RECEIPTS.valueSerde().serializer().serialize(receipts, receipt)),
        new ProducerRecord<>(timeline, utf8(request.getIncidentId()), Topics.INCIDENT_TIMELINE.valueSerde().serializer().serialize(timeline, event)));
  }

  /** The original bytes, with where they came from and why they are here. */
  public ProducerRecord<byte[], byte[]> deadLetter(String topic, int partition, long offset, byte[] key, byte[] value,
                                                   String reason, String channel) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(DLQ_REASON, utf8(reason));
    headers.add(DLQ_TOPIC, utf8(topic));
    headers.add(DLQ_PARTITION, utf8(Integer.toString(partition)));
    headers.add(DLQ_OFFSET, utf8(Long.toString(offset)));
    headers.add(DLQ_SERVICE, utf8(service));
    if (channel != null) {
      headers.add(DLQ_CHANNEL, utf8(channel));
    }
    return new ProducerRecord<>(Topics.DEAD_LETTERS.name(), null, key, value, headers);
  }

  private String tag(String channel) {
    return channels.contains(channel) ? channel : UNKNOWN_CHANNEL_TAG;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
