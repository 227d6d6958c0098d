package io.pagewire.reports.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The out-of-hours table's business-hours rule and local time are computed from epoch seconds and
 * the zone's offset; they must say what the local date and time say, across DST changes, zones
 * with half- and quarter-hour offsets, dates before 1970 and the edges of 09:00 and 17:00.
 */
class PeriodReportTest {

  @ParameterizedTest
  @ValueSource(strings = {"UTC", "Europe/Berlin", "America/New_York", "America/St_Johns", "Asia/Kathmandu",
      "Australia/Lord_Howe", "Pacific/Chatham"})
  void shouldJudgeBusinessHoursAndFormatLocalTimeAsTheZonedDateTimeDoes(String zoneName) {
    ZoneId zone = ZoneId.of(zoneName);
    SplittableRandom random = new SplittableRandom(zoneName.hashCode());
    long from = Instant.parse("1965-01-01T00:00:00Z").toEpochMilli();
    long to = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();
    for (int i = 0; i < 50_000; i++) {
      long millis = random.nextLong(from, to);
      // Half of them on a whole minute or second, where the ISO string drops seconds or millis.
      millis -= switch (i % 4) {
        case 0 -> Math.floorMod(millis, 60_000);
        case 1 -> Math.floorMod(millis, 1_000);
        default -> 0;
      };
      check(Instant.ofEpochMilli(millis), zone);
    }
    for (String edge : List.of("2026-11-20T08:59:59.999", "2026-11-20T09:00", "2026-11-20T16:59:59.999",
        "2026-11-20T17:00", "2026-11-21T10:00", "2026-11-22T10:00", "2026-11-23T00:00", "2026-03-29T02:30",
        "2026-10-25T02:30")) {
      check(java.time.LocalDateTime.parse(edge).atZone(zone).toInstant(), zone);
    }
  }

  private static void check(Instant at, ZoneId zone) {
    ZonedDateTime local = at.atZone(zone);
    LocalTime time = local.toLocalTime();
    boolean expected = local.getDayOfWeek() != DayOfWeek.SATURDAY && local.getDayOfWeek() != DayOfWeek.SUNDAY
        && !time.isBefore(LocalTime.of(9, 0)) && time.isBefore(LocalTime.of(17, 0));
    var offset = zone.getRules().getOffset(at);
    assertThat(PeriodReport.businessHours(at, offset)).as("%s in %s", at, zone).isEqualTo(expected);
    assertThat(PeriodReport.localTime(at, offset)).as("%s in %s", at, zone)
        .isEqualTo(local.toOffsetDateTime().toString());
  }
}
