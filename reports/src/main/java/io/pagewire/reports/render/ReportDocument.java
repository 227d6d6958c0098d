package io.pagewire.reports.render;

import io.pagewire.reports.model.DurationStats;
import io.pagewire.reports.model.IncidentFacts;
import io.pagewire.reports.model.IncidentReport;
import io.pagewire.reports.model.PeriodReport;
import io.pagewire.reports.model.Report;
import io.pagewire.reports.model.Retrospective;
import io.pagewire.reports.model.SlaCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What a report says, as blocks, independent of the output format. */
final class ReportDocument {

  private final Text text;
  private final List<Block> blocks = new ArrayList<>();

  private ReportDocument(Text text) {
    this.text = text;
  }

  static String title(Report report) {
    if (report instanceof IncidentReport r) {
      return "Post-incident report: " + r.incident().title() + " (" + r.incident().incidentId() + ")";
    }
    return "Incident report: " + period((PeriodReport) report);
  }

  static List<Block> build(Report report, Text text) {
    ReportDocument doc = new ReportDocument(text);
    if (report instanceof IncidentReport r) {
      doc.incident(r);
    } else {
      doc.period((PeriodReport) report, text);
    }
    doc.paragraph("Replayed " + report.source().recordsRead() + " records; " + report.source().recordsSkipped()
        + " could not be read and were skipped. Open SLA clocks judged as of " + text.time(report.asOf())
        + ". Times are in " + report.query().zone() + ".");
    return doc.blocks;
  }

  private static String period(PeriodReport r) {
    Text utc = new Text(r.query().zone());
    String from = r.query().from() == null ? "the beginning" : utc.time(r.query().from());
    String to = r.query().to() == null ? "the end of the topics" : utc.time(r.query().to());
    StringBuilder filters = new StringBuilder();
    if (r.query().team() != null) {
      filters.append(", team ").append(r.query().team());
    }
    if (r.query().service() != null) {
      filters.append(", service ").append(r.query().service());
    }
    if (r.query().priority() != null) {
      filters.append(", priority ").append(r.query().priority());
    }
    return from + " to " + to + filters;
  }

