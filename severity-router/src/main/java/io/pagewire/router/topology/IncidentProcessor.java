package io.pagewire.router.topology;

import io.pagewire.platform.kafka.EarlyCommit;
import io.pagewire.router.incident.IncidentLifecycle;
import io.pagewire.router.mute.Mute;
import io.pagewire.router.mute.Suppressions;
import io.pagewire.router.route.AlertRouter;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertAction;
import io.pagewire.schemas.CommandType;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.Ids;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.IncidentStatusUpdate;
import io.pagewire.schemas.RouterAlert;
import io.pagewire.schemas.RouterIncident;
import io.pagewire.schemas.Silence;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
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
 * Runs {@link IncidentLifecycle} on the inputs of one incident key: its alerts, and the
 * resolutions of its incident that people made (escalation's {@link IncidentStatusUpdate}s,
 * re-keyed by incident key). Keeps the open incident of each key in
 * {@value RouterTopology#INCIDENT_STORE} and each of its firing alerts in
 * {@value RouterTopology#ALERT_STORE} under {@link Ids#groupMember}, and forwards the resulting
 * events keyed by incident id. An alert reads and writes one incident record and one alert
 * record, whatever the incident's size.
 *
 * <p>A person's resolution ends the group: the open incident and its alert records are dropped,
 * so the next firing alert of the key opens a new incident and pages. Alerts that joined the
 * incident after the resolution (received later, while the update was on its way) open that new
 * incident at once.
 *
 * <p>Silences and inhibiting alerts come from global stores (every instance holds all of them).
 * A wall-clock punctuator every {@code classification.recheckInterval} computes which silences
 * are active and which inhibiting alerts fire; only when that set changed (a silence started,
 * expired or was created, an inhibiting alert appeared or resolved), or a flapping incident may
 * have calmed down, does it re-check this task's open incidents. The punctuator only reads
 * stores and forwards records.
 */
final class IncidentProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

  private static final Logger log = LoggerFactory.getLogger(IncidentProcessor.class);
  private static final StringSerializer KEYS = new StringSerializer();

  private final AlertRouter router;
  private final IncidentLifecycle lifecycle;
  private final Suppressions suppressions;
  private final Duration recheckInterval;
  private final Duration flappingWindow;
  private final RouterMetrics metrics;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, RouterIncident> incidents;
  private KeyValueStore<String, RouterAlert> alerts;
  private KeyValueStore<String, String> changes;
  private KeyValueStore<String, String> pending;
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
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.incidents = context.getStateStore(RouterTopology.INCIDENT_STORE);
    this.alerts = context.getStateStore(RouterTopology.ALERT_STORE);
    this.changes = context.getStateStore(RouterTopology.CHANGES_STORE);
    this.pending = context.getStateStore(RouterTopology.PENDING_STORE);
    this.silences = context.getStateStore(RouterTopology.SILENCE_STORE);
    this.inhibiting = context.getStateStore(RouterTopology.INHIBITING_STORE);
    context.schedule(recheckInterval, PunctuationType.WALL_CLOCK_TIME, ms -> recheck(Instant.ofEpochMilli(ms)));
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    Instant at = Instant.ofEpochMilli(record.timestamp());
    if (record.value() instanceof Alert alert) {
      onAlert(record.key(), alert, at);
    } else if (record.value() instanceof IncidentStatusUpdate update) {
      onResolvedByPerson(record.key(), update, at);
    } else {
      throw new IllegalArgumentException("unexpected input " + record.value());
    }
  }

  private void onAlert(String incidentKey, Alert input, Instant at) {
    AlertRouter.Routing routing = router.route(input, incidentKey);
    if (routing == null) {
      metrics.staleRoute();
      log.warn("alert dropped: no route keys it as incidentKey={} any more (routes changed): fingerprint={} at {}",
          incidentKey, input.getFingerprint(), coordinates());
      return;
    }
    if (input.getAction() == AlertAction.ACKNOWLEDGE) {
      acknowledge(incidentKey, input, at);
      return;
    }
    Alert alert = routing.alert();
    RouterIncident open = incidents.get(incidentKey);
    RouterAlert known = open == null ? null : alerts.get(Ids.groupMember(incidentKey, alert.getFingerprint()));
    if (known != null && known.getAlert().getReceivedAt().isAfter(alert.getReceivedAt())) {
      // Overtaken: the urgent lane brought a later record of this alert first (Lane).
      metrics.stale();
      log.debug("stale alert dropped: fingerprint={} incidentKey={} status={} receivedAt={}, a record received later was applied",
          alert.getFingerprint(), incidentKey, alert.getStatus(), alert.getReceivedAt());
      return;
    }
    Mute mute = alert.getStatus() == AlertStatus.FIRING
        ? suppressions.of(alert.getLabels(), alert.getFingerprint(), values(silences), values(inhibiting), at)
        : Mute.NONE;
    IncidentLifecycle.Step step = lifecycle.apply(open, known, routing, mute, loadChanges(incidentKey), at);
    if (step.orphan()) {
      metrics.orphanResolution();
      log.debug("resolved alert without open incident dropped: fingerprint={} incidentKey={} at {}",
          alert.getFingerprint(), incidentKey, coordinates());
    }
    save(incidentKey, open, step);
    forward(step.events(), at);
  }

  /**
   * An acknowledge of one alert (a PagerDuty Events API client's): the command for the open
   * incident that holds the alert, as the alert's receiver ({@code pagerduty/<integration>}),
   * on escalation's command topic. Nothing open holds it: dropped and counted.
   */
  private void acknowledge(String incidentKey, Alert alert, Instant at) {
    RouterIncident open = incidents.get(incidentKey);
    if (open == null || alerts.get(Ids.groupMember(incidentKey, alert.getFingerprint())) == null) {
      metrics.orphanResolution();
      log.info("acknowledge of an alert no open incident holds dropped: fingerprint={} incidentKey={} at {}",
          alert.getFingerprint(), incidentKey, coordinates());
      return;
    }
    IncidentCommand command = IncidentCommand.newBuilder()
        .setCommandId(alert.getRequestId().isEmpty() ? "ack-" + alert.getFingerprint() + "@" + at.toEpochMilli()
            : alert.getRequestId())
        .setIncidentId(open.getIncidentId())
        .setType(CommandType.ACKNOWLEDGE)
        .setActor(alert.getReceiver().isEmpty() ? "pagerduty" : alert.getReceiver())
        .setAt(at)
        .setVia("pagerduty")
        .build();
    log.info("acknowledge from {}: incidentId={} fingerprint={}", command.getActor(), command.getIncidentId(),
        alert.getFingerprint());
    context.forward(new Record<>(command.getIncidentId(), command, at.toEpochMilli()));
  }

  /**
   * Ends the group of an incident that a person resolved. Updates for incidents the router no
   * longer holds open (it resolved them itself, or a newer incident of the key is open) change
   * nothing.
   */
  private void onResolvedByPerson(String incidentKey, IncidentStatusUpdate update, Instant at) {
    RouterIncident open = incidents.get(incidentKey);
    if (open == null || !open.getIncidentId().equals(update.getIncidentId())) {
      return;
    }
    List<Alert> later = new ArrayList<>();
    List<String> members = new ArrayList<>();
    try (KeyValueIterator<String, RouterAlert> all = alerts.prefixScan(Ids.groupPrefix(incidentKey), KEYS)) {
      all.forEachRemaining(kv -> {
        members.add(kv.key);
        if (kv.value.getAlert().getReceivedAt().isAfter(update.getAt())) {
          later.add(kv.value.getAlert());
        }
      });
    }
    members.forEach(alerts::delete);
    incidents.delete(incidentKey);
    metrics.groupEnded();
    log.info("incident resolved by {}: group ended, the next alert opens a new incident: incidentId={} incidentKey={}"
        + " firingAlerts={} joinedAfterResolution={}", update.getActor(), open.getIncidentId(), incidentKey,
        members.size(), later.size());
    for (Alert alert : later) {
      onAlert(incidentKey, alert, at);
    }
  }

  private void recheck(Instant now) {
    flushPending(now);
    if (nextChangesCleanup == null || !now.isBefore(nextChangesCleanup)) {
      nextChangesCleanup = now.plus(flappingWindow);
      forgetOldChanges(now);
    }
    String seen = activeSuppressions(now);
    boolean flapDue = nextFlapCheck != null && !now.isBefore(nextFlapCheck);
    if (seen.equals(lastSeen) && !flapDue) {
      return;
    }
    boolean remute = !seen.equals(lastSeen);
    lastSeen = seen;
    nextFlapCheck = null;
    List<Silence> silenceList = values(silences);
    List<Alert> inhibitingList = values(inhibiting);
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, RouterIncident> all = incidents.all()) {
      all.forEachRemaining(kv -> keys.add(kv.key));
    }
    for (String key : keys) {
      long[] recent = lifecycle.recent(loadChanges(key), now);
      if (remute) {
        List<RouterAlert> members = new ArrayList<>();
        try (KeyValueIterator<String, RouterAlert> all = alerts.prefixScan(Ids.groupPrefix(key), KEYS)) {
          all.forEachRemaining(kv -> members.add(kv.value));
        }
        for (RouterAlert member : members) {
          Alert alert = member.getAlert();
          Mute mute = suppressions.of(alert.getLabels(), alert.getFingerprint(), silenceList, inhibitingList, now);
          RouterIncident open = incidents.get(key);
          IncidentLifecycle.Step step = lifecycle.remute(open, member, mute, recent, now);
          save(key, open, step);
          forward(step.events(), now);
        }
      }
      RouterIncident open = incidents.get(key);
      if (open == null) {
        continue;
      }
      IncidentLifecycle.Step step = lifecycle.calm(open, recent, now);
      save(key, open, step);
      forward(step.events(), now);
      scheduleFlapCheck(step);
    }
  }

  /**
   * Publishes the coalesced changes of this task's incidents whose interval has passed. Touches
   * only the incidents that hold changes back ({@value RouterTopology#PENDING_STORE}).
   */
  private void flushPending(Instant now) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, String> all = pending.all()) {
      all.forEachRemaining(kv -> keys.add(kv.key));
    }
    for (String key : keys) {
      RouterIncident open = incidents.get(key);
      if (open == null || !IncidentLifecycle.pending(open)) {
        pending.delete(key);
        continue;
      }
      Alert latest = open.getLastAlert();
      Mute mute = latest.getStatus() == AlertStatus.FIRING
          ? suppressions.of(latest.getLabels(), latest.getFingerprint(), values(silences), values(inhibiting), now)
          : Mute.NONE;
      IncidentLifecycle.Step step = lifecycle.flush(open, mute, loadChanges(key), now);
      if (!step.events().isEmpty()) {
        save(key, open, step);
        forward(step.events(), now);
        pending.delete(key);
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
    if (step.member() != null) {
      String memberKey = Ids.groupMember(incidentKey, step.member().fingerprint());
      if (step.member().after() == null) {
        alerts.delete(memberKey);
      } else {
        alerts.put(memberKey, step.member().after());
      }
    }
    if (step.incident() == null) {
      if (before != null) {
        incidents.delete(incidentKey);
      }
    } else if (!step.incident().equals(before)) {
      incidents.put(incidentKey, step.incident());
      scheduleFlapCheck(step);
      if (step.events().isEmpty() && IncidentLifecycle.pending(step.incident()) && pending.get(incidentKey) == null) {
        pending.put(incidentKey, "");
      }
    }
    saveChanges(incidentKey, step.changes());
  }

  private void scheduleFlapCheck(IncidentLifecycle.Step step) {
    if (step.incident() != null && step.incident().getFlapping() && step.changes().length > 0) {
      Instant calm = Instant.ofEpochMilli(step.changes()[step.changes().length - 1]).plus(flappingWindow);
      nextFlapCheck = nextFlapCheck == null || calm.isBefore(nextFlapCheck) ? calm : nextFlapCheck;
    }
  }

  /** Forwards the events; one that may page someone (an unmuted opening or raise) asks for an {@link EarlyCommit}. */
  private void forward(List<IncidentEvent> events, Instant at) {
    for (IncidentEvent event : events) {
      if (mayPage(event)) {
        EarlyCommit.ask(context, at.toEpochMilli());
      }
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

  private static boolean mayPage(IncidentEvent event) {
    return !event.getMuted()
        && (event.getType() == IncidentEventType.OPENED || event.getType() == IncidentEventType.PRIORITY_RAISED);
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
