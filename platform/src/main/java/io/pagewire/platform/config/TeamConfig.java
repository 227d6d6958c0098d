package io.pagewire.platform.config;

import java.util.List;

/**
 * A team ({@code escalation.teams.NAME}) that escalation steps can target.
 *
 * <pre>
 * teams:
 *   payments: {members: [alice, bob, carol], schedule: payments-primary}
 * </pre>
 *
 * @param members user ids (keys of {@code users})
 * @param schedule optional: paging the team pages whoever this schedule has on call; without
 *     it, or when the schedule has nobody on call at that moment, every member is paged
 */
public record TeamConfig(List<String> members, String schedule) {
  public TeamConfig {
    members = members != null ? List.copyOf(members) : List.of();
    if (members.isEmpty() && schedule == null) {
      throw new IllegalArgumentException("a team needs members or a schedule");
    }
  }
}
