package io.pagewire.platform.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.platform.config.BusinessHours;
import io.pagewire.platform.config.ConfigLoader;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class BusinessCalendarTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final BusinessCalendar CALENDAR = new BusinessCalendar(
      new BusinessHours("Europe/Berlin", List.of("MON-FRI"), "09:00", "17:00", List.of("2026-12-25")));

  private static Instant berlin(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(BERLIN).toInstant();
  }

  private static ZonedDateTime local(Instant at) {
    return at.atZone(BERLIN);
  }

  @Test
  void businessTimeIsWeekdaysFromOpeningInclusiveToClosingExclusive() {
    assertThat(CALENDAR.isBusinessTime(berlin("2026-03-30T09:00"))).isTrue();
    assertThat(CALENDAR.isBusinessTime(berlin("2026-03-30T16:59:59"))).isTrue();
    assertThat(CALENDAR.isBusinessTime(berlin("2026-03-30T17:00"))).isFalse();
    assertThat(CALENDAR.isBusinessTime(berlin("2026-03-30T08:59"))).isFalse();
    assertThat(CALENDAR.isBusinessTime(berlin("2026-03-28T12:00"))).as("Saturday").isFalse();
    assertThat(CALENDAR.isBusinessTime(berlin("2026-12-25T12:00"))).as("holiday, a Friday").isFalse();
    // 08:30 UTC is 09:30 in winter (CET) but 10:30 in summer (CEST): both business time.
    assertThat(CALENDAR.isBusinessTime(Instant.parse("2026-03-27T07:30:00Z"))).isFalse();
    assertThat(CALENDAR.isBusinessTime(Instant.parse("2026-03-30T07:30:00Z"))).isTrue();
  }

  @Test
  void aP3RaisedFridayEveningBreachesOnABusinessDayNotOnSaturday() {
    // Friday 27 March 2026, 18:00; the clocks go forward on Sunday 29 March.
    Instant raised = berlin("2026-03-27T18:00");
    Instant wallClock = raised.plus(Duration.ofHours(24));
    assertThat(local(wallClock).getDayOfWeek()).isEqualTo(DayOfWeek.SATURDAY);

    // One business day (8 business hours): the whole of Monday, the next business day.
    Instant oneBusinessDay = CALENDAR.plusBusinessTime(raised, Duration.ofHours(8));
    assertThat(local(oneBusinessDay).toLocalDateTime()).isEqualTo(LocalDateTime.parse("2026-03-30T17:00"));
    assertThat(oneBusinessDay).isEqualTo(Instant.parse("2026-03-30T15:00:00Z"));

    // The default P3 target, 24 business hours: three business days, Monday to Wednesday.
    Instant p3 = CALENDAR.plusBusinessTime(raised, Duration.ofHours(24));
    assertThat(local(p3).toLocalDateTime()).isEqualTo(LocalDateTime.parse("2026-04-01T17:00"));
    assertThat(CALENDAR.isBusinessDay(local(p3).toLocalDate())).isTrue();
  }

  @Test
  void countsOnlyBusinessTimeFromWithinABusinessDay() {
    assertThat(CALENDAR.plusBusinessTime(berlin("2026-03-30T10:00"), Duration.ofHours(3))).isEqualTo(berlin("2026-03-30T13:00"));
    assertThat(CALENDAR.plusBusinessTime(berlin("2026-03-30T09:00"), Duration.ofHours(8)))
        .as("landing exactly on the closing time stays there").isEqualTo(berlin("2026-03-30T17:00"));
    assertThat(CALENDAR.plusBusinessTime(berlin("2026-03-30T16:00"), Duration.ofHours(2)))
        .isEqualTo(berlin("2026-03-31T10:00"));
    assertThat(CALENDAR.plusBusinessTime(berlin("2026-03-30T07:00"), Duration.ofMinutes(30)))
        .as("before opening, the clock starts at the opening").isEqualTo(berlin("2026-03-30T09:30"));
    assertThat(CALENDAR.plusBusinessTime(berlin("2026-03-28T07:00"), Duration.ZERO)).isEqualTo(berlin("2026-03-28T07:00"));
  }

  @Test
  void skipsHolidaysAndWeekends() {
    // Thursday 24 December 16:00: one hour that day, Friday the 25th is a holiday, then the weekend.
    assertThat(CALENDAR.plusBusinessTime(berlin("2026-12-24T16:00"), Duration.ofHours(2)))
        .isEqualTo(berlin("2026-12-28T10:00"));
    assertThat(CALENDAR.nextBusinessDayStart(berlin("2026-12-24T10:00"))).isEqualTo(berlin("2026-12-28T09:00"));
  }

  @Test
  void raisedFridayEveningTheNextBusinessDayIsMondayAcrossTheAutumnClockChange() {
    // Friday 23 October 2026, 18:00 CEST; Sunday the 25th the clocks go back to CET.
    Instant monday = CALENDAR.nextBusinessDayStart(berlin("2026-10-23T18:00"));
    assertThat(monday).isEqualTo(Instant.parse("2026-10-26T08:00:00Z"));
    assertThat(local(monday).toLocalDateTime()).isEqualTo(LocalDateTime.parse("2026-10-26T09:00"));
    assertThat(CALENDAR.nextBusinessDayStart(berlin("2026-10-23T10:00")))
        .as("raised during Friday's business hours: still Monday").isEqualTo(monday);
    assertThat(CALENDAR.nextBusinessTime(berlin("2026-10-24T11:00"))).isEqualTo(monday);
    assertThat(CALENDAR.nextBusinessTime(berlin("2026-10-26T08:00"))).isEqualTo(monday);
    assertThat(CALENDAR.nextBusinessTime(berlin("2026-10-26T10:00"))).isEqualTo(berlin("2026-10-26T10:00"));
  }

  @Test
  void aBusinessDayThatContainsTheClockChangeCountsRealTime() {
    BusinessCalendar allWeek = new BusinessCalendar(
        new BusinessHours("America/New_York", List.of("MON-SUN"), "00:00", "24:00", List.of()));
    // Sunday 8 March 2026 has 23 hours in New York.
    Instant saturdayNoon = Instant.parse("2026-03-07T17:00:00Z");
    assertThat(allWeek.plusBusinessTime(saturdayNoon, Duration.ofHours(48))).isEqualTo(saturdayNoon.plus(Duration.ofHours(48)));
    assertThat(allWeek.isBusinessTime(Instant.parse("2026-03-08T07:30:00Z"))).isTrue();
  }

  @Test
  void comesFromTheConfiguration() {
    BusinessCalendar calendar = BusinessCalendar.of(ConfigLoader.parse("c.yaml", """
        escalation:
          businessHours: {zone: Australia/Sydney, days: [MON, TUE, WEDNESDAY], start: "08:30", end: "12:00"}
        """));
    assertThat(calendar.zone()).isEqualTo(ZoneId.of("Australia/Sydney"));
    // Thursday 2 April 2026 09:00 in Sydney is not a business day; Monday 6 April opens 08:30 AEST
    // (daylight saving ended on Sunday the 5th).
    Instant thursday = Instant.parse("2026-04-01T22:00:00Z");
    assertThat(calendar.isBusinessTime(thursday)).isFalse();
    assertThat(calendar.nextBusinessTime(thursday)).isEqualTo(Instant.parse("2026-04-05T22:30:00Z"));
  }
}
