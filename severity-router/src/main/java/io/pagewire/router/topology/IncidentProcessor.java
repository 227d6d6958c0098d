package io.pagewire.router.topology;

import io.pagewire.router.incident.IncidentLifecycle;
import io.pagewire.router.mute.Mute;
import io.pagewire.router.mute.Suppressions;
import io.pagewire.router.route.AlertRouter;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.RouterIncident;
import io.pagewire.schemas.Silence;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link IncidentLifecycle} on alerts keyed by incident key, keeps the open incident of each
 * key in a store and forwards the resulting events keyed by incident id.
 *
 * <p>Silences and inhibiting alerts come from global stores (every instance holds all of them).
 * A wall-clock punctuator every {@code classification.recheckInterval} computes which silences
 * are active and which inhibiting alerts fire; only when that set changed (a silence started,
 * expired or was created, an inhibiting alert appeared or resolved), or a flapping incident may
 * have calmed down, does it re-check this task's open incidents. The punctuator only reads
 * stores and forwards records.
 */
final class IncidentProcessor implements Processor<String, Alert, String, IncidentEvent> {

  private static final Logger log = LoggerFactory.getLogger(IncidentProcessor.class);

  private final AlertRouter router;
  private final IncidentLifecycle lifecycle;
  private final Suppressions suppressions;
  private final Duration recheckInterval;
  private final Duration flappingWindow;
  private final RouterMetrics metrics;
  private ProcessorContext<String, IncidentEvent> context;
  private KeyValueStore<String, RouterIncident> incidents;
  private KeyValueStore<String, String> changes;
  private KeyValueStore<String, Silence> silences;
  private KeyValueStore<String, Alert> inhibiting;
  /** What the last re-check saw; null before the first, so a restarted task re-checks once. */
  private String lastSeen;
  /** The earliest time a flapping incident of this task may have calmed down; null: none flaps. */
  private Instant nextFlapCheck;
  private Instant nextChangesCleanup;

  IncidentProcessor(AlertRouter router, IncidentLifecycle lifecycle, Suppressions suppressions,
      Duration recheckInterval, Duration flappingWindow, RouterMetrics metrics) {
    this.router = router;
    this.lifecycle = lifecycle;
    this.suppressions = suppressions;
    this.recheckInterval = recheckInterval;
    this.flappingWindow = flappingWindow;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, IncidentEvent> context) {
    this.context = context;
    this.incidents = context.getStateStore(RouterTopology.INCIDENT_STORE);
    this.changes = context.getStateStore(RouterTopology.CHANGES_STORE);
    this.silences = context.getStateStore(RouterTopology.SILENCE_STORE);
    this.inhibiting = context.getStateStore(RouterTopology.INHIBITING_STORE);
    context.schedule(recheckInterval, PunctuationType.WALL_CLOCK_TIME, ms -> recheck(Instant.ofEpochMilli(ms)));
  }

  @Override
  public void process(Record<String, Alert> record) {
    String incidentKey = record.key();
    Instant at = Instant.ofEpochMilli(record.timestamp());
    AlertRouter.Routing routing = router.route(record.value(), incidentKey);
    if (routing == null) {
      metrics.staleRoute();
      log.warn("alert dropped: no route keys it as incidentKey={} any more (routes changed): fingerprint={} at {}",
          incidentKey, record.value().getFingerprint(), coordinates());
      return;
    }
    Alert alert = routing.alert();
    Mute mute = alert.getStatus() == AlertStatus.FIRING
        ? suppressions.of(alert.getLabels(), alert.getFingerprint(), values(silences), values(inhibiting), at)
        : Mute.NONE;
    RouterIncident open = incidents.get(incidentKey);
    IncidentLifecycle.Step step = lifecycle.apply(open, routing, mute, loadChanges(incidentKey), at);
    if (step.orphan()) {
      metrics.orphanResolution();
      log.debug("resolved alert without open incident dropped: fingerprint={} incidentKey={} at {}",
          alert.getFingerprint(), incidentKey, coordinates());
    }
    save(incidentKey, open, step);
    forward(step.events(), at);
  }

