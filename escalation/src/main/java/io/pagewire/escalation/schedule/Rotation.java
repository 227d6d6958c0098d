package io.pagewire.escalation.schedule;

import io.pagewire.platform.config.BusinessHours;
import io.pagewire.platform.config.ScheduleConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * One layer of a schedule, compiled: hand-off k is at the local wall-clock time
 * {@code first + k * length} in the schedule's zone (see {@link ScheduleConfig.Layer}).
 */
final class Rotation {

  private final String name;
  private final List<String> users;
  private final ZoneId zone;
  private final LocalDateTime first;
  private final Duration length;
  private final LocalTime windowFrom;
  private final LocalTime windowTo;
  private final ScheduleConfig.Window window;

  Rotation(String name, ScheduleConfig.Layer layer, ZoneId zone) {
    this.name = name;
    this.users = layer.users();
    this.zone = zone;
    this.first = layer.firstHandoff();
    this.length = layer.rotationLength();
    this.window = layer.window();
    this.windowFrom = window != null ? BusinessHours.time(window.from()) : null;
    this.windowTo = window != null ? BusinessHours.time(window.to()) : null;
  }

  String name() {
    return name;
  }

  /** Who this layer has on call at {@code at}, or null (before its first hand-off, or outside its window). */
  String userAt(Instant at) {
    long shift = shiftAt(at);
    if (shift < 0 || (window != null && !window.contains(at.atZone(zone).toLocalTime()))) {
      return null;
    }
    return users.get((int) (shift % users.size()));
  }

  /** The first instant after {@code at} at which this layer may answer differently: a hand-off or a window edge. */
  Instant nextChange(Instant at) {
    Instant next = handoff(shiftAt(at) + 1);
    if (window != null) {
      LocalDate today = at.atZone(zone).toLocalDate();
      for (int d = -1; d <= 1; d++) {
        for (LocalTime edge : new LocalTime[] {windowFrom, windowTo}) {
          Instant candidate = ZonedDateTime.of(today.plusDays(d), edge, zone).toInstant();
          if (candidate.isAfter(at) && candidate.isBefore(next)) {
            next = candidate;
          }
        }
      }
    }
    return next;
  }

  /** The index of the shift running at {@code at}, -1 before the first hand-off. */
  long shiftAt(Instant at) {
    Instant zero = handoff(0);
    if (at.isBefore(zero)) {
      return -1;
    }
    // Elapsed time divided by the length is off by at most the clock changes in between; step to the exact shift.
    long k = Duration.between(zero, at).toMillis() / length.toMillis();
    while (!handoff(k + 1).isAfter(at)) {
      k++;
    }
    while (k > 0 && handoff(k).isAfter(at)) {
      k--;
    }
    return k;
  }

  /** Hand-off {@code k}: a local time in a gap moves forward by the gap, one in an overlap takes the earlier offset. */
  Instant handoff(long k) {
    return ZonedDateTime.of(first.plus(length.multipliedBy(k)), zone).toInstant();
  }
}
