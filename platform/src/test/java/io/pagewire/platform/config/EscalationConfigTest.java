package io.pagewire.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagewire.schemas.Priority;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The escalation section: business hours, schedules, teams, policies and their cross-references. */
class EscalationConfigTest {

  static final String FULL = """
      users:
        alice: {name: Alice}
        bob: {name: Bob}
        carol: {name: Carol}
      escalation:
        businessHours: {zone: Europe/Berlin, days: [MON-FRI], start: "09:00", end: "17:00", holidays: [2026-12-25]}
        schedules:
          primary:
            zone: America/New_York
            layers:
              - {users: [alice, bob], start: 2026-03-02, handoff: "09:00", length: weekly}
              - {name: nights, users: [carol], start: 2026-03-02, handoff: "18:00", length: 12h, window: {from: "18:00", to: "09:00"}}
        teams:
          payments: {members: [alice, bob], schedule: primary}
        policies:
          payments:
            steps:
              - {delay: 15m, targets: [{schedule: primary}]}
              - {delay: 30m, targets: [{team: payments}, {user: carol}], channels: [console]}
            repeat: 2
        defaultPolicies: {P0: payments}
      """;

  @Test
  void readsBusinessHoursSchedulesTeamsAndPolicies() {
    PagewireConfig.Escalation escalation = ConfigLoader.parse("full.yaml", FULL).escalation();

    BusinessHours hours = escalation.businessHours();
    assertThat(hours.zoneId()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(hours.dayOfWeeks()).containsExactly(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY,
        DayOfWeek.THURSDAY, DayOfWeek.FRIDAY);
    assertThat(hours.holidayDates()).containsExactly(LocalDate.of(2026, 12, 25));
    ScheduleConfig.Layer nights = escalation.schedules().get("primary").layers().get(1);
    assertThat(nights.rotationLength()).isEqualTo(Duration.ofHours(12));
    assertThat(nights.window().contains(LocalTime.of(3, 0))).isTrue();
    assertThat(nights.window().contains(LocalTime.of(9, 0))).isFalse();
    PolicyConfig policy = escalation.policies().get("payments");
    assertThat(policy.repeat()).isEqualTo(2);
    assertThat(policy.steps().get(1).targets()).containsExactly(
        new PolicyConfig.Target(null, null, "payments"), new PolicyConfig.Target("carol", null, null));
    assertThat(escalation.defaultPolicies()).containsEntry(Priority.P0, "payments");
    assertThat(escalation.levels()).hasSize(3);
  }

  @Test
  void withNothingConfiguredTheLevelsStayThePolicyAndTheCalendarIsMondayToFridayNineToFive() {
    PagewireConfig.Escalation escalation = PagewireConfig.defaults().escalation();

    assertThat(escalation.policies()).isEmpty();
    assertThat(escalation.schedules()).isEmpty();
    assertThat(escalation.businessHours().startTime()).isEqualTo(LocalTime.of(9, 0));
    assertThat(escalation.businessHours().endMinuteOfDay()).isEqualTo(17 * 60);
    assertThat(escalation.businessHours().dayOfWeeks()).hasSize(5).doesNotContain(DayOfWeek.SATURDAY);
  }

  @Test
  void anUnknownUserInALayerIsNamedWithItsKey() {
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", FULL.replace("[alice, bob], start", "[alice, zoe], start")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("c.yaml line 11, column 12: escalation.schedules.primary.layers[0].users: unknown user 'zoe' (known: alice, bob, carol)");
  }

  @Test
  void anUnknownScheduleTeamUserOrPolicyReferenceIsNamedWithItsKey() {
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", FULL.replace("{schedule: primary}]", "{schedule: secondary}]")))
        .hasMessage("c.yaml line 18, column 35: escalation.policies.payments.steps[0].targets[0].schedule: unknown schedule 'secondary' (known: primary)");
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", FULL.replace("{team: payments}", "{team: billing}")))
        .hasMessage("c.yaml line 19, column 35: escalation.policies.payments.steps[1].targets[0].team: unknown team 'billing' (known: payments)");
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", FULL.replace("{user: carol}", "{user: mallory}")))
        .hasMessageContaining("escalation.policies.payments.steps[1].targets[1].user: unknown user 'mallory'");
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", FULL.replace("{P0: payments}", "{P0: platform}")))
        .hasMessage("c.yaml line 21, column 21: escalation.defaultPolicies.P0: unknown policy 'platform' (known: payments)");
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", FULL.replace("members: [alice, bob], schedule: primary",
        "members: [alice], schedule: nights")))
        .hasMessage("c.yaml line 14, column 34: escalation.teams.payments.schedule: unknown schedule 'nights' (known: primary)");
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", FULL.replace("channels: [console]", "channels: [sms]")))
        .hasMessage("c.yaml line 19, column 68: escalation.policies.payments.steps[1].channels: unknown notifier channel 'sms' (known: console)");
  }

  @Test
  void usersMustBeConfiguredForSchedulesToNameThem() {
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", """
        escalation:
          schedules:
            s: {layers: [{users: [alice]}]}
        """)).hasMessage("c.yaml line 3, column 19: escalation.schedules.s.layers[0].users: unknown user 'alice' (none is configured)");
  }

  @Test
  void badValuesNameTheLineAndTheProblem() {
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", """
        escalation:
          businessHours: {zone: Mars/Olympus}
        """)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("c.yaml line 2").hasMessageContaining("'Mars/Olympus' is not a time zone");
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", """
        escalation:
          businessHours: {days: [MON-FRY]}
        """)).hasMessageContaining("'FRY' is not a day");
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", """
        escalation:
          businessHours: {start: "17:00", end: "09:00"}
        """)).hasMessageContaining("businessHours.end (09:00) must be after start (17:00)");
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", FULL.replace("length: weekly", "length: fortnightly")))
        .hasMessageContaining("length 'fortnightly' is not daily, weekly or a duration");
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", FULL.replace("{delay: 15m, targets", "{delay: 0s, targets")))
        .hasMessageContaining("a step needs a delay greater than zero");
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", FULL.replace("{user: carol}", "{user: carol, team: payments}")))
        .hasMessageContaining("a target is exactly one of");
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", FULL.replace("handoff: \"18:00\"", "handoff: \"6pm\"")))
        .hasMessageContaining("'6pm' is not a time of day");
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", FULL.replace("teams:", "teamz:")))
        .hasMessageContaining("unknown key 'escalation.teamz'");
  }
}