  private void incident(IncidentReport report) {
    IncidentFacts i = report.incident();
    heading(1, title(report));
    paragraph("Priority " + i.priority() + ", severity " + PeriodReport.severityName(i.severity()) + ", team "
        + i.team() + ".");
    heading(2, "Impact");
    table(List.of("", ""), List.of(
        List.of("Services", i.services().isEmpty() ? Text.NONE : String.join(", ", i.services())),
        List.of("Alerts", i.alerts().isEmpty() ? Text.NONE : i.alerts().stream()
            .map(a -> a.alertname() + " (" + a.fingerprint() + ", firing since " + text.time(a.startsAt()) + ")")
            .collect(Collectors.joining("; "))),
        List.of("Start (first alert firing)", text.time(i.impactStart())),
        List.of("Detected (incident opened)", text.time(i.openedAt())),
        List.of("Acknowledged", i.acknowledgedAt() == null ? "not acknowledged"
            : text.time(i.acknowledgedAt()) + " by " + Text.orNone(i.acknowledgedBy())),
        List.of("End (resolved)", i.impactEnd() == null ? "still open" : text.time(i.impactEnd()) + " by " + i.resolvedBy()),
        List.of("Duration", i.impactDuration() == null ? "still open" : Text.duration(i.impactDuration()))));
    heading(2, "Response times against the " + i.priority() + " SLA");
    table(List.of("", "actual", "target", "status"), List.of(
        List.of("Time to detect", Text.duration(i.timeToDetect()), Text.NONE, Text.NONE),
        sla("Time to acknowledge", i.acknowledge()),
        sla("Time to resolve", i.resolve())));
    paragraph("SLA breaches: " + (i.breaches().isEmpty() ? "none" : String.join(", ", i.breaches())) + ".");
    chart("Timeline", Charts.incidentTimeline(i, text));
    heading(2, "Timeline");
    table(List.of("time", "event", "who", "level", "detail"), i.timeline().stream()
        .map(e -> List.of(text.time(e.at()), e.type(), e.actor() == null ? "system" : e.actor(),
            e.level() == null ? Text.NONE : e.level().toString(), Text.orNone(e.detail())))
        .toList());
    heading(2, "Pages");
    paragraph(i.pages().size() + " pages, " + i.escalations() + " escalations, highest level " + i.highestLevel()
        + (i.reachedLastLevel() ? " (the last level of the policy)" : "") + ".");
    table(List.of("step", "time", "level", "recipient", "delivery"), i.pages().stream()
        .map(p -> List.of(Integer.toString(p.step()), text.time(p.at()), Integer.toString(p.level()), p.recipient(),
            p.delivery().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')))
        .toList());
    heading(3, "Pages per person");
    counts("recipient", "pages", i.pagesPerPerson());
    retrospective(i.retrospective());
  }

  /** Comments are not repeated here: they are NOTE_ADDED entries of the timeline above. */
  private void retrospective(Retrospective r) {
    notes("Root cause", r.rootCauses());
    notes("Resolution", r.resolutions());
    notes("Lessons learned", r.lessonsLearned());
    heading(2, "Action items");
    if (r.actionItems().isEmpty()) {
      paragraph(Text.NOT_RECORDED);
    } else {
      table(List.of("action", "owner", "due", "recorded by", "recorded at"), r.actionItems().stream()
          .map(a -> List.of(a.description(), Text.orNone(a.owner()), Text.date(a.due()), a.author(), text.time(a.at())))
          .toList());
    }
  }

  private void notes(String title, List<Retrospective.Note> notes) {
    heading(2, title);
    if (notes.isEmpty()) {
      paragraph(Text.NOT_RECORDED);
    } else {
      table(List.of("note", "recorded by", "recorded at"), notes.stream()
          .map(n -> List.of(n.text(), n.author(), text.time(n.at()))).toList());
    }
  }

  private List<String> sla(String name, SlaCheck check) {
    return List.of(name, check.actual() == null ? "not yet" : Text.duration(check.actual()),
        Text.duration(check.target()), Text.status(check));
  }

  private void period(PeriodReport r, Text text) {
    heading(1, title(r));
    paragraph(r.incidents().size() + " incidents opened in the period.");
    heading(2, "Incidents");
    table(List.of("opened", "incident", "title", "priority", "severity", "team", "acknowledge", "resolve", "breaches"),
        r.incidents().stream().map(i -> List.of(text.time(i.openedAt()), i.incidentId(), i.title(),
            i.priority().name(), PeriodReport.severityName(i.severity()), i.team(),
            Text.duration(i.acknowledge().actual()), Text.duration(i.resolve().actual()),
            i.breaches().isEmpty() ? Text.NONE : String.join(", ", i.breaches()))).toList());
    chart("Incident timeline", Charts.periodTimeline(r, text));
    heading(2, "Incidents by priority");
    counts("priority", "incidents", r.byPriority());
    heading(2, "Incidents by severity");
    counts("severity", "incidents", r.bySeverity());
    heading(2, "MTTA and MTTR by priority");
    paragraph("Time to acknowledge counts acknowledged incidents, time to resolve resolved ones, both from the"
        + " incident opening. Median of an even count: mean of the middle two; p90: nearest rank.");
    chart("Mean time to acknowledge and to resolve by priority", Charts.mttaMttrByPriority(r));
    stats("priority", r.mttaByPriority(), r.mttrByPriority());
    heading(2, "MTTA and MTTR by team");
    paragraph(Text.TEAM_NOTE);
    stats("team", r.mttaByTeam(), r.mttrByTeam());
    heading(2, "SLA compliance by priority");
    table(List.of("priority", "acknowledge within", "acknowledged in time", "resolve within", "resolved in time"),
        r.slaByPriority().entrySet().stream().map(e -> List.of(e.getKey(),
            Text.duration(e.getValue().acknowledgeWithin()), Text.percent(e.getValue().acknowledge()),
            Text.duration(e.getValue().resolveWithin()), Text.percent(e.getValue().resolve()))).toList());
    heading(2, "Noisiest alerts");
    paragraph("Firing alert notifications received in the period (Alertmanager repeats firing alerts) and distinct"
        + " firings (fingerprint and start time).");
    table(List.of("alert", "notifications", "firings"), r.noisiestAlerts().stream()
        .map(a -> List.of(a.alertname(), Long.toString(a.notifications()), Long.toString(a.firings()))).toList());
    heading(2, "Pages per person");
    counts("recipient", "pages", r.pagesPerPerson());
    heading(2, "Out-of-hours pages");
    paragraph(r.outOfHoursPages().size() + " pages outside business hours (Monday to Friday 09:00-17:00 in "
        + r.query().zone() + ").");
    table(List.of("time", "incident", "recipient"), r.outOfHoursPages().stream()
        .map(p -> List.of(text.time(p.at()), p.incidentId(), p.recipient())).toList());
    heading(2, "Escalations that reached the last level");
    paragraph(r.reachedLastLevel().isEmpty() ? "None." : String.join(", ", r.reachedLastLevel()));
    heading(2, "Open action items");
    paragraph("Action items recorded on the period's incidents; nothing records an item as done, so all are listed.");
    table(List.of("due", "owner", "incident", "action"), r.openActionItems().stream()
        .map(a -> List.of(Text.date(a.due()), Text.orNone(a.owner()), a.incidentId(), a.description())).toList());
  }

  private void stats(String key, Map<String, DurationStats> mtta, Map<String, DurationStats> mttr) {
    List<List<String>> rows = new ArrayList<>();
    mtta.forEach((group, a) -> {
      List<String> row = new ArrayList<>(List.of(group));
      row.addAll(List.of(Text.stats(a)));
      row.addAll(List.of(Text.stats(mttr.get(group))));
      rows.add(row);
    });
    table(List.of(key, "acknowledged", "MTTA mean", "MTTA median", "MTTA p90",
        "resolved", "MTTR mean", "MTTR median", "MTTR p90"), rows);
  }

  private void counts(String key, String value, Map<String, Long> counts) {
    table(List.of(key, value), counts.entrySet().stream()
        .map(e -> List.of(e.getKey(), e.getValue().toString())).toList());
  }

  private void heading(int level, String s) {
    blocks.add(new Block.Heading(level, s));
  }

  private void paragraph(String s) {
    blocks.add(new Block.Paragraph(s));
  }

  private void table(List<String> head, List<List<String>> rows) {
    blocks.add(new Block.Table(head, rows));
  }

  private void chart(String title, String svg) {
    blocks.add(new Block.Chart(title, svg));
  }
}
