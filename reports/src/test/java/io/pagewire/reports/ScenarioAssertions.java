package io.pagewire.reports;

import static io.pagewire.reports.Scenario.t;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.platform.http.Json;

import io.pagewire.reports.model.Compliance;
import io.pagewire.reports.model.DurationStats;
import io.pagewire.reports.model.IncidentFacts;
import io.pagewire.reports.model.IncidentFacts.Entry;
import io.pagewire.reports.model.IncidentFacts.Page;
import io.pagewire.reports.model.IncidentReport;
import io.pagewire.reports.model.PeriodReport;
import io.pagewire.reports.model.PeriodReport.OpenActionItem;
import io.pagewire.reports.model.PeriodReport.OutOfHoursPage;
import io.pagewire.reports.model.PeriodReport.SlaCompliance;
import io.pagewire.reports.model.ReportFolder.NoisyAlert;
import io.pagewire.reports.model.Retrospective;
import io.pagewire.reports.model.Retrospective.ActionItem;
import io.pagewire.reports.model.Retrospective.Note;
import io.pagewire.reports.model.SlaCheck;
import io.pagewire.reports.model.SlaCheck.Status;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Severity;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** Every figure {@link Scenario#week()} implies, worked out by hand from its times. */
final class ScenarioAssertions {

  private static final Duration M = Duration.ofMinutes(1);
  private static final Duration H = Duration.ofHours(1);

  private ScenarioAssertions() {}

  static DurationStats one(Duration d) {
    return new DurationStats(1, d, d, d);
  }

  static final DurationStats NONE = new DurationStats(0, null, null, null);

  /** The whole week, all filters off, zone UTC, as of the last record (inc-b resolved 2024-03-09 12:00). */
  static void assertWeek(PeriodReport r) {
    assertThat(r.asOf()).isEqualTo(t("2024-03-09T12:00:00Z"));
    assertThat(r.incidents()).extracting(IncidentFacts::incidentId).containsExactly("inc-a", "inc-c", "inc-d", "inc-b");
    assertThat(r.byPriority()).containsExactly(Map.entry("P0", 1L), Map.entry("P1", 1L), Map.entry("P2", 1L),
        Map.entry("P3", 0L), Map.entry("P4", 1L));
    assertThat(r.bySeverity()).containsExactly(Map.entry("SEV-1", 1L), Map.entry("SEV-2", 1L), Map.entry("SEV-3", 1L),
        Map.entry("none", 1L));
    // TTA: a 18m, b 2h10m, c 30m, d never. TTR: a 1h, b 10h, c 1h, d open.
    assertThat(r.mttaByPriority()).containsExactly(Map.entry("P0", one(M.multipliedBy(18))),
        Map.entry("P1", one(H.multipliedBy(2).plus(M.multipliedBy(10)))), Map.entry("P2", one(M.multipliedBy(30))),
        Map.entry("P4", NONE));
    assertThat(r.mttrByPriority()).containsExactly(Map.entry("P0", one(H)), Map.entry("P1", one(H.multipliedBy(10))),
        Map.entry("P2", one(H)), Map.entry("P4", NONE));
    // payments: a 18m and c 30m -> mean 24m, median (18+30)/2 = 24m, p90 nearest rank = 30m.
    assertThat(r.mttaByTeam()).containsExactly(
        Map.entry("payments", new DurationStats(2, M.multipliedBy(24), M.multipliedBy(24), M.multipliedBy(30))),
        Map.entry("unassigned", one(H.multipliedBy(2).plus(M.multipliedBy(10)))));
    assertThat(r.mttrByTeam()).containsExactly(Map.entry("payments", new DurationStats(2, H, H, H)),
        Map.entry("unassigned", one(H.multipliedBy(10))));
    assertThat(r.slaByPriority()).containsExactly(
        Map.entry("P0", new SlaCompliance(M.multipliedBy(15), new Compliance(0, 1, 0), H.multipliedBy(4), new Compliance(1, 0, 0))),
        Map.entry("P1", new SlaCompliance(H, new Compliance(0, 1, 0), H.multipliedBy(8), new Compliance(0, 1, 0))),
        Map.entry("P2", new SlaCompliance(H.multipliedBy(4), new Compliance(1, 0, 0), H.multipliedBy(24), new Compliance(1, 0, 0))),
        // inc-d, P4 on the business-hours clock, opened Fri 08:00: its one business day (8h) to
        // acknowledge ended Fri 17:00 (breached); its business week (40h) to resolve still runs.
        Map.entry("P4", new SlaCompliance(H.multipliedBy(8), new Compliance(0, 1, 0), H.multipliedBy(40), new Compliance(0, 0, 1))));
    assertThat(r.slaByPriority().get("P0").acknowledge().percent()).isEqualTo(0.0);
    assertThat(r.slaByPriority().get("P2").resolve().percent()).isEqualTo(100.0);
    assertThat(r.slaByPriority().get("P4").resolve().percent()).isNull();
    assertThat(r.noisiestAlerts()).containsExactly(new NoisyAlert("HighErrorRate", 2, 1), new NoisyAlert("DiskFull", 1, 1),
        new NoisyAlert("Reminder", 1, 1), new NoisyAlert("SearchLatency", 1, 1));
    assertThat(r.pagesPerPerson()).containsExactly(Map.entry("engineering-manager", 1L), Map.entry("primary-oncall", 3L),
        Map.entry("secondary-oncall", 2L));
    assertThat(r.outOfHoursPages()).containsExactly(
        new OutOfHoursPage("inc-b", t("2024-03-09T02:00:00Z"), "2024-03-09T02:00Z", "primary-oncall"),
        new OutOfHoursPage("inc-b", t("2024-03-09T03:00:00Z"), "2024-03-09T03:00Z", "secondary-oncall"),
        new OutOfHoursPage("inc-b", t("2024-03-09T04:00:00Z"), "2024-03-09T04:00Z", "engineering-manager"));
    assertThat(r.reachedLastLevel()).containsExactly("inc-b");
    assertThat(r.openActionItems()).containsExactly(
        new OpenActionItem("inc-c", "alert on disk usage at 80%", "carol", LocalDate.of(2024, 3, 12), "cmd-c4"),
        new OpenActionItem("inc-c", "audit log rotation on every database host", null, null, "cmd-c5"));
    assertIncidentA(r.incidents().get(0));
    assertIncidentCNotes(r.incidents().get(1));
    assertThat(r.incidents().get(3).retrospective()).isEqualTo(Retrospective.NOT_RECORDED);
    // A period report shows no incident's timeline, so the replay keeps none (memory per incident, not per event).
    assertThat(r.incidents()).allSatisfy(i -> assertThat(i.timeline()).isEmpty());
  }

  /**
   * inc-c's notes: the five escalation accepted, with the fields of their commands; the comment
   * only in the timeline; mallory's, which escalation did not accept, nowhere.
   */
  static void assertIncidentCNotes(IncidentFacts c) {
    assertThat(c.incidentId()).isEqualTo("inc-c");
    Retrospective r = c.retrospective();
    assertThat(r.rootCauses()).containsExactly(
        new Note("cmd-c1", "log rotation was disabled on checkout-db-2", "carol", t("2024-03-05T15:10:00Z")));
    assertThat(r.resolutions()).containsExactly(
        new Note("cmd-c2", "deleted old WAL segments, re-enabled rotation", "carol", t("2024-03-05T15:12:00Z")));
    assertThat(r.lessonsLearned()).containsExactly(
        new Note("cmd-c3", "a disk alert at 95% leaves no time to act", "dave", t("2024-03-05T15:20:00Z")));
    assertThat(r.actionItems()).containsExactly(
        new ActionItem("cmd-c4", "alert on disk usage at 80%", "carol", LocalDate.of(2024, 3, 12), "dave",
            t("2024-03-05T15:25:00Z")),
        new ActionItem("cmd-c5", "audit log rotation on every database host", null, null, "dave",
            t("2024-03-05T15:26:00Z")));
  }

  /** inc-c's timeline, as its own report shows it: the comment is there, mallory's note is not. */
  static void assertIncidentCTimeline(IncidentFacts c) {
    assertThat(c.timeline()).extracting(Entry::type).containsExactly("OPENED", "PAGED", "ACKNOWLEDGED", "RESOLVED",
        "NOTE_ADDED", "NOTE_ADDED", "NOTE_ADDED", "NOTE_ADDED", "NOTE_ADDED", "NOTE_ADDED");
    assertThat(c.timeline()).contains(new Entry(t("2024-03-05T15:30:00Z"), "NOTE_ADDED", "erin", null, "comment: thanks all"));
    assertThat(c.timeline()).extracting(Entry::detail).noneMatch(d -> d.contains("cosmic rays"));
  }

  /** inc-c's notes as the Markdown and JSON post-incident reports print them. */
  static void assertIncidentCNotesRendered(String markdown, String json) throws Exception {
    assertThat(markdown)
        .contains("## Root cause\n\n| note | recorded by | recorded at |\n|---|---|---|\n"
            + "| log rotation was disabled on checkout-db-2 | carol | 2024-03-05 15:10:00 +00:00 |\n")
        .contains("## Resolution\n\n| note | recorded by | recorded at |\n|---|---|---|\n"
            + "| deleted old WAL segments, re-enabled rotation | carol | 2024-03-05 15:12:00 +00:00 |\n")
        .contains("## Lessons learned\n\n| note | recorded by | recorded at |\n|---|---|---|\n"
            + "| a disk alert at 95% leaves no time to act | dave | 2024-03-05 15:20:00 +00:00 |\n")
        .contains("## Action items\n\n| action | owner | due | recorded by | recorded at |\n|---|---|---|---|---|\n"
            + "| alert on disk usage at 80% | carol | 2024-03-12 | dave | 2024-03-05 15:25:00 +00:00 |\n"
            + "| audit log rotation on every database host | — | — | dave | 2024-03-05 15:26:00 +00:00 |\n")
        .contains("| 2024-03-05 15:30:00 +00:00 | NOTE_ADDED | erin | — | comment: thanks all |")
        .doesNotContain("Not recorded", "cosmic rays");
    JsonNode r = Json.MAPPER.readTree(json).at("/incident/retrospective");
    assertThat(r.at("/rootCauses/0/text").asText()).isEqualTo("log rotation was disabled on checkout-db-2");
    assertThat(r.at("/rootCauses/0/author").asText()).isEqualTo("carol");
    assertThat(r.at("/rootCauses/0/at").asText()).isEqualTo("2024-03-05T15:10:00Z");
    assertThat(r.at("/rootCauses").size()).isEqualTo(1);
    assertThat(r.at("/resolutions/0/text").asText()).isEqualTo("deleted old WAL segments, re-enabled rotation");
    assertThat(r.at("/lessonsLearned/0/author").asText()).isEqualTo("dave");
    assertThat(r.at("/actionItems/0/description").asText()).isEqualTo("alert on disk usage at 80%");
    assertThat(r.at("/actionItems/0/owner").asText()).isEqualTo("carol");
    assertThat(r.at("/actionItems/0/due").asText()).isEqualTo("2024-03-12");
    assertThat(r.at("/actionItems/1/description").asText()).isEqualTo("audit log rotation on every database host");
    assertThat(r.at("/actionItems/1/owner").isNull()).isTrue();
    assertThat(r.at("/actionItems/1/due").isNull()).isTrue();
  }

  /** America/New_York is UTC-5 that week: a's pages fall at 05:02 and 05:17, c's exactly at 09:00 (in hours). */
  static void assertNewYorkOutOfHours(PeriodReport r) {
    assertThat(r.outOfHoursPages()).extracting(OutOfHoursPage::incidentId, OutOfHoursPage::localTime).containsExactly(
        org.assertj.core.groups.Tuple.tuple("inc-a", "2024-03-04T05:02-05:00"),
        org.assertj.core.groups.Tuple.tuple("inc-a", "2024-03-04T05:17-05:00"),
        org.assertj.core.groups.Tuple.tuple("inc-b", "2024-03-08T21:00-05:00"),
        org.assertj.core.groups.Tuple.tuple("inc-b", "2024-03-08T22:00-05:00"),
        org.assertj.core.groups.Tuple.tuple("inc-b", "2024-03-08T23:00-05:00"));
  }

  static void assertIncidentA(IncidentReport r) {
    assertThat(r.asOf()).isEqualTo(t("2024-03-04T11:02:01Z"));
    assertIncidentA(r.incident());
    assertThat(r.incident().timeline()).extracting(Entry::type).containsExactly(
        "OPENED", "PAGED", "ESCALATED", "PAGED", "ACKNOWLEDGED", "ALERT_RESOLVED", "RESOLVED");
    assertThat(r.incident().timeline().get(4))
        .isEqualTo(new Entry(t("2024-03-04T10:20:00Z"), "ACKNOWLEDGED", "alice", 2, "looking"));
  }

  static void assertIncidentA(IncidentFacts a) {
    assertThat(a.incidentId()).isEqualTo("inc-a");
    assertThat(a.title()).isEqualTo("HighErrorRate checkout");
    assertThat(a.priority()).isEqualTo(Priority.P0);
    assertThat(a.severity()).isEqualTo(Severity.SEV_1);
    assertThat(a.team()).isEqualTo("payments");
    assertThat(a.services()).containsExactly("checkout");
    assertThat(a.alerts()).containsExactly(new IncidentFacts.AlertRef("HighErrorRate", "fp-a1", t("2024-03-04T10:00:00Z")));
    assertThat(a.impactStart()).isEqualTo(t("2024-03-04T10:00:00Z"));
    assertThat(a.openedAt()).isEqualTo(t("2024-03-04T10:02:00Z"));
    assertThat(a.acknowledgedAt()).isEqualTo(t("2024-03-04T10:20:00Z"));
    assertThat(a.acknowledgedBy()).isEqualTo("alice");
    assertThat(a.impactEnd()).isEqualTo(t("2024-03-04T11:02:00Z"));
    assertThat(a.resolvedBy()).isEqualTo("alice");
    assertThat(a.impactDuration()).isEqualTo(H.plus(M.multipliedBy(2)));
    assertThat(a.timeToDetect()).isEqualTo(M.multipliedBy(2));
    assertThat(a.acknowledge()).isEqualTo(new SlaCheck(M.multipliedBy(18), M.multipliedBy(15), Status.BREACHED));
    assertThat(a.resolve()).isEqualTo(new SlaCheck(H, H.multipliedBy(4), Status.MET));
    assertThat(a.breaches()).containsExactly("acknowledge");
    assertThat(a.pages()).containsExactly(
        new Page(1, t("2024-03-04T10:02:00Z"), 1, "primary-oncall", "DELIVERED"),
        new Page(2, t("2024-03-04T10:17:00Z"), 2, "secondary-oncall", "DELIVERED"));
    assertThat(a.pagesPerPerson()).containsExactly(Map.entry("primary-oncall", 1L), Map.entry("secondary-oncall", 1L));
    assertThat(a.escalations()).isEqualTo(1);
    assertThat(a.highestLevel()).isEqualTo(2);
    assertThat(a.reachedLastLevel()).isFalse();
    assertThat(a.retrospective()).isEqualTo(Retrospective.NOT_RECORDED);
    assertThat(List.of(a.retrospective().rootCauses().isEmpty(), a.retrospective().actionItems().isEmpty()))
        .containsOnly(true);
  }
}
