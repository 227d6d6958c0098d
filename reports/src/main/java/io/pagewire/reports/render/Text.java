package io.pagewire.reports.render;

import io.pagewire.platform.config.Durations;
import io.pagewire.reports.model.Compliance;
import io.pagewire.reports.model.DurationStats;
import io.pagewire.reports.model.SlaCheck;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How values read in Markdown and HTML, in one place so both formats say the same. */
final class Text {

  static final String NONE = "—";
  static final String NOT_RECORDED = "Not recorded. Nobody has recorded this on the incident yet.";
  static final String TEAM_NOTE = "Team is the `team` label of the alert that opened the incident; \"unassigned\" when it had none.";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx", Locale.ROOT);

  private final ZoneId zone;

  Text(ZoneId zone) {
    this.zone = zone;
  }

  String time(Instant at) {
    return at == null ? NONE : TIME.format(at.atZone(zone));
  }

  static String duration(Duration d) {
    return d == null ? NONE : Durations.format(d);
  }

  static String status(SlaCheck check) {
    return check.status().name().replace('_', ' ').toLowerCase(Locale.ROOT);
  }

  static String percent(Compliance c) {
    Double percent = c.percent();
    return (percent == null ? NONE : String.format(Locale.ROOT, "%.1f%%", percent))
        + " (" + c.met() + " met, " + c.breached() + " breached, " + c.pending() + " pending)";
  }

  static String[] stats(DurationStats s) {
    return new String[] {Integer.toString(s.count()), duration(s.mean()), duration(s.median()), duration(s.p90())};
  }

  static String date(LocalDate d) {
    return d == null ? NONE : d.toString();
  }

  static String orNone(String s) {
    return s == null || s.isEmpty() ? NONE : s;
  }
}
