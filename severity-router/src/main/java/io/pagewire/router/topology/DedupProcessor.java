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
    String stored = lastSeen.get(fingerprint);
    Instant expires = Instant.ofEpochMilli(record.timestamp()).plus(retention);
    boolean duplicate = stored != null && sameAlert(stored, seen);
    // A duplicate only pushes the expiry out once a quarter of the retention has passed, so
    // HA copies and resends do not each rewrite the entry.
    if (!duplicate || expiresAt(stored) < expires.minus(retention.dividedBy(4)).toEpochMilli()) {
      lastSeen.put(fingerprint, seen + "@" + expires.toEpochMilli());
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
      String stored = lastSeen.get(entry.id());
      // Seen again since: a newer index entry covers it.
      if (stored != null && expiresAt(stored) <= entry.at().toEpochMilli()) {
        lastSeen.delete(entry.id());
        metrics.dedupExpired();
      }
    }
  }

  /** {@code status@startsAt@expiresAt}; entries written before expiry existed lack the last part. */
  private static boolean sameAlert(String stored, String seen) {
    return stored.equals(seen) || stored.startsWith(seen + "@");
  }

  private static long expiresAt(String stored) {
    int last = stored.lastIndexOf('@');
    int first = stored.indexOf('@');
    return last > first ? Long.parseLong(stored.substring(last + 1)) : 0;
  }
}
