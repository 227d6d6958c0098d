package io.pagewire.reports.render;

import io.pagewire.reports.model.DurationStats;
import io.pagewire.reports.model.IncidentFacts;
import io.pagewire.reports.model.PeriodReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Inline SVG charts. Coordinates are printed with one decimal in the root locale, so output is stable. */
final class Charts {

  private static final int WIDTH = 1000;
  private static final int LEFT = 190;
  private static final int RIGHT = 30;
  private static final int ROW = 22;
  /** Beyond this many rows a chart shows the first ones and says how many it left out. */
  private static final int MAX_ROWS = 60;
  private static final String[] PRIORITY_COLOURS = {"#c62828", "#ef6c00", "#f9a825", "#1565c0", "#607d8b"};

  private Charts() {}

  /** The incident's events on a time axis from the first alert to the end, with its SLA deadlines. */
  static String incidentTimeline(IncidentFacts i, Text text) {
    List<IncidentFacts.Entry> entries = i.timeline();
    Instant start = i.impactStart();
    Instant end = i.impactEnd();
    for (IncidentFacts.Entry e : entries) {
      end = end == null || e.at().isAfter(end) ? e.at() : end;
    }
    end = end == null || !end.isAfter(start) ? start.plusSeconds(60) : end;
    Axis axis = new Axis(start, end);
    int rows = Math.min(entries.size(), MAX_ROWS);
    int height = 50 + rows * ROW + 40;
    StringBuilder svg = open(height, "Timeline of incident " + i.incidentId());
    svg.append(rect(axis.x(start), 30, Math.max(2, axis.x(end) - axis.x(start)), rows * ROW + 10, "#fdecea"));
    deadline(svg, axis, i.openedAt().plus(i.acknowledge().target()), "ack due", height, "#ef6c00");
    deadline(svg, axis, i.openedAt().plus(i.resolve().target()), "resolve due", height, "#c62828");
    for (int r = 0; r < rows; r++) {
      IncidentFacts.Entry e = entries.get(r);
      double y = 45 + r * ROW;
      double x = axis.x(e.at());
      svg.append(text(8, y + 4, e.type(), "start", "#1d2330"));
      svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>\n", x, y, colour(e.type())));
      String label = text.time(e.at()).substring(11, 19) + (e.actor() != null ? " " + e.actor() : "");
      boolean leftSide = x > WIDTH - 260;
      svg.append(text(leftSide ? x - 9 : x + 9, y + 4, label, leftSide ? "end" : "start", "#444"));
    }
    omitted(svg, entries.size() - rows, height);
    axis.ticks(svg, text, 50 + rows * ROW);
    return svg.append("</svg>\n").toString();
  }

  /** Every incident of the period as a bar from opening to resolution, acknowledgement marked. */
  static String periodTimeline(PeriodReport report, Text text) {
    List<IncidentFacts> incidents = report.incidents();
    if (incidents.isEmpty()) {
      return "<p class=\"none\">No incidents.</p>\n";
    }
    Instant start = incidents.get(0).openedAt();
    Instant end = start;
    for (IncidentFacts i : incidents) {
      Instant last = i.impactEnd() != null ? i.impactEnd() : report.asOf();
      end = last.isAfter(end) ? last : end;
    }
    end = end.isAfter(start) ? end : start.plusSeconds(60);
    Axis axis = new Axis(start, end);
    int rows = Math.min(incidents.size(), MAX_ROWS);
    int height = 40 + rows * ROW + 40;
    StringBuilder svg = open(height, "Incidents of the period on a time axis");
    for (int r = 0; r < rows; r++) {
      IncidentFacts i = incidents.get(r);
      double y = 30 + r * ROW;
      Instant last = i.impactEnd() != null ? i.impactEnd() : report.asOf();
      double x0 = axis.x(i.openedAt());
      svg.append(text(8, y + 12, i.priority() + " " + i.incidentId(), "start", "#1d2330"));
      svg.append(rect(x0, y + 2, Math.max(3, axis.x(last) - x0), ROW - 6, PRIORITY_COLOURS[i.priority().ordinal()]));
      if (i.acknowledgedAt() != null) {
        double xa = axis.x(i.acknowledgedAt());
        svg.append(String.format(Locale.ROOT,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1d2330\" stroke-width=\"2\"/>\n",
            xa, y, xa, y + ROW - 2));
      }
    }
    omitted(svg, incidents.size() - rows, height);
    axis.ticks(svg, text, 40 + rows * ROW);
    return svg.append("</svg>\n").toString();
  }

