package io.pagewire.platform.config;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The business-hours calendar ({@code escalation.businessHours}) that P3 and P4 clocks count in.
 *
 * <pre>
 * businessHours: {zone: Europe/Berlin, days: [MON-FRI], start: "09:00", end: "17:00", holidays: [2026-12-25]}
 * </pre>
 *
 * @param zone the time zone the hours are read in (default {@code UTC})
 * @param days business days: {@code MON}, {@code MONDAY}, or a range {@code MON-FRI} (default Monday to Friday)
 * @param start local opening time, {@code HH:mm} (default {@code 09:00})
 * @param end local closing time, {@code HH:mm}, after {@code start}; {@code 24:00} is midnight (default {@code 17:00})
 * @param holidays local dates that are not business days, {@code yyyy-MM-dd}
 */
public record BusinessHours(String zone, List<String> days, String start, String end, List<String> holidays) {

  public BusinessHours {
    zone = zone != null ? zone : "UTC";
    days = days != null && !days.isEmpty() ? List.copyOf(days) : List.of("MON-FRI");
    start = start != null ? start : "09:00";
    end = end != null ? end : "17:00";
    holidays = holidays != null ? List.copyOf(holidays) : List.of();
    zone(zone);
    daysOf(days);
    holidays.forEach(BusinessHours::date);
    if (endMinute(end) <= time(start).toSecondOfDay() / 60) {
      throw new IllegalArgumentException("businessHours.end (" + end + ") must be after start (" + start + ")");
    }
  }

  public static BusinessHours defaults() {
    return new BusinessHours(null, null, null, null, null);
  }

  public ZoneId zoneId() {
    return zone(zone);
  }

  public Set<DayOfWeek> dayOfWeeks() {
    return daysOf(days);
  }

  public LocalTime startTime() {
    return time(start);
  }

  /** Minutes after midnight the business day ends; 1440 for {@code 24:00}. */
  public int endMinuteOfDay() {
    return endMinute(end);
  }

  public Set<LocalDate> holidayDates() {
    Set<LocalDate> dates = new TreeSet<>();
    holidays.forEach(h -> dates.add(date(h)));
    return dates;
  }

  /** Parses a zone id, with a message that says what is expected. */
  public static ZoneId zone(String id) {
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("'" + id + "' is not a time zone (write a region id like Europe/Berlin or UTC)");
    }
  }

  /** Parses a local wall-clock time {@code HH:mm}. */
  public static LocalTime time(String text) {
    try {
      return LocalTime.parse(text);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("'" + text + "' is not a time of day (write HH:mm, e.g. 09:00)");
    }
  }

  /** Parses a local date {@code yyyy-MM-dd}. */
  public static LocalDate date(String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("'" + text + "' is not a date (write yyyy-MM-dd, e.g. 2026-12-25)");
    }
  }

  private static int endMinute(String text) {
    return "24:00".equals(text) ? 24 * 60 : time(text).toSecondOfDay() / 60;
  }

  /** Parses day names ({@code MON}, {@code monday}) and ranges ({@code MON-FRI}, which may wrap: {@code SAT-MON}). */
  public static Set<DayOfWeek> daysOf(List<String> names) {
    Set<DayOfWeek> result = EnumSet.noneOf(DayOfWeek.class);
    for (String name : names) {
      int dash = name.indexOf('-');
      if (dash < 0) {
        result.add(day(name));
        continue;
      }
      DayOfWeek from = day(name.substring(0, dash));
      DayOfWeek to = day(name.substring(dash + 1));
      for (DayOfWeek d = from; ; d = d.plus(1)) {
        result.add(d);
        if (d == to) {
          break;
        }
      }
    }
    return result;
  }

  private static DayOfWeek day(String name) {
    String n = name.strip().toUpperCase(Locale.ROOT);
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().equals(n) || d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).toUpperCase(Locale.ROOT).equals(n)) {
        return d;
      }
    }
    List<String> known = new ArrayList<>();
    for (DayOfWeek d : DayOfWeek.values()) {
      known.add(d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).toUpperCase(Locale.ROOT));
    }
    throw new IllegalArgumentException("'" + name + "' is not a day (one of " + known + ", or a range like MON-FRI)");
  }
}
