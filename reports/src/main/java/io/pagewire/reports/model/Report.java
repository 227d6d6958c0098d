package io.pagewire.reports.model;

import io.pagewire.platform.config.PagewireConfig;
import java.time.Instant;
import java.util.List;

/** A report: of one incident, or of a period. Both carry what they were built from. */
public sealed interface Report permits IncidentReport, PeriodReport {

  ReportQuery query();

  /** The time open SLA clocks were judged at: {@code --to}, else the latest record replayed. */
  Instant asOf();

  Source source();

  /**
   * How much was replayed.
   *
   * @param recordsRead records read from the topics
   * @param recordsSkipped records that could not be decoded (logged with their coordinates)
   */
  record Source(long recordsRead, long recordsSkipped) {}

  /**
   * Builds the report the query asks for from what {@code folder} has folded.
   *
   * @return the incident report, or null when the query names an incident the topics do not hold
   */
  static Report build(PagewireConfig config, ReportQuery query, ReportFolder folder, Source source) {
    Instant latest = folder.latest();
    Instant asOf = query.to() != null ? query.to() : latest != null ? latest : Instant.EPOCH;
    List<IncidentFacts> incidents = folder.incidents(asOf);
    if (query.single().isPresent()) {
      return incidents.isEmpty() ? null : new IncidentReport(query, asOf, source, incidents.get(0));
    }
    return PeriodReport.of(config, query, asOf, source, incidents, folder.noisiestAlerts(PeriodReport.NOISIEST));
  }
}
