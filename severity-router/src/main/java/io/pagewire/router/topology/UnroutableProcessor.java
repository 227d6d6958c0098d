package io.pagewire.router.topology;

import io.pagewire.router.route.AlertRouter;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.UnroutableAlert;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Forwards, with the reason, the alerts {@link AlertRouter#unroutable} refuses; counts and logs each. */
final class UnroutableProcessor implements FixedKeyProcessor<String, Alert, UnroutableAlert> {

  private static final Logger log = LoggerFactory.getLogger(UnroutableProcessor.class);

  private final AlertRouter router;
  private final RouterMetrics metrics;
  private FixedKeyProcessorContext<String, UnroutableAlert> context;

  UnroutableProcessor(AlertRouter router, RouterMetrics metrics) {
    this.router = router;
    this.metrics = metrics;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, UnroutableAlert> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, Alert> record) {
    String reason = router.unroutable(record.value());
    if (reason == null) {
      return;
    }
    metrics.unroutable();
    log.warn("unroutable alert: fingerprint={} reason={} at {}", record.value().getFingerprint(), reason,
        context.recordMetadata().map(m -> m.topic() + "/" + m.partition() + "@" + m.offset()).orElse("unknown offset"));
    context.forward(record.withValue(UnroutableAlert.newBuilder()
        .setAlert(record.value())
        .setReason(reason)
        .setAt(Instant.ofEpochMilli(record.timestamp()))
        .build()));
  }
}
