package io.pagewire.escalation.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pagewire.escalation.state.TimerKind;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The escalation service's meters. Counters: {@code pagewire.escalation.pages} (PAGE requests
 * emitted), {@code pagewire.escalation.escalations} (deadlines that escalated),
 * {@code pagewire.escalation.timers} (timers fired, tag {@code kind}: escalate, snooze_end,
 * renotify, acknowledge_sla, resolve_sla),
 * {@code pagewire.escalation.ignored.commands} and {@code pagewire.escalation.ignored.events}
 * (inputs for unknown, resolved or already acknowledged incidents),
 * {@code pagewire.escalation.invalid.records} (dead-lettered input),
 * {@code pagewire.escalation.expired.incidents} (resolved incidents that left the hot stores after
 * {@code escalation.resolvedRetention}), {@code pagewire.escalation.expired.overrides} (ended
 * schedule overrides tombstoned). Timer
 * {@code pagewire.escalation.sweep} (one per punctuation). Gauge
 * {@code pagewire.escalation.sweep.lateness} (milliseconds the most overdue deadline of the
 * latest sweep of any task waited past its time).
 */
public final class EscalationMetrics {

  final Counter pages;
  final Counter escalations;
  final Counter ignoredCommands;
  final Counter ignoredEvents;
  final Counter invalidRecords;
  final Counter expiredIncidents;
  final Counter expiredOverrides;
  final Timer sweep;
  private final Map<String, Long> latenessByTask = new ConcurrentHashMap<>();
  private final Map<TimerKind, Counter> timers = new EnumMap<>(TimerKind.class);

  public EscalationMetrics(MeterRegistry registry) {
    pages = Counter.builder("pagewire.escalation.pages").description("page requests emitted").register(registry);
    escalations = Counter.builder("pagewire.escalation.escalations")
        .description("unacknowledged incidents escalated to their next level").register(registry);
    ignoredCommands = Counter.builder("pagewire.escalation.ignored.commands")
        .description("commands for unknown, resolved or already acknowledged incidents").register(registry);
    ignoredEvents = Counter.builder("pagewire.escalation.ignored.events")
        .description("incident events for unknown or resolved incidents, and duplicate openings").register(registry);
    invalidRecords = Counter.builder("pagewire.escalation.invalid.records")
        .description("input records that could not be processed, sent to the dead-letter topic").register(registry);
    expiredIncidents = Counter.builder("pagewire.escalation.expired.incidents")
        .description("resolved incidents removed from the hot stores after their retention").register(registry);
    expiredOverrides = Counter.builder("pagewire.escalation.expired.overrides")
        .description("ended schedule overrides tombstoned after the retention").register(registry);
    for (TimerKind kind : TimerKind.values()) {
      timers.put(kind, Counter.builder("pagewire.escalation.timers").tag("kind", kind.name().toLowerCase(Locale.ROOT))
          .description("timers that fired (stale ones not counted)").register(registry));
    }
    sweep = Timer.builder("pagewire.escalation.sweep").description("one sweep of due escalation deadlines")
        .register(registry);
    Gauge.builder("pagewire.escalation.sweep.lateness", latenessByTask,
            m -> m.values().stream().mapToLong(Long::longValue).max().orElse(0))
        .baseUnit("milliseconds")
        .description("how late the most overdue deadline of the latest sweep fired")
        .register(registry);
  }

  void fired(TimerKind kind) {
    timers.get(kind).increment();
    if (kind == TimerKind.ESCALATE) {
      escalations.increment();
    }
  }

  void lateness(String task, long millis) {
    latenessByTask.put(task, millis);
  }
}
