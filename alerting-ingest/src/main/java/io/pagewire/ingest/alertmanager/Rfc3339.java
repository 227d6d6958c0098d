package io.pagewire.ingest.alertmanager;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads an RFC 3339 {@code date-time} ({@code 2026-11-22T20:00:00.123456789+02:00}) to the
 * millisecond, as the {@code pagewire.alerts} schema stores it: a four-digit year, seconds
 * required, a fraction of 1 to 9 digits, {@code Z} or a numeric {@code ±HH:MM} offset; {@code T}
 * and {@code Z} in either case. Every field is range-checked (no February 30, no second 60).
 *
 * <p>Written out by hand because a {@code java.time} formatter, with its field maps and resolver,
 * was the largest single cost of reading a webhook (two timestamps per alert).
 */
final class Rfc3339 {

  private static final int MAX_OFFSET_MINUTES = 18 * 60;

  private Rfc3339() {}

  /** The instant {@code text} denotes, truncated to the millisecond; null when it is not an RFC 3339 {@code date-time}. */
  static Instant parse(String text) {
    int n = text.length();
    // yyyy-mm-ddThh:mm:ss is 19 characters, then the fraction and the offset.
    if (n < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || (text.charAt(10) | 0x20) != 't'
        || text.charAt(13) != ':' || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59) {
      return null;
    }
    int at = 19;
    int millis = 0;
    if (text.charAt(at) == '.') {
      int start = ++at;
      while (at < n && at - start < 9 && isDigit(text.charAt(at))) {
        if (at - start < 3) {
          millis = millis * 10 + (text.charAt(at) - '0');
        }
        at++;
      }
      if (at == start) {
        return null;
      }
      for (int i = at - start; i < 3; i++) {
        millis *= 10;
      }
    }
    int offsetMinutes;
    if (at == n - 1 && (text.charAt(at) | 0x20) == 'z') {
      offsetMinutes = 0;
    } else if (at == n - 6 && (text.charAt(at) == '+' || text.charAt(at) == '-') && text.charAt(at + 3) == ':') {
      int hours = digits(text, at + 1, 2);
      int minutes = digits(text, at + 4, 2);
      if (hours < 0 || minutes < 0 || minutes > 59 || hours * 60 + minutes > MAX_OFFSET_MINUTES) {
        return null;
      }
      offsetMinutes = (text.charAt(at) == '-' ? -1 : 1) * (hours * 60 + minutes);
    } else {
      return null;
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null;
    }
    long seconds = epochDay * 86_400 + hour * 3_600L + minute * 60L + second - offsetMinutes * 60L;
    return Instant.ofEpochSecond(seconds, millis * 1_000_000L);
  }

  /** The {@code count} decimal digits at {@code from}, or -1 when one is not a digit. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
