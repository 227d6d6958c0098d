package io.pagewire.router.topology;

import io.pagewire.router.incident.IncidentLifecycle;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.RouterIncident;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link IncidentLifecycle} on alerts keyed by incident key, keeps the open incident of each
 * key in a store and forwards the resulting events keyed by incident id.
 */
final class IncidentProcessor implements Processor<String, Alert, String, IncidentEvent> {

  private static final Logger log = LoggerFactory.getLogger(IncidentProcessor.class);

  private final String storeName;
  private final IncidentLifecycle lifecycle;
  private final RouterMetrics metrics;
  private ProcessorContext<String, IncidentEvent> context;
  private KeyValueStore<String, RouterIncident> incidents;

  IncidentProcessor(String storeName, IncidentLifecycle lifecycle, RouterMetrics metrics) {
    this.storeName = storeName;
    this.lifecycle = lifecycle;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, IncidentEvent> context) {
    this.context = context;
    this.incidents = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, Alert> record) {
    String incidentKey = record.key();
    RouterIncident open = incidents.get(incidentKey);
    IncidentLifecycle.Step step = lifecycle.apply(incidentKey, open, record.value(), Instant.ofEpochMilli(record.timestamp()));
    if (step.orphan()) {
      metrics.orphanResolution();
      log.debug("resolved alert without open incident dropped: fingerprint={} incidentKey={} at {}",
          record.value().getFingerprint(), incidentKey, coordinates());
    }
    if (step.incident() == null) {
      if (open != null) {
        incidents.delete(incidentKey);
      }
    } else if (!step.incident().equals(open)) {
      incidents.put(incidentKey, step.incident());
    }
    for (IncidentEvent event : step.events()) {
      metrics.event(event.getType());
      if (event.getType() == IncidentEventType.OPENED || event.getType() == IncidentEventType.RESOLVED) {
        log.info("incident {}: incidentId={} incidentKey={} priority={} fingerprint={}",
            event.getType(), event.getIncidentId(), incidentKey, event.getPriority(), event.getAlert().getFingerprint());
      } else {
        log.debug("incident {}: incidentId={} priority={} fingerprint={} firingAlerts={}",
            event.getType(), event.getIncidentId(), event.getPriority(), event.getAlert().getFingerprint(),
            event.getFiringAlerts());
      }
      context.forward(record.withKey(event.getIncidentId()).withValue(event));
    }
  }

  private String coordinates() {
    return context.recordMetadata()
        .map(m -> m.topic() + "/" + m.partition() + "@" + m.offset())
        .orElse("unknown offset");
  }
}