  private void recheck(Instant now) {
    if (nextChangesCleanup == null || !now.isBefore(nextChangesCleanup)) {
      nextChangesCleanup = now.plus(flappingWindow);
      forgetOldChanges(now);
    }
    String seen = activeSuppressions(now);
    boolean flapDue = nextFlapCheck != null && !now.isBefore(nextFlapCheck);
    if (seen.equals(lastSeen) && !flapDue) {
      return;
    }
    lastSeen = seen;
    nextFlapCheck = null;
    List<Silence> silenceList = values(silences);
    List<Alert> inhibitingList = values(inhibiting);
    List<KeyValue<String, RouterIncident>> open = new ArrayList<>();
    try (KeyValueIterator<String, RouterIncident> all = incidents.all()) {
      all.forEachRemaining(open::add);
    }
    for (KeyValue<String, RouterIncident> entry : open) {
      IncidentLifecycle.Step step = lifecycle.recheck(entry.value,
          alert -> suppressions.of(alert.getLabels(), alert.getFingerprint(), silenceList, inhibitingList, now),
          loadChanges(entry.key), now);
      save(entry.key, entry.value, step);
      forward(step.events(), now);
      if (step.incident() != null && step.incident().getFlapping() && step.changes().length > 0) {
        Instant calm = Instant.ofEpochMilli(step.changes()[step.changes().length - 1]).plus(flappingWindow);
        nextFlapCheck = nextFlapCheck == null || calm.isBefore(nextFlapCheck) ? calm : nextFlapCheck;
      }
    }
  }

  /** Drops the change history of keys that have not changed within the flapping window. */
  private void forgetOldChanges(Instant now) {
    List<String> stale = new ArrayList<>();
    try (KeyValueIterator<String, String> all = changes.all()) {
      all.forEachRemaining(kv -> {
        if (lifecycle.recent(loadChanges(kv.key), now).length == 0) {
          stale.add(kv.key);
        }
      });
    }
    stale.forEach(changes::delete);
  }

  /** The active silence ids and the firing inhibiting alerts, as one comparable string. */
  private String activeSuppressions(Instant now) {
    TreeSet<String> active = new TreeSet<>();
    for (Silence silence : values(silences)) {
      if (Suppressions.active(silence, now)) {
        active.add("s:" + silence.getId() + "@" + silence.getUpdatedAt().toEpochMilli());
      }
    }
    for (Alert alert : values(inhibiting)) {
      active.add("i:" + alert.getFingerprint() + "@" + alert.getStartsAt().toEpochMilli());
    }
    return String.join(",", active);
  }

  private void save(String incidentKey, RouterIncident before, IncidentLifecycle.Step step) {
    if (step.incident() == null) {
      if (before != null) {
        incidents.delete(incidentKey);
      }
    } else if (!step.incident().equals(before)) {
      incidents.put(incidentKey, step.incident());
      if (step.incident().getFlapping() && step.changes().length > 0) {
        Instant calm = Instant.ofEpochMilli(step.changes()[step.changes().length - 1]).plus(flappingWindow);
        nextFlapCheck = nextFlapCheck == null || calm.isBefore(nextFlapCheck) ? calm : nextFlapCheck;
      }
    }
    saveChanges(incidentKey, step.changes());
  }

  private void forward(List<IncidentEvent> events, Instant at) {
    for (IncidentEvent event : events) {
      metrics.event(event);
      if (event.getType() == IncidentEventType.OPENED || event.getType() == IncidentEventType.RESOLVED) {
        log.info("incident {}: incidentId={} incidentKey={} priority={} team={} muted={} fingerprint={}",
            event.getType(), event.getIncidentId(), event.getIncidentKey(), event.getPriority(), event.getTeam(),
            event.getMuted(), event.getAlert().getFingerprint());
      } else {
        log.debug("incident {}: incidentId={} priority={} fingerprint={} firingAlerts={} muted={} flapping={}",
            event.getType(), event.getIncidentId(), event.getPriority(), event.getAlert().getFingerprint(),
            event.getFiringAlerts(), event.getMuted(), event.getFlapping());
      }
      context.forward(new Record<>(event.getIncidentId(), event, at.toEpochMilli()));
    }
  }

  /** State changes of a key within the flapping window, stored as comma-separated epoch millis. */
  private long[] loadChanges(String incidentKey) {
    String stored = changes.get(incidentKey);
    if (stored == null || stored.isEmpty()) {
      return new long[0];
    }
    return Arrays.stream(stored.split(",")).mapToLong(Long::parseLong).toArray();
  }

  private void saveChanges(String incidentKey, long[] after) {
    String value = Arrays.stream(after).mapToObj(Long::toString).reduce((a, b) -> a + "," + b).orElse("");
    String before = changes.get(incidentKey);
    if (value.isEmpty()) {
      if (before != null) {
        changes.delete(incidentKey);
      }
    } else if (!value.equals(before)) {
      changes.put(incidentKey, value);
    }
  }

  private static <V> List<V> values(KeyValueStore<String, V> store) {
    List<V> values = new ArrayList<>();
    try (KeyValueIterator<String, V> all = store.all()) {
      all.forEachRemaining(kv -> values.add(kv.value));
    }
    return values;
  }

  private String coordinates() {
    return context.recordMetadata()
        .map(m -> m.topic() + "/" + m.partition() + "@" + m.offset())
        .orElse("unknown offset");
  }
}
