package io.pagewire.escalation.schedule;

import io.pagewire.escalation.policy.Target;
import io.pagewire.platform.config.BusinessHours;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.config.ScheduleConfig;
import io.pagewire.platform.config.TeamConfig;
import io.pagewire.schemas.ScheduleOverride;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Who is on call: the schedules of {@code escalation.schedules} with their temporary overrides.
 *
 * <p>At a moment, a schedule's answer is built in three steps:
 * <ol>
 *   <li>layers: the last layer that has someone on call at that moment wins (later layers
 *       override earlier ones; a layer restricted to a window has nobody outside it);</li>
 *   <li>overrides that replace a user ({@code replaces} set): where that user is on call, the
 *       override's user is instead;</li>
 *   <li>overrides without {@code replaces}: if any is active, their users (oldest override
 *       first) are on call instead of everyone above.</li>
 * </ol>
 * An override is active from its {@code start} (inclusive) to its {@code end} (exclusive).
 *
 * <p>Hand-offs are at local wall-clock times in the schedule's zone, so a daily rotation hands
 * off at 09:00 local on both sides of a daylight-saving change; see {@link ScheduleConfig.Layer}.
 *
 * <p>Thread-safe when its {@link OverrideSource} is.
 */
public final class OnCall {

  /** How far {@link #until} looks ahead for a change of who is on call. */
  static final int HORIZON_DAYS = 62;
  private static final Duration HORIZON = Duration.ofDays(HORIZON_DAYS);

  private final Map<String, Schedule> schedules = new TreeMap<>();
  private final Map<String, TeamConfig> teams;
  private final OverrideSource overrides;

  public OnCall(PagewireConfig config, OverrideSource overrides) {
    config.escalation().schedules().forEach((name, schedule) -> schedules.put(name, new Schedule(schedule)));
    this.teams = config.escalation().teams();
    this.overrides = overrides;
  }

  /** The configured schedule names, sorted. */
  public Set<String> schedules() {
    return schedules.keySet();
  }

  public boolean hasSchedule(String name) {
    return schedules.containsKey(name);
  }

  /** The zone the schedule's hand-offs are read in. */
  public ZoneId zone(String schedule) {
    return schedule(schedule).zone;
  }

  /**
   * The users on call for {@code schedule} at {@code at}, after overrides; empty when nobody is.
   *
   * @throws IllegalArgumentException for a schedule that is not configured
   */
  public List<String> onCall(String schedule, Instant at) {
    Schedule s = schedule(schedule);
    List<String> users = new ArrayList<>();
    String layered = s.userAt(at);
    if (layered != null) {
      users.add(layered);
    }
    List<ScheduleOverride> active = overrides.forSchedule(schedule).stream()
        .filter(o -> !at.isBefore(o.getStart()) && at.isBefore(o.getEnd()))
        .sorted(Comparator.comparing(ScheduleOverride::getCreatedAt).thenComparing(ScheduleOverride::getOverrideId))
        .toList();
    for (ScheduleOverride o : active) {
      if (o.getReplaces() != null) {
        users.replaceAll(u -> u.equals(o.getReplaces()) ? o.getUser() : u);
      }
    }
    List<String> takeOver = active.stream().filter(o -> o.getReplaces() == null).map(ScheduleOverride::getUser).toList();
    return List.copyOf(new LinkedHashSet<>(takeOver.isEmpty() ? users : takeOver));
  }

  /**
   * The users {@code target} pages at {@code at}: the user; whoever the schedule has on call
   * (possibly nobody); for a team, whoever its schedule has on call, or every member when it
   * has no schedule or the schedule has nobody on call.
   *
   * @throws IllegalArgumentException for a schedule or team that is not configured
   */
  public List<String> usersFor(Target target, Instant at) {
    return switch (target.kind()) {
      case USER -> List.of(target.id());
      case SCHEDULE -> onCall(target.id(), at);
      case TEAM -> {
        TeamConfig team = teams.get(target.id());
        if (team == null) {
          throw new IllegalArgumentException("no team " + target.id() + " (teams: " + teams.keySet() + ")");
        }
        List<String> onCall = team.schedule() != null ? onCall(team.schedule(), at) : List.of();
        yield onCall.isEmpty() ? team.members() : onCall;
      }
    };
  }

  /**
   * The first instant after {@code at} at which {@link #onCall} may answer differently for
   * {@code schedule}: a hand-off, a window edge, or an override starting or ending.
   */
  public Instant nextChange(String schedule, Instant at) {
    Instant next = schedule(schedule).nextChange(at);
    for (ScheduleOverride o : overrides.forSchedule(schedule)) {
      for (Instant edge : new Instant[] {o.getStart(), o.getEnd()}) {
        if (edge.isAfter(at) && edge.isBefore(next)) {
          next = edge;
        }
      }
    }
    return next;
  }

  /**
   * Until when the users on call at {@code at} stay exactly the same: the first change of
   * {@link #onCall}'s answer after {@code at}, or null when there is none within {@value #HORIZON_DAYS} days.
   */
  public Instant until(String schedule, Instant at) {
    List<String> now = onCall(schedule, at);
    Instant limit = at.plus(HORIZON);
    for (Instant t = nextChange(schedule, at); t.isBefore(limit); t = nextChange(schedule, t)) {
      if (!onCall(schedule, t).equals(now)) {
        return t;
      }
    }
    return null;
  }

  /** Every schedule: who is on call at {@code at}, sorted by schedule name. */
  public Map<String, List<String>> all(Instant at) {
    Map<String, List<String>> result = new LinkedHashMap<>();
    schedules.keySet().forEach(name -> result.put(name, onCall(name, at)));
    return result;
  }

  private Schedule schedule(String name) {
    Schedule s = schedules.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no schedule " + name + " (schedules: " + schedules.keySet() + ")");
    }
    return s;
  }

  /** The layers of one schedule. */
  private static final class Schedule {
    final ZoneId zone;
    final List<Rotation> layers = new ArrayList<>();

    Schedule(ScheduleConfig config) {
      zone = BusinessHours.zone(config.zone());
      for (int i = 0; i < config.layers().size(); i++) {
        ScheduleConfig.Layer layer = config.layers().get(i);
        layers.add(new Rotation(layer.name() != null ? layer.name() : "layer-" + (i + 1), layer, zone));
      }
    }

    String userAt(Instant at) {
      for (int i = layers.size() - 1; i >= 0; i--) {
        String user = layers.get(i).userAt(at);
        if (user != null) {
          return user;
        }
      }
      return null;
    }

    Instant nextChange(Instant at) {
      Instant next = null;
      for (Rotation layer : layers) {
        Instant candidate = layer.nextChange(at);
        if (next == null || candidate.isBefore(next)) {
          next = candidate;
        }
      }
      return next;
    }
  }
}
