package io.pagewire.platform.calendar;

import io.pagewire.platform.config.BusinessHours;
import io.pagewire.platform.config.PagewireConfig;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;

/**
 * Business hours ({@code escalation.businessHours}): on business days (configured weekdays that
 * are not holidays) from {@code start} to {@code end}, local time in the calendar's zone.
 *
 * <p>Every answer is an {@link Instant}; local times are resolved with {@link ZonedDateTime#of}:
 * an opening time that falls in a daylight-saving gap moves forward by the gap, one that falls in
 * an overlap takes the earlier offset. Business time is real elapsed time, so a business day
 * that contains a clock change (only when the hours include the change, e.g. 00:00–24:00) is an
 * hour shorter or longer.
 *
 * <p>Immutable and thread-safe.
 */
public final class BusinessCalendar {

  /** No configuration has more than this many consecutive non-business days (holidays are listed one by one). */
  private static final int MAX_CLOSED_DAYS = 3_700;

  private final ZoneId zone;
  private final Set<DayOfWeek> days;
  private final Set<LocalDate> holidays;
  private final LocalTime start;
  private final int endMinute;

  public BusinessCalendar(BusinessHours hours) {
    this.zone = hours.zoneId();
    this.days = hours.dayOfWeeks();
    this.holidays = hours.holidayDates();
    this.start = hours.startTime();
    this.endMinute = hours.endMinuteOfDay();
  }

  public static BusinessCalendar of(PagewireConfig config) {
    return new BusinessCalendar(config.escalation().businessHours());
  }

  public ZoneId zone() {
    return zone;
  }

  /** A configured business weekday that is not a holiday. */
  public boolean isBusinessDay(LocalDate date) {
    return days.contains(date.getDayOfWeek()) && !holidays.contains(date);
  }

  /** True from the opening (inclusive) to the closing (exclusive) of a business day. */
  public boolean isBusinessTime(Instant at) {
    LocalDate date = at.atZone(zone).toLocalDate();
    return isBusinessDay(date) && !at.isBefore(open(date)) && at.isBefore(close(date));
  }

  /**
   * {@code from} plus {@code duration} of business time: the clock stands still outside business
   * hours. From outside business hours the count starts at the next opening; a result that lands
   * exactly on a closing time is that closing time (not the next opening). A zero duration gives
   * {@code from}.
   */
  /**
   * The deadline {@code duration} after {@code start}: counting business time only when
   * {@code businessHours} (an SLA on the business-hours clock), else every hour.
   */
  public Instant deadline(Instant start, Duration duration, boolean businessHours) {
    return businessHours ? plusBusinessTime(start, duration) : start.plus(duration);
  }

  public Instant plusBusinessTime(Instant from, Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative: " + duration);
    }
    if (duration.isZero()) {
      return from;
    }
    Duration left = duration;
    Instant now = from;
    LocalDate date = from.atZone(zone).toLocalDate();
    // Each business day consumes at least a minute, so only runs of closed days need a bound.
    for (int closedRun = 0; closedRun < MAX_CLOSED_DAYS; date = date.plusDays(1)) {
      if (!isBusinessDay(date)) {
        closedRun++;
        continue;
      }
      closedRun = 0;
      Instant open = open(date);
      Instant close = close(date);
      if (!now.isBefore(close)) {
        continue;
      }
      Instant begin = now.isAfter(open) ? now : open;
      Duration today = Duration.between(begin, close);
      if (left.compareTo(today) <= 0) {
        return begin.plus(left);
      }
      left = left.minus(today);
      now = close;
    }
    throw new IllegalStateException("no business day found after " + from);
  }

  /**
   * The opening of the first business day after the local date of {@code at} ("next business
   * day"): raised on Friday at 18:00 (or at 10:00), it is Monday's opening.
   */
  public Instant nextBusinessDayStart(Instant at) {
    LocalDate date = at.atZone(zone).toLocalDate().plusDays(1);
    for (int i = 0; i < MAX_CLOSED_DAYS; i++, date = date.plusDays(1)) {
      if (isBusinessDay(date)) {
        return open(date);
      }
    }
    throw new IllegalStateException("no business day found after " + at);
  }

  /** {@code at} itself during business hours, otherwise the next opening. */
  public Instant nextBusinessTime(Instant at) {
    if (isBusinessTime(at)) {
      return at;
    }
    LocalDate today = at.atZone(zone).toLocalDate();
    if (isBusinessDay(today) && at.isBefore(open(today))) {
      return open(today);
    }
    return nextBusinessDayStart(at);
  }

  private Instant open(LocalDate date) {
    return ZonedDateTime.of(date, start, zone).toInstant();
  }

  private Instant close(LocalDate date) {
    return endMinute == 24 * 60
        ? ZonedDateTime.of(date.plusDays(1), LocalTime.MIDNIGHT, zone).toInstant()
        : ZonedDateTime.of(date, LocalTime.ofSecondOfDay(endMinute * 60L), zone).toInstant();
  }
}
