package io.pagewire.escalation.policy;

import io.pagewire.platform.config.PolicyConfig;
import java.util.Locale;

/**
 * Who an escalation step pages: a user, whoever a schedule has on call, or a team. Resolve it
 * to user ids at a moment with {@link io.pagewire.escalation.schedule.OnCall#usersFor}.
 *
 * @param kind what {@code id} names
 * @param id a key of {@code users}, {@code escalation.schedules} or {@code escalation.teams}
 */
public record Target(Kind kind, String id) {

  public enum Kind { USER, SCHEDULE, TEAM }

  public Target {
    if (kind == null || id == null || id.isBlank()) {
      throw new IllegalArgumentException("a target needs a kind and an id");
    }
  }

  public static Target user(String id) {
    return new Target(Kind.USER, id);
  }

  public static Target schedule(String name) {
    return new Target(Kind.SCHEDULE, name);
  }

  public static Target team(String name) {
    return new Target(Kind.TEAM, name);
  }

  static Target of(PolicyConfig.Target config) {
    return config.user() != null ? user(config.user())
        : config.schedule() != null ? schedule(config.schedule()) : team(config.team());
  }

  /** {@code user:alice}, {@code schedule:primary}, {@code team:payments}: for timelines and logs. */
  @Override
  public String toString() {
    return kind.name().toLowerCase(Locale.ROOT) + ":" + id;
  }
}
