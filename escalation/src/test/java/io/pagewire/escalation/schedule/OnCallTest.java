package io.pagewire.escalation.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagewire.escalation.policy.Target;
import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.ScheduleOverride;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Who is on call across daylight-saving changes in three zones (northern and southern
 * hemisphere), with layers, windows and overrides. Hand-offs stay at the local wall-clock time,
 * so the shift spanning a change is an hour shorter (spring) or longer (autumn).
 */
public class OnCallTest {

  /** Six users; schedules in New York, Berlin and Sydney; two teams. */
  public static final String YAML = """
      users: {alice: {}, bob: {}, carol: {}, dave: {}, erin: {}, frank: {}}
      escalation:
        schedules:
          ny-daily:
            zone: America/New_York
            layers:
              - {users: [alice, bob, carol], start: 2026-03-06, handoff: "09:00", length: daily}
          berlin:
            zone: Europe/Berlin
            layers:
              - {name: weeks, users: [alice, bob], start: 2026-03-23, handoff: "09:00", length: weekly}
              - {name: nights, users: [carol, dave], start: 2026-03-23, handoff: "18:00", length: daily, window: {from: "18:00", to: "09:00"}}
          sydney:
            zone: Australia/Sydney
            layers:
              - {users: [erin, frank], start: 2026-04-01, handoff: "08:00", length: 12h}
          ny-gap:
            zone: America/New_York
            layers:
              - {users: [alice, bob], start: 2026-03-06, handoff: "02:30", length: daily}
        teams:
          payments: {members: [alice, bob], schedule: berlin}
          ops: {members: [erin, frank]}
      """;

  static final PagewireConfig CONFIG = ConfigLoader.parse("oncall.yaml", YAML);

  private final List<ScheduleOverride> overrides = new ArrayList<>();
  private final OnCall onCall = new OnCall(CONFIG,
      schedule -> overrides.stream().filter(o -> o.getSchedule().equals(schedule)).toList());

  private static Instant at(String zone, String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(ZoneId.of(zone)).toInstant();
  }

  private static Instant ny(String local) {
    return at("America/New_York", local);
  }

  private static Instant berlin(String local) {
    return at("Europe/Berlin", local);
  }

  private static Instant sydney(String local) {
    return at("Australia/Sydney", local);
  }

  @Test
  void aDailyRotationHandsOffAtNineLocalOnBothSidesOfTheNewYorkSpringForward() {
    // Sunday 8 March 2026 02:00 EST -> 03:00 EDT. Shifts: 6th alice, 7th bob, 8th carol, 9th alice.
    assertThat(onCall.onCall("ny-daily", ny("2026-03-07T09:00"))).containsExactly("bob");
    assertThat(onCall.onCall("ny-daily", ny("2026-03-08T08:59:59"))).containsExactly("bob");
    assertThat(onCall.onCall("ny-daily", ny("2026-03-08T09:00"))).containsExactly("carol");
    assertThat(ny("2026-03-08T09:00")).isEqualTo(Instant.parse("2026-03-08T13:00:00Z"));
    assertThat(onCall.until("ny-daily", ny("2026-03-07T12:00"))).isEqualTo(Instant.parse("2026-03-08T13:00:00Z"));
    assertThat(Duration.between(ny("2026-03-07T09:00"), ny("2026-03-08T09:00"))).as("bob's short shift").hasHours(23);
    assertThat(onCall.onCall("ny-daily", ny("2026-03-09T09:00"))).containsExactly("alice");
  }

  @Test
  void aDailyRotationHandsOffAtNineLocalOnBothSidesOfTheNewYorkFallBack() {
    // Sunday 1 November 2026 02:00 EDT -> 01:00 EST. 6 March is shift 0 (alice); 1 November is shift 240.
    Instant saturday = ny("2026-10-31T09:00");
    Instant sunday = ny("2026-11-01T09:00");
    assertThat(Duration.between(saturday, sunday)).hasHours(25);
    String saturdayUser = onCall.onCall("ny-daily", saturday).get(0);
    assertThat(onCall.onCall("ny-daily", sunday.minusSeconds(1))).containsExactly(saturdayUser);
    assertThat(onCall.onCall("ny-daily", sunday)).isNotEqualTo(List.of(saturdayUser));
    assertThat(onCall.onCall("ny-daily", sunday)).containsExactly("alice"); // 240 % 3 == 0
    assertThat(onCall.onCall("ny-daily", saturday)).containsExactly("carol");
    assertThat(onCall.until("ny-daily", saturday)).isEqualTo(Instant.parse("2026-11-01T14:00:00Z"));
    // 01:30 happens twice that night; both are inside the 25-hour shift.
    assertThat(onCall.onCall("ny-daily", Instant.parse("2026-11-01T05:30:00Z"))).containsExactly("carol");
    assertThat(onCall.onCall("ny-daily", Instant.parse("2026-11-01T06:30:00Z"))).containsExactly("carol");
  }

