package io.pagewire.reports;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.reports.model.IncidentReport;
import io.pagewire.reports.model.PeriodReport;
import io.pagewire.reports.model.Report;
import io.pagewire.reports.model.ReportFolder;
import io.pagewire.reports.model.ReportQuery;
import io.pagewire.reports.render.ReportFormat;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scenario folded without a broker, with the topics interleaved in any order. */
class ScenarioFoldTest {

  /** Folds the scenario with the five topics interleaved at random, each topic in its own order. */
  static Report fold(ReportQuery query, long seed) {
    Scenario s = Scenario.week();
    List<List<?>> topics = new ArrayList<>(List.of(s.alerts, s.incidentEvents, s.timeline, s.receipts, s.commands));
    ReportFolder folder = new ReportFolder(PagewireConfig.defaults(), query);
    Random random = new Random(seed);
    int[] next = new int[topics.size()];
    long total = 0;
    while (true) {
      List<Integer> open = new ArrayList<>();
      for (int k = 0; k < topics.size(); k++) {
        if (next[k] < topics.get(k).size()) {
          open.add(k);
        }
      }
      if (open.isEmpty()) {
        break;
      }
      Collections.shuffle(open, random);
      int k = open.get(0);
      Reports.fold(folder, topics.get(k).get(next[k]++));
      total++;
    }
    return Report.build(PagewireConfig.defaults(), query, folder, new Report.Source(total, 0));
  }

  @Test
  void shouldFoldTheWeekIntoTheFiguresItImpliesWhateverTheInterleaving() {
    for (long seed = 0; seed < 5; seed++) {
      ScenarioAssertions.assertWeek((PeriodReport) fold(ReportQuery.all(), seed));
    }
  }

  @Test
  void shouldFoldOnlyTheNotesEscalationAcceptedWhateverTheInterleaving() throws Exception {
    for (long seed = 0; seed < 5; seed++) {
      IncidentReport report = (IncidentReport) fold(ReportQuery.incident("inc-c"), seed);
      ScenarioAssertions.assertIncidentCNotes(report.incident());
      ScenarioAssertions.assertIncidentCNotesRendered(ReportFormat.MARKDOWN.render(report),
          ReportFormat.JSON.render(report));
    }
  }

  @Test
  void shouldCountPagesOutsideBusinessHoursInTheGivenZone() {
    ScenarioAssertions.assertNewYorkOutOfHours((PeriodReport) fold(ReportQuery.all().withZone(ZoneId.of("America/New_York")), 1));
  }

  @Test
  void shouldJudgeOneIncidentAsOfItsOwnLastRecord() {
    ScenarioAssertions.assertIncidentA((IncidentReport) fold(ReportQuery.incident("inc-a"), 2));
  }
}
