package io.pagewire.escalation.topology;

import io.pagewire.escalation.schedule.OverrideSource;
import io.pagewire.escalation.schedule.ScheduleOverrides;
import io.pagewire.escalation.state.IncidentLifecycle;
import io.pagewire.escalation.state.TimerKind;
import io.pagewire.escalation.state.Transition;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.IncidentTimeline;
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
 * lifecycle emits. Every write happens on the
 * stream thread inside the task's exactly-once transaction, together with the input offsets, so
 * a crash replays a whole input or none of it.
 */
final class EscalationProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

  private static final Logger log = LoggerFactory.getLogger(EscalationProcessor.class);
  private static final byte[] PRESENT = new byte[0];
  private static final String WATERMARK_KEY = "watermark";
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

  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, IncidentState> incidents;
  private KeyValueStore<Bytes, byte[]> deadlines;
  private KeyValueStore<String, Long> watermarks;
  private KeyValueStore<String, IncidentTimeline> timelines;
  /** No index entry has a deadline below this; sweeps start their scan here. */
  private long watermark;
  private long persistedWatermark;

  /** @param lifecycles the lifecycle, given where schedule overrides are (known at {@link #init}) */
  EscalationProcessor(Function<OverrideSource, IncidentLifecycle> lifecycles, Duration sweepInterval, int sweepBatch,
      EscalationMetrics metrics) {
    this.lifecycles = lifecycles;
    this.sweepInterval = sweepInterval;
    this.sweepBatch = sweepBatch;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    KeyValueStore<String, ScheduleOverride> overrides = context.getStateStore(ScheduleOverrides.STORE);
    this.lifecycle = lifecycles.apply(OverrideSource.of(overrides));
    this.incidents = context.getStateStore(EscalationTopology.INCIDENTS_STORE);
    this.deadlines = context.getStateStore(EscalationTopology.DEADLINES_STORE);
    this.watermarks = context.getStateStore(EscalationTopology.WATERMARK_STORE);
    this.timelines = context.getStateStore(EscalationTopology.TIMELINE_STORE);
    Long stored = watermarks.get(WATERMARK_KEY);
    watermark = stored != null ? stored : 0L;
    persistedWatermark = watermark;
    context.schedule(sweepInterval, PunctuationType.WALL_CLOCK_TIME, this::sweep);
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
      apply(incidentId, before, transition);
    } else if (value instanceof IncidentCommand command) {
      requireKeyed(incidentId, command.getIncidentId());
      IncidentState before = incidents.get(incidentId);
      Transition transition = lifecycle.onCommand(before, command);
      if (!transition.applied()) {
        metrics.ignoredCommands.increment();
        log.info("ignored command: incidentId={} commandId={} type={} actor={} reason={}",
            incidentId, command.getCommandId(), command.getType(), command.getActor(), transition.ignored());
      }
      apply(incidentId, before, transition);
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
      DeadlineKey entry = DeadlineKey.parse(key);
      // Fired or stale, the entry goes; an applied transition indexes what the state needs next.
      deadlines.delete(key);
      IncidentState before = incidents.get(entry.incidentId());
      Transition transition = lifecycle.onTimer(before, entry.kind(), entry.deadline(), at);
      if (transition.applied()) {
        lateness = Math.max(lateness, now - entry.deadlineMillis());
        metrics.fired(entry.kind());
        log.info("timer fired: incidentId={} timer={} deadline={} level={}", entry.incidentId(), entry.kind(),
            entry.deadline(), transition.state().getLevel());
        apply(entry.incidentId(), before, transition);
      }
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

  private void apply(String incidentId, IncidentState before, Transition transition) {
    if (!transition.applied()) {
      return;
    }
    IncidentState after = transition.state();
    incidents.put(incidentId, after);
    reindex(incidentId, IncidentLifecycle.timers(before), IncidentLifecycle.timers(after));
    for (NotificationRequest request : transition.notifications()) {
      if (request.getKind() == NotificationKind.PAGE) {
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
      timelines.put(incidentId, TimelineLog.append(timelines.get(incidentId), incidentId, transition.timeline()));
    }
  }

  private void reindex(String incidentId, Map<TimerKind, Instant> before, Map<TimerKind, Instant> after) {
    for (TimerKind kind : TimerKind.values()) {
      Instant was = before.get(kind);
      Instant is = after.get(kind);
      if (Objects.equals(was, is)) {
        continue;
      }
      if (was != null) {
        deadlines.delete(DeadlineKey.of(was, kind, incidentId).bytes());
      }
      if (is != null) {
        deadlines.put(DeadlineKey.of(is, kind, incidentId).bytes(), PRESENT);
        // A deadline already in the past (an old event, a priority raise) must still be found.
        if (is.toEpochMilli() < watermark) {
          watermark = is.toEpochMilli();
          persistWatermark();
        }
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