  @Test
  void aWeeklyLayerWithANightLayerOnTopAcrossTheBerlinSpringForward() {
    // Sunday 29 March 2026 02:00 CET -> 03:00 CEST. Week of 23 March: alice; nights: carol, dave, carol, ...
    assertThat(onCall.onCall("berlin", berlin("2026-03-23T12:00"))).containsExactly("alice");
    assertThat(onCall.onCall("berlin", berlin("2026-03-23T18:00"))).containsExactly("carol");
    assertThat(onCall.onCall("berlin", berlin("2026-03-24T08:59"))).containsExactly("carol");
    assertThat(onCall.onCall("berlin", berlin("2026-03-24T09:00"))).containsExactly("alice");
    // The night of 28 to 29 March is night 5 (dave); the clock change happens during it.
    assertThat(onCall.onCall("berlin", Instant.parse("2026-03-29T00:30:00Z"))).containsExactly("dave"); // 01:30 CET
    assertThat(onCall.onCall("berlin", Instant.parse("2026-03-29T01:30:00Z"))).containsExactly("dave"); // 03:30 CEST
    assertThat(onCall.until("berlin", berlin("2026-03-28T20:00"))).isEqualTo(Instant.parse("2026-03-29T07:00:00Z"));
    // Sunday evening after the change: 18:00 CEST is 16:00 UTC, the night layer starts then, not at 17:00 UTC.
    assertThat(onCall.onCall("berlin", Instant.parse("2026-03-29T15:59:00Z"))).containsExactly("alice");
    assertThat(onCall.onCall("berlin", Instant.parse("2026-03-29T16:00:00Z"))).containsExactly("carol");
    // The weekly hand-off stays at Monday 09:00 local: 08:00 UTC before the change, 07:00 UTC after.
    assertThat(onCall.onCall("berlin", Instant.parse("2026-03-30T06:59:00Z"))).containsExactly("carol");
    assertThat(onCall.onCall("berlin", Instant.parse("2026-03-30T07:00:00Z"))).containsExactly("bob");
  }

  @Test
  void theBerlinFallBackNightIsAnHourLonger() {
    // Sunday 25 October 2026 03:00 CEST -> 02:00 CET. The night layer runs 18:00 Saturday to 09:00 Sunday: 16 hours.
    Instant dusk = berlin("2026-10-24T18:00");
    String night = onCall.onCall("berlin", dusk).get(0);
    assertThat(night).isIn("carol", "dave");
    assertThat(onCall.until("berlin", dusk)).isEqualTo(berlin("2026-10-25T09:00"));
    assertThat(Duration.between(dusk, berlin("2026-10-25T09:00"))).hasHours(16);
    assertThat(onCall.onCall("berlin", berlin("2026-10-25T09:00"))).doesNotContain(night);
  }

  @Test
  void aTwelveHourRotationInSydneyKeepsEightAndEightAcrossTheSouthernAutumnChange() {
    // Sunday 5 April 2026 03:00 AEDT -> 02:00 AEST. Hand-offs at 08:00 and 20:00 local: erin days, frank nights.
    assertThat(onCall.onCall("sydney", sydney("2026-04-04T20:00"))).containsExactly("frank");
    assertThat(onCall.until("sydney", sydney("2026-04-04T20:00"))).isEqualTo(sydney("2026-04-05T08:00"));
    assertThat(Duration.between(sydney("2026-04-04T20:00"), sydney("2026-04-05T08:00"))).hasHours(13);
    assertThat(onCall.onCall("sydney", sydney("2026-04-05T08:00"))).containsExactly("erin");
    assertThat(sydney("2026-04-05T08:00")).isEqualTo(Instant.parse("2026-04-04T22:00:00Z"));
    // And the southern spring: Sunday 4 October 2026 02:00 AEST -> 03:00 AEDT, a night of 11 hours.
    Instant night = sydney("2026-10-03T20:00");
    assertThat(onCall.until("sydney", night)).isEqualTo(sydney("2026-10-04T08:00"));
    assertThat(Duration.between(night, sydney("2026-10-04T08:00"))).hasHours(11);
  }

