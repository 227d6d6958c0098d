package io.pagewire.escalation.topology;

import io.pagewire.escalation.schedule.OverrideSource;
import io.pagewire.escalation.schedule.ScheduleOverrides;
import io.pagewire.escalation.state.IncidentLifecycle;
import io.pagewire.escalation.state.StatusUpdates;
import io.pagewire.escalation.state.TimerKind;
import io.pagewire.escalation.state.Transition;
import io.pagewire.platform.kafka.EarlyCommit;
import io.pagewire.platform.kafka.TimeIndex;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.IncidentStatus;
import io.pagewire.schemas.IncidentStatusUpdate;
import io.pagewire.schemas.NotificationKind;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.ScheduleOverride;
import io.pagewire.schemas.TimelineEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies incident events, commands and due timers to the incident store through
 * {@link IncidentLifecycle}, keeps the deadline index in step with the timers each incident's
 * state needs ({@link IncidentLifecycle#timers}), appends every timeline event to the incident's
 * bounded timeline in {@value EscalationTopology#TIMELINE_STORE}, and forwards what the
 * lifecycle emits. Every status change of an incident goes to {@code pagewire.incident-status}
 * with the next version ({@link StatusUpdates}).
 *
 * <p>Resolved incidents leave the hot stores (incident, timeline copy, both indexes) once
 * {@code escalation.resolvedRetention} has passed since their resolution, with a tombstone on
 * {@code pagewire.incident-status}; the retention index {@value EscalationTopology#RETENTION_STORE}
 * is swept like the deadline index, from a watermark, in bounded batches. The task of partition 0
 * also tombstones schedule overrides that ended longer than the retention ago.
 *
 * <p>Every write happens on the stream thread inside the task's exactly-once transaction,
 * together with the input offsets, so a crash replays a whole input or none of it.
 */
final class EscalationProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

  private static final Logger log = LoggerFactory.getLogger(EscalationProcessor.class);
  private static final byte[] PRESENT = new byte[0];
  private static final String WATERMARK_KEY = "watermark";
  private static final String RETENTION_WATERMARK_KEY = "retention-watermark";
  /** Present once every incident stored before the opened and retention indexes existed is in them. */
  private static final String INDEXED_KEY = "indexed-v1";
  /**
   * When a sweep finds nothing due, the watermark still moves up in memory, but is written to
   * the changelog at most this often (a write per idle sweep would be pure churn); a restart
   * then rescans at most this span.
   */
  private static final long IDLE_WATERMARK_PERSIST_MILLIS = Duration.ofMinutes(1).toMillis();

  private final Function<OverrideSource, IncidentLifecycle> lifecycles;
  private IncidentLifecycle lifecycle;
  private final Duration sweepInterval;
  private final int sweepBatch;
  private final EscalationMetrics metrics;
  private final Duration retention;
  private final Duration overrideSweepInterval;

  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, IncidentState> incidents;
  private KeyValueStore<Bytes, byte[]> deadlines;
  private KeyValueStore<String, Long> watermarks;
  private TimelineLog timelines;
  private KeyValueStore<Bytes, byte[]> opened;
  private TimeIndex retained;
  private KeyValueStore<String, ScheduleOverride> overrides;
  /** No index entry has a deadline below this; sweeps start their scan here. */
  private long watermark;
  private long persistedWatermark;
  /** While incidents stored before the indexes existed are being indexed: the last id done, or null. */
  private boolean indexed;
  private String indexCursor;
  /** The last override id the override walk looked at; null: start from the first. */
  private String overrideCursor;

  /** @param lifecycles the lifecycle, given where schedule overrides are (known at {@link #init}) */
  EscalationProcessor(Function<OverrideSource, IncidentLifecycle> lifecycles, Duration sweepInterval, int sweepBatch,
      Duration retention, EscalationMetrics metrics) {
    this.lifecycles = lifecycles;
    this.sweepInterval = sweepInterval;
    this.sweepBatch = sweepBatch;
    this.retention = retention;
    this.metrics = metrics;
    // Overrides are few and change by hand: a walk a minute is plenty.
    this.overrideSweepInterval = sweepInterval.compareTo(Duration.ofMinutes(1)) > 0 ? sweepInterval : Duration.ofMinutes(1);
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.overrides = context.getStateStore(ScheduleOverrides.STORE);
    this.lifecycle = lifecycles.apply(OverrideSource.of(overrides));
    this.incidents = context.getStateStore(EscalationTopology.INCIDENTS_STORE);
    this.deadlines = context.getStateStore(EscalationTopology.DEADLINES_STORE);
    this.watermarks = context.getStateStore(EscalationTopology.WATERMARK_STORE);
    this.timelines = new TimelineLog(context.getStateStore(EscalationTopology.TIMELINE_STORE),
        context.getStateStore(EscalationTopology.TIMELINE_EVENTS_STORE));
    this.opened = context.getStateStore(EscalationTopology.OPENED_STORE);

    Long stored = watermarks.get(WATERMARK_KEY);
    watermark = stored != null ? stored : 0L;
    persistedWatermark = watermark;
    this.retained = new TimeIndex(context.getStateStore(EscalationTopology.RETENTION_STORE), new TimeIndex.Watermark() {
      @Override
      public long load() {
        Long stored = watermarks.get(RETENTION_WATERMARK_KEY);
        return stored != null ? stored : 0L;
      }

      @Override
      public void save(long watermark) {
        watermarks.put(RETENTION_WATERMARK_KEY, watermark);
      }
    });
    indexed = watermarks.get(INDEXED_KEY) != null;
    context.schedule(sweepInterval, PunctuationType.WALL_CLOCK_TIME, now -> {
      sweep(now);
      if (!indexed) {
        indexOldIncidents();
      }
      expire(now);
    });
    if (context.taskId().partition() == 0) {
      context.schedule(overrideSweepInterval, PunctuationType.WALL_CLOCK_TIME, this::expireOverrides);
    }
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    SpecificRecord value = record.value();
    String incidentId = record.key();
    if (value instanceof IncidentEvent event) {
      requireKeyed(incidentId, event.getIncidentId());
      IncidentState before = incidents.get(incidentId);
      Transition transition = lifecycle.onEvent(before, event);
      if (!transition.applied()) {
        metrics.ignoredEvents.increment();
        log.info("ignored incident event: incidentId={} eventId={} type={} reason={}",
            incidentId, event.getEventId(), event.getType(), transition.ignored());
      }
      apply(incidentId, before, transition, null, event.getAt());
    } else if (value instanceof IncidentCommand command) {
      requireKeyed(incidentId, command.getIncidentId());
      IncidentState before = incidents.get(incidentId);
      Transition transition = lifecycle.onCommand(before, command);
      if (!transition.applied()) {
        metrics.ignoredCommands.increment();
        log.info("ignored command: incidentId={} commandId={} type={} actor={} reason={}",
            incidentId, command.getCommandId(), command.getType(), command.getActor(), transition.ignored());
      }
      apply(incidentId, before, transition, command.getActor(), command.getAt());
    } else {
      // The processing exception handler logs topic, partition and offset and dead-letters it.
      metrics.invalidRecords.increment();
      throw new InvalidInputException(value == null ? "record has no value" : "unexpected value type "
          + value.getClass().getName());
    }
  }

  private void requireKeyed(String key, String incidentId) {
    if (!Objects.equals(key, incidentId)) {
      metrics.invalidRecords.increment();
      // Co-partitioning depends on the key: a record keyed otherwise may sit on the wrong task.
      throw new InvalidInputException("record key '" + key + "' is not its incidentId '" + incidentId + "'");
    }
  }

  /**
   * Finds every timer due by the punctuation time, from the watermark up, at most
   * {@code sweepBatch} of them; what is left waits for the next sweep. Skipped or late
   * punctuations lose nothing: the scan covers everything overdue, however old. The cost of a
   * sweep is the timers it fires (plus the tombstones just below them), not the incidents open.
   */
  private void sweep(long now) {
    long started = System.nanoTime();
    List<Bytes> due = new ArrayList<>();
    boolean more;
    try (KeyValueIterator<Bytes, byte[]> it = deadlines.range(DeadlineKey.from(watermark), DeadlineKey.from(now + 1))) {
      while (due.size() < sweepBatch && it.hasNext()) {
        due.add(it.next().key);
      }
      more = it.hasNext();
    }
    long lateness = 0;
    Instant at = Instant.ofEpochMilli(now);
    for (Bytes key : due) {
      String incidentId = DeadlineKey.parse(key).incidentId();
      // Fired or stale, the entry goes; an applied transition indexes what the state needs next.
      deadlines.delete(key);
      lateness = Math.max(lateness, fireDue(incidentId, now, at));
    }
    // All deadlines below the last one taken are gone; with nothing left up to now, all up to now are.
    long reached = more ? DeadlineKey.parse(due.get(due.size() - 1)).deadlineMillis() : now + 1;
    if (reached > watermark) {
      watermark = reached;
      if (!due.isEmpty() || watermark - persistedWatermark >= IDLE_WATERMARK_PERSIST_MILLIS) {
        persistWatermark();
      }
    }
    if (more) {
      log.warn("sweep found more than sweepBatch={} due deadlines; the rest fire on the next sweep", sweepBatch);
    }
    metrics.lateness(context.taskId().toString(), lateness);
    metrics.sweep.record(Duration.ofNanos(System.nanoTime() - started));
  }

  /**
   * Fires the incident's timers due by {@code now}, earliest first, as long as one is: several
   * may be due at once (an escalation step and the acknowledge target, say), and the index holds
   * only the earliest. Answers how late the latest fired one was, in milliseconds.
   */
  private long fireDue(String incidentId, long now, Instant at) {
    long lateness = 0;
    // Each timer a transition fires moves or clears itself; the bound only guards against one that would not.
    for (int fired = 0; fired < TimerKind.values().length; fired++) {
      IncidentState before = incidents.get(incidentId);
      Map.Entry<TimerKind, Instant> next = next(IncidentLifecycle.timers(before));
      if (next == null || next.getValue().toEpochMilli() > now) {
        break;
      }
      Transition transition = lifecycle.onTimer(before, next.getKey(), next.getValue(), at);
      if (!transition.applied()) {
        break;
      }
      lateness = Math.max(lateness, now - next.getValue().toEpochMilli());
      metrics.fired(next.getKey());
      log.info("timer fired: incidentId={} timer={} deadline={} level={}", incidentId, next.getKey(), next.getValue(),
          transition.state().getLevel());
      apply(incidentId, before, transition, null, at);
    }
    return lateness;
  }

  /** The earliest of {@code timers}; of two at the same instant, the kind declared first. Null when there is none. */
  private static Map.Entry<TimerKind, Instant> next(Map<TimerKind, Instant> timers) {
    Map.Entry<TimerKind, Instant> earliest = null;
    for (Map.Entry<TimerKind, Instant> timer : timers.entrySet()) {
      if (earliest == null || timer.getValue().isBefore(earliest.getValue())) {
        earliest = timer;
      }
    }
    return earliest == null ? null : Map.entry(earliest.getKey(), earliest.getValue());
  }

  /**
   * Stores what {@code transition} made of the incident, re-indexes it, and forwards what it
   * emits: first the status update, if the status changed, then the notification requests and
   * the timeline events.
   *
   * @param actor who caused the transition (a command's actor); null for the system
   * @param at the input's time
   */
  private void apply(String incidentId, IncidentState before, Transition transition, String actor, Instant at) {
    if (!transition.applied()) {
      return;
    }
    IncidentState after = transition.state();
    IncidentStatusUpdate update = StatusUpdates.change(before, after, actor, at);
    if (update != null) {
      StatusUpdates.stamp(after, update);
    }
    incidents.put(incidentId, after);
    if (before == null) {
      opened.put(OpenedIndex.key(after.getOpenedAt(), incidentId), PRESENT);
    }
    if (after.getStatus() == IncidentStatus.RESOLVED && (before == null || before.getStatus() != IncidentStatus.RESOLVED)) {
      retain(incidentId, after);
    }
    reindex(incidentId, IncidentLifecycle.timers(before), IncidentLifecycle.timers(after));
    if (update != null) {
      log.info("status changed: incidentId={} status={} version={} actor={}", incidentId, update.getStatus(),
          update.getVersion(), update.getActor());
      context.forward(new Record<String, SpecificRecord>(incidentId, update, at.toEpochMilli()),
          EscalationTopology.STATUS_SINK);
    }
    for (NotificationRequest request : transition.notifications()) {
      if (request.getKind() == NotificationKind.PAGE) {
        EarlyCommit.ask(context, at.toEpochMilli());
        metrics.pages.increment();
        log.info("paging: incidentId={} notificationId={} level={} recipient={} channels={}", incidentId,
            request.getNotificationId(), request.getLevel(), request.getRecipient(), request.getChannels());
      }
      context.forward(new Record<String, SpecificRecord>(incidentId, request, request.getCreatedAt().toEpochMilli()),
          EscalationTopology.NOTIFICATIONS_SINK);
    }
    for (TimelineEvent event : transition.timeline()) {
      context.forward(new Record<String, SpecificRecord>(incidentId, event, event.getAt().toEpochMilli()),
          EscalationTopology.TIMELINE_SINK);
    }
    if (!transition.timeline().isEmpty()) {
      timelines.append(incidentId, transition.timeline(), before == null);
    }
  }

  /** Indexes when the resolved {@code incident} leaves the hot stores. */
  private void retain(String incidentId, IncidentState incident) {
    retained.add(incident.getResolvedAt().plus(retention), incidentId);
  }

  /**
   * Removes the resolved incidents whose retention ended by {@code now} from the incident,
   * timeline and opened stores, at most {@code sweepBatch} of them, and tombstones their status.
   * Like {@link #sweep}, it scans the retention index from its watermark, so its cost is the
   * incidents it removes, not the incidents kept.
   */
  private void expire(long now) {
    for (TimeIndex.Entry entry : retained.takeDue(Instant.ofEpochMilli(now), sweepBatch)) {
      IncidentState incident = incidents.get(entry.id());
      if (incident == null || incident.getStatus() != IncidentStatus.RESOLVED) {
        continue; // already gone
      }
      if (incident.getResolvedAt().plus(retention).toEpochMilli() > now) {
        retain(entry.id(), incident); // the retention grew since the entry was written
        continue;
      }
      incidents.delete(entry.id());
      timelines.delete(entry.id());
      opened.delete(OpenedIndex.key(incident.getOpenedAt(), entry.id()));
      context.forward(new Record<String, SpecificRecord>(entry.id(), null, now), EscalationTopology.STATUS_SINK);
      metrics.expiredIncidents.increment();
      log.info("incident left the hot stores: incidentId={} resolvedAt={} retention={}", entry.id(),
          incident.getResolvedAt(), retention);
    }
  }

  /**
   * Incidents stored by a version without the opened and retention indexes are added to them,
   * {@code sweepBatch} per sweep, in key order, until all are; then a marker says so. After a
   * restart in between, it starts again from the first incident (the puts are idempotent).
   */
  private void indexOldIncidents() {
    int done = 0;
    boolean exhausted = true;
    try (KeyValueIterator<String, IncidentState> it = indexCursor == null ? incidents.all()
        : incidents.range(indexCursor, null)) {
      while (it.hasNext()) {
        var next = it.next();
        if (next.key.equals(indexCursor)) {
          continue;
        }
        if (done == sweepBatch) {
          exhausted = false;
          break;
        }
        opened.put(OpenedIndex.key(next.value.getOpenedAt(), next.key), PRESENT);
        if (next.value.getStatus() == IncidentStatus.RESOLVED) {
          retain(next.key, next.value);
        }
        indexCursor = next.key;
        done++;
      }
    }
    if (exhausted) {
      indexed = true;
      indexCursor = null;
      watermarks.put(INDEXED_KEY, 1L);
      log.info("every stored incident is indexed: task={}", context.taskId());
    }
  }

  /**
   * Tombstones schedule overrides that ended longer than the retention ago. Overrides live in a
   * global store, which no processor sees change, so instead of an index this walks the store
   * from a cursor, {@code sweepBatch} overrides a time, starting over when it reached the end;
   * people add overrides by hand, so the walk is short. Only the task of partition 0 walks, so
   * one instance writes each tombstone.
   */
  private void expireOverrides(long now) {
    int seen = 0;
    boolean exhausted = true;
    try (KeyValueIterator<String, ScheduleOverride> it = overrideCursor == null ? overrides.all()
        : overrides.range(overrideCursor, null)) {
      while (it.hasNext()) {
        var next = it.next();
        if (next.key.equals(overrideCursor)) {
          continue;
        }
        if (seen == sweepBatch) {
          exhausted = false;
          break;
        }
        seen++;
        overrideCursor = next.key;
        if (next.value != null && next.value.getEnd().plus(retention).toEpochMilli() <= now) {
          context.forward(new Record<String, SpecificRecord>(next.key, null, now), EscalationTopology.OVERRIDES_SINK);
          metrics.expiredOverrides.increment();
          log.info("schedule override expired: overrideId={} schedule={} end={}", next.key,
              next.value.getSchedule(), next.value.getEnd());
        }
      }
    }
    if (exhausted) {
      overrideCursor = null;
    }
  }

  /**
   * Keeps one index entry per incident: its next deadline. An opening thus writes one entry, not
   * one per timer (escalation step, acknowledge and resolve targets); when it fires,
   * {@link #fireDue} fires whatever is due and this indexes the next. Entries of a version that
   * indexed every timer fire as before: a stale one fires nothing.
   */
  private void reindex(String incidentId, Map<TimerKind, Instant> before, Map<TimerKind, Instant> after) {
    Map.Entry<TimerKind, Instant> was = next(before);
    Map.Entry<TimerKind, Instant> is = next(after);
    if (Objects.equals(was, is)) {
      return;
    }
    if (was != null) {
      deadlines.delete(DeadlineKey.of(was.getValue(), was.getKey(), incidentId).bytes());
    }
    if (is != null) {
      deadlines.put(DeadlineKey.of(is.getValue(), is.getKey(), incidentId).bytes(), PRESENT);
      // A deadline already in the past (an old event, a priority raise) must still be found.
      if (is.getValue().toEpochMilli() < watermark) {
        watermark = is.getValue().toEpochMilli();
        persistWatermark();
      }
    }
  }

  private void persistWatermark() {
    watermarks.put(WATERMARK_KEY, watermark);
    persistedWatermark = watermark;
  }

  /** Input that can never be processed; the processing exception handler dead-letters it. */
  static final class InvalidInputException extends IllegalArgumentException {
    InvalidInputException(String message) {
      super(message);
    }
  }
}
