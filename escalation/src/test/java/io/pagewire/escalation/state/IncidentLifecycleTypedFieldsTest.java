package io.pagewire.escalation.state;

import static io.pagewire.escalation.IncidentFixtures.command;
import static io.pagewire.escalation.IncidentFixtures.event;
import static io.pagewire.escalation.IncidentFixtures.opened;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.escalation.links.LinkSigner;
import io.pagewire.escalation.topology.EscalationTopology;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.CommandType;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.Note;
import io.pagewire.schemas.NoteKind;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Escalation writes the facts other modules need as typed fields (step, total steps, recipient,
 * priority, note), so that reports and the notifier never read them out of ids or prose.
 */
class IncidentLifecycleTypedFieldsTest {

  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  private static final String ID = "inc-1";
  private static final PagewireConfig CONFIG = PagewireConfig.defaults()
      .withEscalation(new PagewireConfig.Escalation(List.of(
          new PagewireConfig.Level("primary", List.of("slack")),
          new PagewireConfig.Level("secondary", List.of("email"))), 0, 1, null));

  private final IncidentLifecycle lifecycle = EscalationTopology.lifecycle(CONFIG,
      new LinkSigner("test-key-0123456789abcdef".getBytes(), Duration.ofHours(24)));

  @Test
  void shouldCarryStepTotalRecipientAndPriorityOnEveryPageAndItsPagedEvent() {
    Transition opened = lifecycle.onEvent(null, opened(ID, Priority.P1, T0));
    int total = lifecycle.totalSteps(opened.state());
    IncidentState state = opened.state();
    Transition escalated = lifecycle.onTimer(state, TimerKind.ESCALATE, state.getNextEscalationAt(),
        state.getNextEscalationAt());

    assertThat(opened.timeline().get(0).getType()).isEqualTo(TimelineEventType.OPENED);
    assertThat(opened.timeline().get(0).getPriority()).isEqualTo(Priority.P1);
    NotificationRequest first = opened.notifications().get(0);
    assertThat(first.getStep()).isEqualTo(1);
    assertThat(first.getTotalSteps()).isEqualTo(total);
    TimelineEvent paged = opened.timeline().get(1);
    assertThat(paged.getType()).isEqualTo(TimelineEventType.PAGED);
    assertThat(paged.getStep()).isEqualTo(1);
    assertThat(paged.getTotalSteps()).isEqualTo(total);
    assertThat(paged.getRecipient()).isEqualTo("primary");
    assertThat(paged.getNotificationId()).isEqualTo(first.getNotificationId());
    assertThat(paged.getPriority()).isEqualTo(Priority.P1);

    assertThat(escalated.timeline()).extracting(TimelineEvent::getType)
        .containsExactly(TimelineEventType.ESCALATED, TimelineEventType.PAGED);
    assertThat(escalated.timeline()).extracting(TimelineEvent::getStep).containsExactly(2, 2);
    assertThat(escalated.timeline().get(1).getRecipient()).isEqualTo("secondary");
    assertThat(escalated.notifications()).singleElement().extracting(NotificationRequest::getStep).isEqualTo(2);
  }

  @Test
  void shouldRecordThePriorityBeforeAndAfterARaise() {
    IncidentState p2 = lifecycle.onEvent(null, opened(ID, Priority.P2, T0)).state();

    TimelineEvent raised = lifecycle.onEvent(p2,
        event(ID, 2, IncidentEventType.PRIORITY_RAISED, Priority.P0, T0.plusSeconds(60))).timeline().get(0);

    assertThat(raised.getType()).isEqualTo(TimelineEventType.PRIORITY_RAISED);
    assertThat(raised.getPriority()).isEqualTo(Priority.P0);
    assertThat(raised.getPreviousPriority()).isEqualTo(Priority.P2);
  }

  @Test
  void shouldRecordTheCurrentPriorityWhenAnAlertChangeDoesNotRaiseIt() {
    IncidentState p1 = lifecycle.onEvent(null, opened(ID, Priority.P1, T0)).state();

    TimelineEvent added = lifecycle.onEvent(p1,
        event(ID, 2, IncidentEventType.ALERT_ADDED, Priority.P3, T0.plusSeconds(60))).timeline().get(0);

    assertThat(added.getPriority()).isEqualTo(Priority.P1);
    assertThat(added.getPreviousPriority()).isNull();
  }

  @Test
  void shouldRepeatTheCurrentStepOnARenotification() {
    IncidentState state = lifecycle.onEvent(null, opened(ID, Priority.P1, T0)).state();
    IncidentCommand snooze = IncidentCommand.newBuilder(command(ID, CommandType.SNOOZE, "alice", T0.plusSeconds(60)))
        .setDurationMillis(600_000L).build();
    state = lifecycle.onCommand(state, snooze).state();

    Transition renotified = lifecycle.onTimer(state, TimerKind.SNOOZE_END, state.getSnoozedUntil(), state.getSnoozedUntil());

    NotificationRequest page = renotified.notifications().get(0);
    assertThat(page.getNotificationId()).isEqualTo("inc-1/renotify/1");
    assertThat(page.getStep()).isEqualTo(1);
    assertThat(renotified.timeline()).filteredOn(e -> e.getType() == TimelineEventType.PAGED).singleElement()
        .satisfies(e -> {
          assertThat(e.getStep()).isEqualTo(1);
          assertThat(e.getNotificationId()).isEqualTo("inc-1/renotify/1");
        });
  }

  @Test
  void shouldCarryTheAcceptedNoteOnItsNoteAddedEvent() {
    IncidentState state = lifecycle.onEvent(null, opened(ID, Priority.P1, T0)).state();
    IncidentCommand add = IncidentCommand.newBuilder(command(ID, CommandType.ADD_NOTE, "dave", T0.plusSeconds(120)))
        .setCommandId("cmd-7").setNote("alert at 80% [owner x, due y]").setNoteKind(NoteKind.ACTION_ITEM)
        .setOwner("carol").setDue(LocalDate.of(2025, 3, 12)).build();

    Transition t = lifecycle.onCommand(state, add);

    TimelineEvent added = t.timeline().get(0);
    Note stored = t.state().getNotes().get(0);
    assertThat(added.getType()).isEqualTo(TimelineEventType.NOTE_ADDED);
    assertThat(added.getNote()).isEqualTo(stored);
    assertThat(added.getNote().getNoteId()).isEqualTo("cmd-7");
    assertThat(added.getNote().getKind()).isEqualTo(NoteKind.ACTION_ITEM);
    assertThat(added.getNote().getText()).isEqualTo("alert at 80% [owner x, due y]");
    assertThat(added.getNote().getOwner()).isEqualTo("carol");
    assertThat(added.getNote().getDue()).isEqualTo(LocalDate.of(2025, 3, 12));
  }
}
