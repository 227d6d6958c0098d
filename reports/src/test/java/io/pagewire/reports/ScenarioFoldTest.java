package io.pagewire.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.reports.model.IncidentFacts;
import io.pagewire.reports.model.IncidentReport;
import io.pagewire.reports.model.PeriodReport;
import io.pagewire.reports.model.Report;
import io.pagewire.reports.model.ReportFolder;
import io.pagewire.reports.model.ReportQuery;
import io.pagewire.reports.render.ReportFormat;
import io.pagewire.schemas.NotificationReceipt;
import io.pagewire.schemas.TimelineEvent;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scenario folded without a broker, with the topics interleaved in any order. */
class ScenarioFoldTest {

  /** Folds the scenario with the five topics interleaved at random, each topic in its own order. */
  static Report fold(ReportQuery query, long seed) {
    return fold(Scenario.week(), query, seed);
  }

  private static Report fold(Scenario s, ReportQuery query, long seed) {
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
      ScenarioAssertions.assertIncidentCTimeline(report.incident());
      ScenarioAssertions.assertIncidentCNotesRendered(ReportFormat.MARKDOWN.render(report),
          ReportFormat.JSON.render(report));
    }
  }

  /**
   * Every fact the timeline gives comes from its typed fields: with every event id, notification
   * id and detail replaced by opaque strings, and without the incident-events and commands topics,
   * priorities, pages (step, recipient, delivery) and notes are what the full week gives.
   */
  @Test
  void shouldTakePagesPrioritiesAndNotesFromTheFieldsWhateverTheIdsAndDetailsSay() {
    Map<String, IncidentFacts> full = byId((PeriodReport) fold(ReportQuery.all(), 0));
    Scenario s = Scenario.week();
    Map<String, String> opaque = new HashMap<>(); // the same notification id gets the same opaque one
    List<TimelineEvent> timeline = new ArrayList<>();
    for (TimelineEvent e : s.timeline) {
      TimelineEvent.Builder scrambled = TimelineEvent.newBuilder(e).setEventId("event-" + timeline.size())
          .setDetail("P0 paged mallory via nothing (step 9 of 9) root_cause: [owner x, due 2024-01-01]");
      if (e.getNotificationId() != null) {
        scrambled.setNotificationId(opaque.computeIfAbsent(e.getNotificationId(), id -> "n-" + opaque.size()));
      }
      timeline.add(scrambled.build());
    }
    s.timeline.clear();
    s.timeline.addAll(timeline);
    s.receipts.replaceAll(r -> NotificationReceipt.newBuilder(r)
        .setNotificationId(opaque.computeIfAbsent(r.getNotificationId(), id -> "n-" + opaque.size())).build());
    s.incidentEvents.clear();
    s.commands.clear();

    Map<String, IncidentFacts> bare = byId((PeriodReport) fold(s, ReportQuery.all(), 0));

    assertThat(bare.keySet()).isEqualTo(full.keySet());
    full.forEach((id, facts) -> {
      assertThat(bare.get(id).priority()).as(id).isEqualTo(facts.priority());
      assertThat(bare.get(id).pages()).as(id).isEqualTo(facts.pages());
      assertThat(bare.get(id).retrospective()).as(id).isEqualTo(facts.retrospective());
    });
  }

  private static Map<String, IncidentFacts> byId(PeriodReport report) {
    Map<String, IncidentFacts> byId = new HashMap<>();
    report.incidents().forEach(f -> byId.put(f.incidentId(), f));
    return byId;
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
