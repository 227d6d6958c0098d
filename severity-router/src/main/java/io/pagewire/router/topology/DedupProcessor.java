package io.pagewire.router.topology;

import io.pagewire.platform.kafka.TimeIndex;
import io.pagewire.schemas.Alert;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops an alert when the last alert seen with its fingerprint had the same status and
 * {@code startsAt}: Alertmanager HA peers each send every notification, and Alertmanager resends
 * unchanged alerts on every {@code repeat_interval}. Remembers, per fingerprint, the last
 * {@code status@startsAt} seen, for {@code classification.dedupRetention} after it was last seen:
 * an expiry index swept every {@link #SWEEP_EVERY} forgets older entries in bounded batches.
 *
 * <p>Also drops a record received by the ingest before the record last applied for its
 * fingerprint: the urgent lane lets a later record of an alert overtake earlier ones ({@link Lane}),
 * and the earlier ones are then stale.
 */
final class DedupProcessor implements FixedKeyProcessor<String, Alert, Alert> {

  private static final Logger log = LoggerFactory.getLogger(DedupProcessor.class);
  static final Duration SWEEP_EVERY = Duration.ofSeconds(10);
  private static final int SWEEP_BATCH = 10_000;

  private final Duration retention;
  private final RouterMetrics metrics;
  private FixedKeyProcessorContext<String, Alert> context;
  private KeyValueStore<String, String> lastSeen;
  private TimeIndex expiry;

  DedupProcessor(Duration retention, RouterMetrics metrics) {
    this.retention = retention;
    this.metrics = metrics;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Alert> context) {
    this.context = context;
    this.lastSeen = context.getStateStore(RouterTopology.DEDUP_STORE);
    KeyValueStore<Bytes, byte[]> index = context.getStateStore(RouterTopology.DEDUP_EXPIRY_STORE);
    this.expiry = new TimeIndex(index);
    context.schedule(SWEEP_EVERY, PunctuationType.WALL_CLOCK_TIME, ms -> forgetExpired(Instant.ofEpochMilli(ms)));
  }

  @Override
  public void process(FixedKeyRecord<String, Alert> record) {
    Alert alert = record.value();
    if (alert == null) {
      // Thrown, not skipped here: the processing exception handler logs the record's
      // coordinates, counts it in dropped-records and dead-letters it with this reason.
      throw new IllegalArgumentException("alert record without a value (key " + record.key() + ")");
    }
    if (alert.getAction() != null) {
      context.forward(record); // a request about the alert, not a sighting of it
      return;
    }
    String fingerprint = alert.getFingerprint();
    String seen = alert.getStatus() + "@" + alert.getStartsAt().toEpochMilli();
    Entry stored = Entry.parse(lastSeen.get(fingerprint));
    Instant expires = Instant.ofEpochMilli(record.timestamp()).plus(retention);
    long received = alert.getReceivedAt().toEpochMilli();
    boolean duplicate = stored != null && stored.seen().equals(seen);
    if (!duplicate && stored != null && stored.receivedAt() > received) {
      // Overtaken: the urgent lane brought a later record of this alert first (Lane).
      metrics.stale();
      log.debug("stale alert dropped: fingerprint={} status={} receivedAt={}, a record received later was applied",
          fingerprint, alert.getStatus(), alert.getReceivedAt());
      return;
    }
    // A duplicate only pushes the expiry out once a quarter of the retention has passed, so
    // HA copies and resends do not each rewrite the entry.
    if (!duplicate || stored.expiresAt() < expires.minus(retention.dividedBy(4)).toEpochMilli()) {
      long latest = duplicate ? Math.max(stored.receivedAt(), received) : received;
      lastSeen.put(fingerprint, seen + "@" + expires.toEpochMilli() + "@" + latest);
      expiry.add(expires, fingerprint);
    }
    if (duplicate) {
      metrics.duplicate();
      log.debug("duplicate alert dropped: fingerprint={} status={} startsAt={}",
          fingerprint, alert.getStatus(), alert.getStartsAt());
      return;
    }
    context.forward(record);
  }

  /** Deletes the entries whose latest sighting is older than the retention. */
  private void forgetExpired(Instant now) {
    for (TimeIndex.Entry entry : expiry.takeDue(now, SWEEP_BATCH)) {
      Entry stored = Entry.parse(lastSeen.get(entry.id()));
      // Seen again since: a newer index entry covers it.
      if (stored != null && stored.expiresAt() <= entry.at().toEpochMilli()) {
        lastSeen.delete(entry.id());
        metrics.dedupExpired();
      }
    }
  }

  /**
   * A stored entry, {@code status@startsAt@expiresAt@receivedAt}; entries written before expiry
   * existed lack the last two parts, entries written before lanes the last one (0 when missing).
   */
  private record Entry(String seen, long expiresAt, long receivedAt) {
    static Entry parse(String stored) {
      if (stored == null) {
        return null;
      }
      String[] parts = stored.split("@");
      return new Entry(parts[0] + "@" + parts[1], parts.length > 2 ? Long.parseLong(parts[2]) : 0,
          parts.length > 3 ? Long.parseLong(parts[3]) : 0);
    }
  }
}
