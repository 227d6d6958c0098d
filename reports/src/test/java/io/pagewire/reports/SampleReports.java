package io.pagewire.reports;

import io.pagewire.reports.model.Report;
import io.pagewire.reports.model.ReportQuery;

/** Reports of the scripted week, for renderer tests and the screenshot. */
public final class SampleReports {

  private SampleReports() {}

  /** The whole week; {@code seed} picks how the topics interleave. */
  public static Report week(long seed) {
    return ScenarioFoldTest.fold(ReportQuery.all(), seed);
  }

  /** The report of inc-b, the incident that escalated to the last level. */
  public static Report incidentB(long seed) {
    return ScenarioFoldTest.fold(ReportQuery.incident("inc-b"), seed);
  }

  /** The same report built again from scratch. */
  public static Report rebuild(Report report) {
    return ScenarioFoldTest.fold(report.query(), 99);
  }
}
