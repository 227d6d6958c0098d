package io.pagewire.platform.config;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Locale;

/**
 * One on-call schedule ({@code escalation.schedules.NAME}): layers of rotations in one time zone.
 * Where several layers have someone on call, the later layer wins.
 *
 * <pre>
 * schedules:
 *   payments-primary:
 *     zone: America/New_York
 *     layers:
 *       - {users: [alice, bob, carol], start: 2026-01-05, handoff: "09:00", length: weekly}
 *       - {users: [dave, erin], start: 2026-01-05, handoff: "18:00", length: daily, window: {from: "18:00", to: "09:00"}}
 * </pre>
 *
 * @param zone the time zone hand-off times and windows are read in (default {@code UTC})
 * @param layers at least one
 */
public record ScheduleConfig(String zone, List<Layer> layers) {

  public ScheduleConfig {
    zone = zone != null ? zone : "UTC";
    BusinessHours.zone(zone);
    if (layers == null || layers.isEmpty()) {
      throw new IllegalArgumentException("a schedule needs at least one layer");
    }
    layers = List.copyOf(layers);
  }

  /**
   * A rotation of users. The k-th hand-off (k = 0, 1, ...) happens at the local wall-clock time
   * {@code start + handoff + k * length} in the schedule's zone, so a daily or weekly rotation
   * hands off at the same local time on both sides of a daylight-saving change (the shift that
   * spans the change is an hour shorter or longer). The user of shift k is {@code users[k mod n]};
   * before the first hand-off the layer has nobody.
   *
   * @param name for people to read (default {@code layer-N})
   * @param users user ids (keys of {@code users}), in rotation order; at least one
   * @param start the local date of the first hand-off, {@code yyyy-MM-dd} (default {@code 2024-01-01})
   * @param handoff local hand-off time {@code HH:mm} (default {@code 09:00})
   * @param length {@code daily}, {@code weekly}, or a duration ({@code 12h}, {@code 3d}) (default {@code weekly})
   * @param window optional daily time window the layer is restricted to (e.g. nights)
   */
  public record Layer(String name, List<String> users, String start, String handoff, String length, Window window) {
    public Layer {
      if (users == null || users.isEmpty()) {
        throw new IllegalArgumentException("a schedule layer needs at least one user");
      }
      users = List.copyOf(users);
      start = start != null ? start : "2024-01-01";
      handoff = handoff != null ? handoff : "09:00";
      length = length != null ? length : "weekly";
      BusinessHours.date(start);
      BusinessHours.time(handoff);
      lengthOf(length);
    }

    /** The local date-time of the first hand-off. */
    public LocalDateTime firstHandoff() {
      return BusinessHours.date(start).atTime(BusinessHours.time(handoff));
    }

    public Duration rotationLength() {
      return lengthOf(length);
    }

    static Duration lengthOf(String text) {
      Duration d = switch (text.strip().toLowerCase(Locale.ROOT)) {
        case "daily" -> Duration.ofDays(1);
        case "weekly" -> Duration.ofDays(7);
        default -> {
          try {
            yield Durations.parse(text);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("length '" + text + "' is not daily, weekly or a duration like 12h or 3d");
          }
        }
      };
      if (d.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new IllegalArgumentException("length '" + text + "' is shorter than a minute");
      }
      return d;
    }
  }

  /**
   * A daily local time window, {@code from} inclusive to {@code to} exclusive; it wraps past
   * midnight when {@code to} is not after {@code from} ({@code 18:00}-{@code 09:00} is a night).
   */
  public record Window(String from, String to) {
    public Window {
      if (from == null || to == null) {
        throw new IllegalArgumentException("a window needs from and to (HH:mm)");
      }
      if (BusinessHours.time(from).equals(BusinessHours.time(to))) {
        throw new IllegalArgumentException("a window from " + from + " to " + to + " is empty; leave the window out for all day");
      }
    }

    public boolean contains(LocalTime t) {
      LocalTime f = BusinessHours.time(from);
      LocalTime u = BusinessHours.time(to);
      return f.isBefore(u) ? !t.isBefore(f) && t.isBefore(u) : !t.isBefore(f) || t.isBefore(u);
    }
  }
}
