package io.pagewire.router.topology;

import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.Ids;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a record without labels the labels of its fingerprint's last firing record. A PagerDuty
 * Events API client resolves or acknowledges by {@code dedup_key} alone, while routing (and so
 * the incident key) needs the labels the trigger carried. Keeps the last firing record of each
 * open PagerDuty alert ({@link Ids#PAGERDUTY_PREFIX}) in {@value RouterTopology#PAGERDUTY_STORE},
 * by fingerprint (the input's key, so no repartition), and forgets it on the resolve. Alertmanager
 * alerts always carry their labels and are passed on untouched. A label-less record with nothing
 * stored (a resolve for a trigger never seen) is dropped, logged with its coordinates and
 * counted as an orphan resolution.
 */
final class LabelsProcessor implements FixedKeyProcessor<String, Alert, Alert> {

  private static final Logger log = LoggerFactory.getLogger(LabelsProcessor.class);

  private final RouterMetrics metrics;
  private FixedKeyProcessorContext<String, Alert> context;
  private KeyValueStore<String, Alert> lastFiring;

  LabelsProcessor(RouterMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Alert> context) {
    this.context = context;
    this.lastFiring = context.getStateStore(RouterTopology.PAGERDUTY_STORE);
  }

  @Override
  public void process(FixedKeyRecord<String, Alert> record) {
    Alert alert = record.value();
    if (alert == null || !alert.getFingerprint().startsWith(Ids.PAGERDUTY_PREFIX)) {
      context.forward(record);
      return;
    }
    String fingerprint = alert.getFingerprint();
    if (alert.getLabels().isEmpty()) {
      Alert stored = lastFiring.get(fingerprint);
      if (stored == null) {
        metrics.orphanResolution();
        log.info("{} of an alert never triggered (or already resolved) dropped: fingerprint={} requestId={} at {}",
            alert.getAction() != null ? alert.getAction() : alert.getStatus(), fingerprint, alert.getRequestId(),
            context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("?"));
        return;
      }
      alert = Alert.newBuilder(alert).setLabels(stored.getLabels()).setAnnotations(
          alert.getAnnotations().isEmpty() ? stored.getAnnotations() : alert.getAnnotations())
          .setStartsAt(stored.getStartsAt()).build();
    }
    if (alert.getAction() == null) {
      if (alert.getStatus() == AlertStatus.FIRING) {
        lastFiring.put(fingerprint, alert);
      } else {
        lastFiring.delete(fingerprint);
      }
    }
    context.forward(record.withValue(alert));
  }
}
