package io.pagewire.router.topology;

import io.pagewire.schemas.Alert;
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
 * {@code status@startsAt} seen.
 */
final class DedupProcessor implements FixedKeyProcessor<String, Alert, Alert> {

  private static final Logger log = LoggerFactory.getLogger(DedupProcessor.class);

  private final String storeName;
  private final RouterMetrics metrics;
  private FixedKeyProcessorContext<String, Alert> context;
  private KeyValueStore<String, String> lastSeen;

  DedupProcessor(String storeName, RouterMetrics metrics) {
    this.storeName = storeName;
    this.metrics = metrics;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Alert> context) {
    this.context = context;
    this.lastSeen = context.getStateStore(storeName);
  }

  @Override
  public void process(FixedKeyRecord<String, Alert> record) {
    Alert alert = record.value();
    if (alert == null) {
      // Thrown, not skipped here: the processing exception handler logs the record's
      // coordinates, counts it in dropped-records and dead-letters it with this reason.
      throw new IllegalArgumentException("alert record without a value (key " + record.key() + ")");
    }
    String fingerprint = alert.getFingerprint();
    String seen = alert.getStatus() + "@" + alert.getStartsAt().toEpochMilli();
    if (seen.equals(lastSeen.get(fingerprint))) {
      metrics.duplicate();
      log.debug("duplicate alert dropped: fingerprint={} status={} startsAt={}",
          fingerprint, alert.getStatus(), alert.getStartsAt());
      return;
    }
    lastSeen.put(fingerprint, seen);
    context.forward(record);
  }
}
