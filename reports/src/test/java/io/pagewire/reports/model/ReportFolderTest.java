package io.pagewire.reports.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.DeliveryOutcome;
import io.pagewire.schemas.Ids;
import io.pagewire.schemas.NotificationReceipt;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
import java.time.Instant;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class ReportFolderTest {

  static {
    Objects.requireNonNull(io.pagewire.schemas.Topics.ALERTS); // initialises the Avro serdes the generated builders rely on
  }

  private static final Instant OPENED = Instant.parse("2024-03-04T10:00:00Z");
  /** Prose no escalation version wrote, and ids of no known shape: facts must come from the fields. */
  private static final String GARBAGE = "P0 paged mallory via nothing (step 9 of 9) [owner x, due 2024-01-01]";

  private final PagewireConfig config = PagewireConfig.defaults();
  private final ReportFolder folder = new ReportFolder(config, ReportQuery.all());

  @Test
  void shouldLeaveOutIncidentsWhoseOpeningWasNotReplayed() {
    folder.accept(TimelineEvent.newBuilder().setEventId("x/acknowledged").setIncidentId("x")
        .setType(TimelineEventType.ACKNOWLEDGED).setActor("alice").setLevel(1).setDetail("")
        .setAt(OPENED).build());

    assertThat(folder.incidents(Instant.parse("2024-03-05T00:00:00Z"))).isEmpty();
  }

  @Test
  void shouldTakePriorityStepAndRecipientFromTheTimelinesFieldsWithoutOtherTopics() {
    folder.accept(event("e-1", TimelineEventType.OPENED, OPENED).setPriority(Priority.P1).build());
    folder.accept(event("e-2", TimelineEventType.PAGED, OPENED).setLevel(1).setStep(1).setTotalSteps(6)
        .setRecipient("primary-oncall").setNotificationId("n-1").build());

    IncidentFacts x = only();
    assertThat(x.priority()).isEqualTo(Priority.P1);
    assertThat(x.team()).isEqualTo(IncidentFacts.UNASSIGNED);
    assertThat(x.pages()).containsExactly(new IncidentFacts.Page(1, OPENED, 1, "primary-oncall", "NO_RECEIPT"));
    assertThat(x.acknowledge().status()).isEqualTo(SlaCheck.Status.PENDING);
  }

  @Test
  void shouldTakeTheMostUrgentPriorityAnyTimelineEventGives() {
    folder.accept(event("e-1", TimelineEventType.OPENED, OPENED).setPriority(Priority.P3).build());
    folder.accept(event("e-2", TimelineEventType.PRIORITY_RAISED, OPENED.plusSeconds(60))
        .setPriority(Priority.P1).setPreviousPriority(Priority.P3).build());
    folder.accept(event("e-3", TimelineEventType.ALERT_ADDED, OPENED.plusSeconds(120)).setPriority(Priority.P1).build());

    assertThat(only().priority()).isEqualTo(Priority.P1);
  }

  @Test
  void shouldJoinEachPageToTheReceiptsOfItsNotificationId() {
    folder.accept(event("e-1", TimelineEventType.OPENED, OPENED).setPriority(Priority.P0).build());
    // Two users paged at step 2, and a re-notification of step 2: distinct notifications, one step.
    folder.accept(paged("e-2", 2, "alice", "n-2a", OPENED.plusSeconds(60)));
    folder.accept(paged("e-3", 2, "bob", "n-2b", OPENED.plusSeconds(60)));
    folder.accept(paged("e-4", 2, "alice", "n-r1", OPENED.plusSeconds(600)));
    folder.accept(receipt("n-2a", "alice", DeliveryOutcome.FAILED));
    folder.accept(receipt("n-2a", "alice", DeliveryOutcome.DELIVERED)); // a second contact method got it
    folder.accept(receipt("n-2b", "bob", DeliveryOutcome.FAILED));

    assertThat(only().pages()).containsExactly(
        new IncidentFacts.Page(2, OPENED.plusSeconds(60), 2, "alice", "DELIVERED"),
        new IncidentFacts.Page(2, OPENED.plusSeconds(60), 2, "bob", "FAILED"),
        new IncidentFacts.Page(2, OPENED.plusSeconds(600), 2, "alice", "NO_RECEIPT"));
    assertThat(only().pagesPerPerson()).containsEntry("alice", 2L).containsEntry("bob", 1L);
  }

  @Test
  void shouldIgnoreWhatIdsAndDetailsSayWhenTheFieldsSayOtherwise() {
    // Ids shaped like escalation's, saying step 7 and priority P0 in prose: the fields say step 2, P2.
    folder.accept(event(Ids.incidentEventId("x", 1), TimelineEventType.OPENED, OPENED).setPriority(Priority.P2).build());
    TimelineEvent paged = event(Ids.stepPagedEvent("x", 7), TimelineEventType.PAGED, OPENED).setLevel(2).setStep(2)
        .setTotalSteps(6).setRecipient("secondary-oncall").setNotificationId("opaque").build();
    folder.accept(paged);
    folder.accept(receipt(Ids.pageNotification("x", 7), "mallory", DeliveryOutcome.DELIVERED));

    IncidentFacts x = only();
    assertThat(x.priority()).isEqualTo(Priority.P2);
    assertThat(x.pages()).containsExactly(new IncidentFacts.Page(2, OPENED, 2, "secondary-oncall", "NO_RECEIPT"));
  }

  @Test
  void shouldGiveUnknownStepAndRecipientForPagesWrittenBeforeTheFieldsExisted() {
    folder.accept(event("x/1", TimelineEventType.OPENED, OPENED).setPriority(Priority.P1).build());
    folder.accept(TimelineEvent.newBuilder().setEventId("x/paged/5").setIncidentId("x").setType(TimelineEventType.PAGED)
        .setLevel(1).setDetail("paged primary-oncall via console (step 5 of 6)").setAt(OPENED).build());
    folder.accept(TimelineEvent.newBuilder().setEventId("x/paged/6").setIncidentId("x").setType(TimelineEventType.PAGED)
        .setLevel(2).setDetail("paged secondary-oncall via console (step 6 of 6)").setAt(OPENED.plusSeconds(60)).build());

    // Numbered in the order written, shown as their level: nothing is read out of the id or the detail.
    assertThat(only().pages()).containsExactly(
        new IncidentFacts.Page(1, OPENED, 1, "level 1", "NO_RECEIPT"),
        new IncidentFacts.Page(2, OPENED.plusSeconds(60), 2, "level 2", "NO_RECEIPT"));
  }

  @Test
  void shouldLeaveOutAnIncidentWhosePriorityNoRecordGives() {
    folder.accept(TimelineEvent.newBuilder().setEventId("x/1").setIncidentId("x").setType(TimelineEventType.OPENED)
        .setDetail("P1 Disk (label severity=warning)").setAt(OPENED).build());

    assertThat(folder.incidents(OPENED.plusSeconds(60))).isEmpty();
  }

  private IncidentFacts only() {
    return folder.incidents(OPENED.plusSeconds(3600)).get(0);
  }

  private static TimelineEvent.Builder event(String eventId, TimelineEventType type, Instant at) {
    return TimelineEvent.newBuilder().setEventId(eventId).setIncidentId("x").setType(type).setDetail(GARBAGE).setAt(at);
  }

  private static TimelineEvent paged(String eventId, int step, String recipient, String notificationId, Instant at) {
    return event(eventId, TimelineEventType.PAGED, at).setLevel(step).setStep(step).setTotalSteps(6)
        .setRecipient(recipient).setNotificationId(notificationId).build();
  }

  private static NotificationReceipt receipt(String notificationId, String recipient, DeliveryOutcome outcome) {
    return NotificationReceipt.newBuilder().setNotificationId(notificationId).setIncidentId("x").setChannel("console")
        .setRecipient(recipient).setOutcome(outcome).setAttempts(1).setLatencyMs(10).setAt(OPENED.plusSeconds(1))
        .build();
  }
}