  /** Mean time to acknowledge and to resolve per priority, as paired bars labelled with their values. */
  static String mttaMttrByPriority(PeriodReport report) {
    Map<String, DurationStats> mtta = report.mttaByPriority();
    Map<String, DurationStats> mttr = report.mttrByPriority();
    if (mtta.isEmpty()) {
      return "<p class=\"none\">No incidents.</p>\n";
    }
    long max = 1;
    for (String p : mtta.keySet()) {
      max = Math.max(max, millis(mtta.get(p).mean()));
      max = Math.max(max, millis(mttr.get(p).mean()));
    }
    int groups = mtta.size();
    int height = 70 + groups * 2 * ROW + groups * 12;
    StringBuilder svg = open(height, "Mean time to acknowledge and to resolve by priority");
    svg.append(rect(LEFT, 8, 14, 12, "#42a5f5")).append(text(LEFT + 20, 18, "MTTA (mean)", "start", "#1d2330"));
    svg.append(rect(LEFT + 140, 8, 14, 12, "#7e57c2")).append(text(LEFT + 160, 18, "MTTR (mean)", "start", "#1d2330"));
    double plot = WIDTH - LEFT - RIGHT - 80;
    int y = 34;
    for (String p : mtta.keySet()) {
      svg.append(text(8, y + ROW, p, "start", "#1d2330"));
      bar(svg, y, mtta.get(p).mean(), max, plot, "#42a5f5");
      bar(svg, y + ROW, mttr.get(p).mean(), max, plot, "#7e57c2");
      y += 2 * ROW + 12;
    }
    return svg.append("</svg>\n").toString();
  }

  private static void bar(StringBuilder svg, int y, Duration value, long max, double plot, String colour) {
    double w = value == null ? 0 : plot * value.toMillis() / max;
    svg.append(rect(LEFT, y + 2, Math.max(w, 1), ROW - 6, colour));
    svg.append(text(LEFT + w + 6, y + 14, value == null ? "none" : Text.duration(value), "start", "#1d2330"));
  }

  private static long millis(Duration d) {
    return d == null ? 0 : d.toMillis();
  }

  private static void deadline(StringBuilder svg, Axis axis, Instant at, String label, int height, String colour) {
    if (!at.isAfter(axis.end)) {
      double x = axis.x(at);
      svg.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"22\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-dasharray=\"4 3\"/>\n",
          x, x, height - 40, colour));
      svg.append(text(x + 3, 18, label, "start", colour));
    }
  }

  private static void omitted(StringBuilder svg, int omitted, int height) {
    if (omitted > 0) {
      svg.append(text(8, height - 4, "(" + omitted + " more not drawn; see the table)", "start", "#777"));
    }
  }

  private static StringBuilder open(int height, String label) {
    return new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\""
            + " aria-label=\"%s\" font-family=\"sans-serif\" font-size=\"12\">\n",
        WIDTH, height, WIDTH, height, HtmlRenderer.escape(label)));
  }

  private static String rect(double x, double y, double w, double h, String fill) {
    return String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
        x, y, w, h, fill);
  }

  private static String text(double x, double y, String s, String anchor, String fill) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"%s\">%s</text>\n",
        x, y, anchor, fill, HtmlRenderer.escape(s));
  }

  private static String colour(String type) {
    return switch (type) {
      case "OPENED", "ALERT_ADDED" -> "#c62828";
      case "PAGED", "ESCALATED", "PRIORITY_RAISED" -> "#ef6c00";
      case "ACKNOWLEDGED" -> "#1565c0";
      case "RESOLVED", "ALERT_RESOLVED" -> "#2e7d32";
      default -> "#607d8b";
    };
  }

  /** A linear time axis over the plot area, with five labelled ticks. */
  private static final class Axis {
    final Instant start;
    final Instant end;

    Axis(Instant start, Instant end) {
      this.start = start;
      this.end = end;
    }

    double x(Instant at) {
      double span = end.toEpochMilli() - start.toEpochMilli();
      double offset = Math.max(0, Math.min(span, at.toEpochMilli() - start.toEpochMilli()));
      return LEFT + (WIDTH - LEFT - RIGHT) * offset / span;
    }

    void ticks(StringBuilder svg, Text text, int y) {
      svg.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n", LEFT, y, WIDTH - RIGHT, y));
      List<Instant> ticks = new ArrayList<>();
      long span = end.toEpochMilli() - start.toEpochMilli();
      for (int k = 0; k <= 4; k++) {
        ticks.add(Instant.ofEpochMilli(start.toEpochMilli() + span * k / 4));
      }
      for (int k = 0; k < ticks.size(); k++) {
        double x = x(ticks.get(k));
        String anchor = k == 0 ? "start" : k == ticks.size() - 1 ? "end" : "middle";
        svg.append(String.format(Locale.ROOT,
            "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\"/>\n", x, y, x, y + 5));
        svg.append(Charts.text(x, y + 18, text.time(ticks.get(k)).substring(0, 16), anchor, "#444"));
      }
    }
  }
}
