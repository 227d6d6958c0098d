package io.pagewire.reports.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReportFolderTest {

  private final PagewireConfig config = PagewireConfig.defaults();

  @Test
  void shouldLeaveOutIncidentsWhoseOpeningWasNotReplayed() {
    ReportFolder folder = new ReportFolder(config, ReportQuery.all());
    folder.accept(TimelineEvent.newBuilder().setEventId("x/acknowledged").setIncidentId("x")
        .setType(TimelineEventType.ACKNOWLEDGED).setActor("alice").setLevel(1).setDetail("")
        .setAt(Instant.parse("2024-03-04T10:00:00Z")).build());

    assertThat(folder.incidents(Instant.parse("2024-03-05T00:00:00Z"))).isEmpty();
  }

  @Test
  void shouldFallBackToTheTimelineForPriorityAndRecipientWithoutOtherTopics() {
    ReportFolder folder = new ReportFolder(config, ReportQuery.all());
    Instant opened = Instant.parse("2024-03-04T10:00:00Z");
    folder.accept(TimelineEvent.newBuilder().setEventId("x/1").setIncidentId("x").setType(TimelineEventType.OPENED)
        .setDetail("P1 Disk (label severity=warning)").setAt(opened).build());
    folder.accept(TimelineEvent.newBuilder().setEventId("x/paged/1").setIncidentId("x").setType(TimelineEventType.PAGED)
        .setLevel(1).setDetail("paged primary-oncall via console (step 1 of 6)").setAt(opened).build());

    IncidentFacts x = folder.incidents(opened.plusSeconds(60)).get(0);
    assertThat(x.priority()).isEqualTo(io.pagewire.schemas.Priority.P1);
    assertThat(x.team()).isEqualTo(IncidentFacts.UNASSIGNED);
    assertThat(x.pages()).containsExactly(new IncidentFacts.Page(1, opened, 1, "primary-oncall", "NO_RECEIPT"));
    assertThat(x.acknowledge().status()).isEqualTo(SlaCheck.Status.PENDING);
  }
}