  @Test
  void aHandOffInsideTheSpringGapMovesForwardByTheGap() {
    // 02:30 does not exist in New York on 8 March 2026: that hand-off happens at 03:30 EDT (07:30 UTC).
    String before = onCall.onCall("ny-gap", Instant.parse("2026-03-08T07:29:00Z")).get(0);
    assertThat(onCall.onCall("ny-gap", Instant.parse("2026-03-08T07:30:00Z"))).doesNotContain(before);
    assertThat(onCall.until("ny-gap", Instant.parse("2026-03-08T01:00:00Z"))).isEqualTo(Instant.parse("2026-03-08T07:30:00Z"));
  }

  @Test
  void anOverrideReplacesOneUserForItsTimeAcrossTheClockChange() {
    // dave stands in for bob from Saturday 12:00 EST to Sunday 12:00 EDT (23 real hours).
    overrides.add(override("o1", "ny-daily", "dave", "bob", ny("2026-03-07T12:00"), ny("2026-03-08T12:00"), 1));
    assertThat(onCall.onCall("ny-daily", ny("2026-03-07T11:59"))).containsExactly("bob");
    assertThat(onCall.onCall("ny-daily", ny("2026-03-07T12:00"))).containsExactly("dave");
    assertThat(onCall.onCall("ny-daily", ny("2026-03-08T08:59"))).containsExactly("dave");
    assertThat(onCall.onCall("ny-daily", ny("2026-03-08T09:00"))).as("carol is not replaced").containsExactly("carol");
    assertThat(onCall.until("ny-daily", ny("2026-03-07T09:00"))).isEqualTo(ny("2026-03-07T12:00"));
    assertThat(onCall.until("ny-daily", ny("2026-03-07T12:00"))).isEqualTo(ny("2026-03-08T09:00"));
    assertThat(onCall.onCall("berlin", berlin("2026-03-23T12:00"))).as("other schedules untouched").containsExactly("alice");
  }

  @Test
  void anOverrideWithoutReplacesPutsItsUserAloneOnCallAndEndsExclusive() {
    Instant start = berlin("2026-10-24T22:00");
    Instant end = Instant.parse("2026-10-25T01:30:00Z"); // the second 02:30 that night, CET
    assertThat(berlin("2026-10-25T02:30")).as("a local time in the overlap reads as the first one, CEST")
        .isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
    overrides.add(override("o2", "berlin", "erin", null, start, end, 1));
    assertThat(onCall.onCall("berlin", start)).containsExactly("erin");
    assertThat(onCall.onCall("berlin", Instant.parse("2026-10-25T00:45:00Z"))).containsExactly("erin"); // first 02:45, CEST
    assertThat(onCall.onCall("berlin", end)).isNotEqualTo(List.of("erin"));
    assertThat(onCall.until("berlin", start)).isEqualTo(end);
    // Two overlapping take-overs: both are on call, oldest first.
    overrides.add(override("o3", "berlin", "frank", null, start, end, 2));
    assertThat(onCall.onCall("berlin", start)).containsExactly("erin", "frank");
  }

  @Test
  void targetsResolveToUsers() {
    Instant monday = berlin("2026-03-23T12:00");
    assertThat(onCall.usersFor(Target.user("bob"), monday)).containsExactly("bob");
    assertThat(onCall.usersFor(Target.schedule("berlin"), monday)).containsExactly("alice");
    assertThat(onCall.usersFor(Target.team("payments"), monday)).as("the team's schedule").containsExactly("alice");
    assertThat(onCall.usersFor(Target.team("ops"), monday)).as("no schedule: every member").containsExactly("erin", "frank");
    assertThat(onCall.usersFor(Target.team("payments"), berlin("2026-03-01T12:00")))
        .as("the schedule has nobody before its first hand-off: every member").containsExactly("alice", "bob");
    assertThat(onCall.onCall("berlin", berlin("2026-03-01T12:00"))).isEmpty();
    assertThatThrownBy(() -> onCall.onCall("nope", monday)).hasMessageContaining("no schedule nope");
  }

  static ScheduleOverride override(String id, String schedule, String user, String replaces, Instant start, Instant end,
      long createdAt) {
    return ScheduleOverride.newBuilder().setOverrideId(id).setSchedule(schedule).setUser(user).setReplaces(replaces)
        .setStart(start).setEnd(end).setCreatedBy("test").setCreatedAt(Instant.ofEpochMilli(createdAt)).build();
  }
}
