package io.pagewire.platform.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as operators write them: {@code 15m}, {@code 1h30m}, {@code 500ms}, {@code 7d}, or ISO-8601. */
public final class Durations {

  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

  private Durations() {}

  /** @throws IllegalArgumentException for anything but a duration (also one too large for {@link Duration}) */
  public static Duration parse(String text) {
    try {
      return parseDuration(text);
    } catch (java.time.format.DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration (write e.g. 30s, 15m, 1h30m, 7d, PT30M)");
    }
  }

  private static Duration parseDuration(String text) {
    String s = text.strip();
    if (s.startsWith("P") || s.startsWith("p")) {
      return Duration.parse(s);
    }
    Matcher m = PART.matcher(s);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> Duration.ofDays(7 * n);
      });
      end = m.end();
    }
    if (end == 0 || end != s.length()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (write e.g. 30s, 15m, 1h30m, 7d)");
    }
    return total;
  }

  /** The short form, the inverse of {@link #parse}: {@code 1h30m}, {@code 500ms}. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long days = d.toDays();
    if (days > 0) {
      out.append(days).append('d');
    }
    if (d.toHoursPart() > 0) {
      out.append(d.toHoursPart()).append('h');
    }
    if (d.toMinutesPart() > 0) {
      out.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0) {
      out.append(d.toSecondsPart()).append('s');
    }
    if (d.toMillisPart() > 0) {
      out.append(d.toMillisPart()).append("ms");
    }
    return out.toString();
  }
}
