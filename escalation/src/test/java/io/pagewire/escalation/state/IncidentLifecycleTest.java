package io.pagewire.escalation.state;

import io.pagewire.platform.text.TextBounds;
import static io.pagewire.escalation.IncidentFixtures.command;
import static io.pagewire.escalation.IncidentFixtures.event;
import static io.pagewire.escalation.IncidentFixtures.opened;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.escalation.links.LinkSigner;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.CommandType;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.IncidentStatus;
import io.pagewire.schemas.NotificationKind;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IncidentLifecycleTest {

  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  private static final String ID = "inc-1";
  private static final List<PagewireConfig.Level> LEVELS = List.of(
      new PagewireConfig.Level("primary", List.of("slack", "email")),
      new PagewireConfig.Level("secondary", List.of("slack", "sms")),
      new PagewireConfig.Level("manager", List.of("phone")));

  private static PagewireConfig config(int repeat, Map<Priority, PagewireConfig.Sla> sla) {
    return PagewireConfig.defaults()
        .withHttp(new PagewireConfig.Http("127.0.0.1", 8080, 0, null, "https://pagewire.example/"))
        .withSla(sla).withEscalation(new PagewireConfig.Escalation(LEVELS, 0, repeat, null));
  }

  private static final LinkSigner SIGNER = new LinkSigner("test-key-0123456789abcdef".getBytes(), Duration.ofHours(24));

  private static IncidentLifecycle lifecycle(PagewireConfig config) {
    return io.pagewire.escalation.topology.EscalationTopology.lifecycle(config, SIGNER);
  }

  private final IncidentLifecycle lifecycle = lifecycle(config(1, null));

  private IncidentState open(Priority priority) {
    return lifecycle.onEvent(null, opened(ID, priority, T0)).state();
  }

  @Test
  void shouldPageLevelOneAndSetDeadlineWhenP0Opens() {
    Transition t = lifecycle.onEvent(null, opened(ID, Priority.P0, T0));

    assertThat(t.state().getStatus()).isEqualTo(IncidentStatus.TRIGGERED);
    assertThat(t.state().getLevel()).isEqualTo(1);
    assertThat(t.state().getPagesSent()).isEqualTo(1);
    assertThat(t.state().getNextEscalationAt()).isEqualTo(T0.plus(Duration.ofMinutes(15)));
    NotificationRequest page = t.notifications().get(0);
    assertThat(t.notifications()).hasSize(1);
    assertThat(page.getNotificationId()).isEqualTo("inc-1/page/1");
    assertThat(page.getKind()).isEqualTo(NotificationKind.PAGE);
    assertThat(page.getRecipient()).isEqualTo("primary");
    assertThat(page.getChannels()).containsExactly("slack", "email");
    assertThat(page.getCreatedAt()).isEqualTo(T0);
    assertThat(t.timeline()).extracting(TimelineEvent::getType)
        .containsExactly(TimelineEventType.OPENED, TimelineEventType.PAGED);
    assertThat(t.timeline()).extracting(TimelineEvent::getEventId).containsExactly("inc-1/1", "inc-1/paged/1");
  }

  @Test
  void shouldTakeLinksSummaryAndRunbookFromTheOpeningAlert() {
    NotificationRequest page = lifecycle.onEvent(null, opened(ID, Priority.P1, T0)).notifications().get(0);

    assertThat(page.getSummary()).isEqualTo("CheckoutDown is failing");
    assertThat(page.getLinks()).containsEntry("incident", "https://pagewire.example/api/v1/incidents/inc-1")
        .containsEntry("runbook", "https://runbooks.example/CheckoutDown")
        .containsOnlyKeys("incident", "runbook", "acknowledge", "resolve");
    String prefix = "https://pagewire.example/api/v1/links/";
    assertThat(page.getLinks().get("acknowledge")).startsWith(prefix);
    assertThat(SIGNER.verify(page.getLinks().get("acknowledge").substring(prefix.length()))).hasValue(
        new LinkSigner.Link("inc-1", LinkSigner.ACKNOWLEDGE, "primary", T0.plus(Duration.ofHours(24))));
    assertThat(SIGNER.verify(page.getLinks().get("resolve").substring(prefix.length()))).hasValue(
        new LinkSigner.Link("inc-1", LinkSigner.RESOLVE, "primary", T0.plus(Duration.ofHours(24))));
    assertThat(page.getLabels()).containsEntry("service", "checkout");
  }

  @Test
  void shouldOpenWithoutPagingWhenPriorityNeverPages() {
    Transition t = lifecycle.onEvent(null, opened(ID, Priority.P4, T0));

    assertThat(t.notifications()).isEmpty();
    assertThat(t.state().getPagesSent()).isZero();
    assertThat(t.state().getNextEscalationAt()).isNull();
    assertThat(t.timeline()).extracting(TimelineEvent::getType).containsExactly(TimelineEventType.OPENED);
  }

  @Test
  void shouldIgnoreDuplicateOpening() {
    assertThat(lifecycle.onEvent(open(Priority.P0), opened(ID, Priority.P0, T0)).applied()).isFalse();
  }

  @ParameterizedTest(name = "step {0} pages level {1}")
  @CsvSource({"1,1", "2,2", "3,3", "4,1", "5,2", "6,3", "7,1"})
  void shouldWrapToLevelOneAfterTheLastLevel(int step, int level) {
    assertThat(new io.pagewire.escalation.policy.EscalationPolicies(config(1, null)).forIncident(null, Priority.P0).stepNumber(step)).isEqualTo(level);
  }

  @Test
  void shouldEscalateThroughEveryLevelOncePerLoopAndStopAfterTheLastLoop() {
    IncidentState state = open(Priority.P0);
    List<Integer> levels = new ArrayList<>(List.of(state.getLevel()));
    Instant now = T0;
    while (state.getNextEscalationAt() != null) {
      now = state.getNextEscalationAt();
      Transition t = lifecycle.onTimer(state, TimerKind.ESCALATE, now, now);
      assertThat(t.applied()).isTrue();
      assertThat(t.notifications()).singleElement()
          .extracting(NotificationRequest::getNotificationId).isEqualTo("inc-1/page/" + t.state().getPagesSent());
      state = t.state();
      levels.add(state.getLevel());
    }

    assertThat(lifecycle.totalSteps(state)).isEqualTo(6);
    assertThat(levels).containsExactly(1, 2, 3, 1, 2, 3);
    assertThat(now).isEqualTo(T0.plus(Duration.ofMinutes(15 * 6 - 15)));
  }

  @Test
  void shouldCountTheNextDeadlineFromTheSweepNotFromTheMissedDeadline() {
    IncidentState state = open(Priority.P0);
    Instant lateSweep = state.getNextEscalationAt().plus(Duration.ofHours(2));

    Transition t = lifecycle.onTimer(state, TimerKind.ESCALATE, state.getNextEscalationAt(), lateSweep);

    assertThat(t.state().getLevel()).isEqualTo(2);
    assertThat(t.state().getNextEscalationAt()).isEqualTo(lateSweep.plus(Duration.ofMinutes(15)));
    assertThat(t.timeline()).extracting(TimelineEvent::getType)
        .containsExactly(TimelineEventType.ESCALATED, TimelineEventType.PAGED);
  }

  @Test
  void shouldTreatDeadlineAsStaleOnceAcknowledgedOrMoved() {
    IncidentState state = open(Priority.P0);
    Instant deadline = state.getNextEscalationAt();
    IncidentState acked = lifecycle.onCommand(state, command(ID, CommandType.ACKNOWLEDGE, "alice", T0)).state();

    assertThat(lifecycle.onTimer(acked, TimerKind.ESCALATE, deadline, deadline).applied()).isFalse();
    assertThat(lifecycle.onTimer(state, TimerKind.ESCALATE, deadline.minusMillis(1), deadline).applied()).isFalse();
    assertThat(lifecycle.onTimer(null, TimerKind.ESCALATE, deadline, deadline).applied()).isFalse();
  }

  @Test
  void shouldStopEscalatingWhenAcknowledged() {
    Instant at = T0.plus(Duration.ofMinutes(3));
    Transition t = lifecycle.onCommand(open(Priority.P0), command(ID, CommandType.ACKNOWLEDGE, "alice", at));

    assertThat(t.state().getStatus()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
    assertThat(t.state().getAcknowledgedAt()).isEqualTo(at);
    assertThat(t.state().getAcknowledgedBy()).isEqualTo("alice");
    assertThat(t.state().getNextEscalationAt()).isNull();
    assertThat(t.notifications()).isEmpty();
    assertThat(t.timeline()).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo(TimelineEventType.ACKNOWLEDGED);
      assertThat(e.getActor()).isEqualTo("alice");
      assertThat(e.getEventId()).isEqualTo("inc-1/acknowledged/" + command(ID, CommandType.ACKNOWLEDGE, "alice", at).getCommandId());
    });
  }

  @Test
  void shouldIgnoreCommandsForUnknownResolvedOrAlreadyAcknowledgedIncidents() {
    IncidentState acked = lifecycle.onCommand(open(Priority.P0), command(ID, CommandType.ACKNOWLEDGE, "a", T0)).state();
    IncidentState resolved = lifecycle.onCommand(acked, command(ID, CommandType.RESOLVE, "a", T0)).state();

    assertThat(lifecycle.onCommand(null, command(ID, CommandType.ACKNOWLEDGE, "a", T0)).ignored())
        .isEqualTo("unknown incident");
    assertThat(lifecycle.onCommand(resolved, command(ID, CommandType.RESOLVE, "a", T0)).ignored())
        .isEqualTo("incident already resolved");
    assertThat(lifecycle.onCommand(acked, command(ID, CommandType.ACKNOWLEDGE, "a", T0)).ignored())
        .isEqualTo("incident already acknowledged");
    assertThat(lifecycle.onEvent(resolved, event(ID, 2, IncidentEventType.ALERT_ADDED, Priority.P0, T0)).applied())
        .isFalse();
  }

  @Test
  void shouldSendResolvedToTheDistinctChannelsOfEveryLevelPaged() {
    IncidentState state = open(Priority.P0);
    state = lifecycle.onTimer(state, TimerKind.ESCALATE, state.getNextEscalationAt(), state.getNextEscalationAt()).state();
    Instant at = T0.plus(Duration.ofMinutes(20));

    Transition t = lifecycle.onEvent(state, event(ID, 2, IncidentEventType.RESOLVED, Priority.P0, at));

    assertThat(t.state().getStatus()).isEqualTo(IncidentStatus.RESOLVED);
    assertThat(t.state().getResolvedAt()).isEqualTo(at);
    assertThat(t.state().getResolvedBy()).isEqualTo(IncidentLifecycle.SYSTEM_ACTOR);
    assertThat(t.state().getNextEscalationAt()).isNull();
    assertThat(t.notifications()).singleElement().satisfies(n -> {
      assertThat(n.getKind()).isEqualTo(NotificationKind.RESOLVED);
      assertThat(n.getNotificationId()).isEqualTo("inc-1/resolved");
      assertThat(n.getChannels()).containsExactly("slack", "email", "sms");
      assertThat(n.getRecipient()).isEqualTo("primary, secondary");
    });
    // Resolved after the 15-minute acknowledge SLA without an acknowledgement: the breach is recorded too.
    assertThat(t.timeline()).extracting(TimelineEvent::getType)
        .containsExactly(TimelineEventType.SLA_BREACHED, TimelineEventType.RESOLVED);
    assertThat(t.timeline().get(1).getActor()).isNull();
  }

  @Test
  void shouldTellNobodyWhenAnIncidentThatNeverPagedResolves() {
    Transition t = lifecycle.onCommand(open(Priority.P4), command(ID, CommandType.RESOLVE, "bob", T0));

    assertThat(t.state().getResolvedBy()).isEqualTo("bob");
    assertThat(t.notifications()).isEmpty();
  }

  @Test
  void shouldPullTheDeadlineEarlierWhenPriorityIsRaised() {
    IncidentState p2 = open(Priority.P2);
    assertThat(p2.getNextEscalationAt()).isEqualTo(T0.plus(Duration.ofHours(4)));

    Transition t = lifecycle.onEvent(p2,
        event(ID, 2, IncidentEventType.PRIORITY_RAISED, Priority.P0, T0.plus(Duration.ofMinutes(5))));

    assertThat(t.state().getPriority()).isEqualTo(Priority.P0);
    assertThat(t.state().getNextEscalationAt()).isEqualTo(T0.plus(Duration.ofMinutes(15)));
    assertThat(t.timeline()).extracting(TimelineEvent::getType).containsExactly(TimelineEventType.PRIORITY_RAISED);
  }

  @Test
  void shouldNeverPushTheDeadlineLaterWhenPriorityIsRaised() {
    Duration d = Duration.ofDays(7);
    IncidentLifecycle odd = lifecycle(config(1, Map.of(
        Priority.P1, new PagewireConfig.Sla(Duration.ofHours(2), Duration.ofHours(2), d, true),
        Priority.P2, new PagewireConfig.Sla(Duration.ofMinutes(30), Duration.ofMinutes(30), d, true))));
    IncidentState p2 = odd.onEvent(null, opened(ID, Priority.P2, T0)).state();

    Transition t = odd.onEvent(p2, event(ID, 2, IncidentEventType.PRIORITY_RAISED, Priority.P1, T0));

    assertThat(t.state().getPriority()).isEqualTo(Priority.P1);
    assertThat(t.state().getNextEscalationAt()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
  }

  @Test
  void shouldPageWhenAnIncidentThatNeverPagedIsRaisedToAPagingPriority() {
    Instant at = T0.plus(Duration.ofMinutes(1));
    Transition t = lifecycle.onEvent(open(Priority.P4), event(ID, 2, IncidentEventType.PRIORITY_RAISED, Priority.P1, at));

    assertThat(t.notifications()).singleElement().extracting(NotificationRequest::getNotificationId)
        .isEqualTo("inc-1/page/1");
    assertThat(t.state().getNextEscalationAt()).isEqualTo(at.plus(Duration.ofHours(1)));
  }

  @Test
  void shouldNotLowerPriorityOrMoveDeadlineOnAlertChanges() {
    IncidentState p0 = open(Priority.P0);
    Transition t = lifecycle.onEvent(p0, event(ID, 2, IncidentEventType.ALERT_ADDED, Priority.P2, T0));

    assertThat(t.state().getPriority()).isEqualTo(Priority.P0);
    assertThat(t.state().getNextEscalationAt()).isEqualTo(p0.getNextEscalationAt());
    assertThat(t.timeline()).singleElement().extracting(TimelineEvent::getType).isEqualTo(TimelineEventType.ALERT_ADDED);
  }

  @Test
  void shouldRecordACoalescedAlertEventWithItsCountsInOneTimelineEntry() {
    IncidentState p0 = open(Priority.P0);
    IncidentEvent coalesced = IncidentEvent.newBuilder(event(ID, 2, IncidentEventType.ALERT_ADDED, Priority.P0, T0))
        .setAlertsAdded(499).setAlertsResolved(3).setFiringAlerts(497).build();

    Transition t = lifecycle.onEvent(p0, coalesced);

    assertThat(t.timeline()).singleElement().satisfies(entry -> {
      assertThat(entry.getType()).isEqualTo(TimelineEventType.ALERT_ADDED);
      assertThat(entry.getDetail()).startsWith("499 alerts firing, 3 resolved, latest ").endsWith(" (497 firing)");
    });
    assertThat(t.notifications()).isEmpty();
  }

  private static IncidentEvent muted(IncidentEvent event, boolean muted) {
    return IncidentEvent.newBuilder(event).setMuted(muted).setSilenced(muted)
        .setSilencedBy(muted ? List.of("maintenance-42") : List.of()).build();
  }

  @Test
  void shouldOpenASilencedIncidentWithoutPagingOrClocks() {
    Transition t = lifecycle.onEvent(null, muted(opened(ID, Priority.P0, T0), true));

    assertThat(t.notifications()).isEmpty();
    assertThat(t.state().getMuted()).isTrue();
    assertThat(t.state().getPagesSent()).isZero();
    assertThat(IncidentLifecycle.timers(t.state())).isEmpty();
    assertThat(t.timeline()).extracting(TimelineEvent::getType)
        .containsExactly(TimelineEventType.OPENED, TimelineEventType.SILENCED);
    assertThat(t.timeline().get(1).getDetail()).contains("maintenance-42");
  }

  @Test
  void shouldPageLevelOneAndStartTheClocksWhenTheSilenceEnds() {
    IncidentState silenced = lifecycle.onEvent(null, muted(opened(ID, Priority.P0, T0), true)).state();
    Instant expiry = T0.plus(Duration.ofHours(2));

    Transition t = lifecycle.onEvent(silenced, event(ID, 2, IncidentEventType.ALERT_ADDED, Priority.P0, expiry));

    assertThat(t.state().getMuted()).isFalse();
    assertThat(t.notifications()).extracting(NotificationRequest::getNotificationId).containsExactly("inc-1/page/1");
    assertThat(t.state().getNextEscalationAt()).isEqualTo(expiry.plus(Duration.ofMinutes(15)));
    assertThat(t.state().getAcknowledgeDueAt()).isEqualTo(expiry.plus(Duration.ofMinutes(15)));
  }

  @Test
  void shouldStopTheEscalationClockWhileMutedAndPageTheCurrentStepAgainWhenUnmuted() {
    IncidentState paging = open(Priority.P0);
    Instant silencedAt = T0.plus(Duration.ofMinutes(5));

    Transition mute = lifecycle.onEvent(paging, muted(event(ID, 2, IncidentEventType.ALERT_ADDED, Priority.P0, silencedAt), true));

    assertThat(mute.notifications()).isEmpty();
    assertThat(IncidentLifecycle.timers(mute.state())).doesNotContainKey(TimerKind.ESCALATE);
    Instant unmutedAt = T0.plus(Duration.ofMinutes(40));
    Transition unmute = lifecycle.onEvent(mute.state(), event(ID, 3, IncidentEventType.ALERT_ADDED, Priority.P0, unmutedAt));

    assertThat(unmute.notifications()).singleElement().satisfies(page -> {
      assertThat(page.getLevel()).isEqualTo(1);
      assertThat(page.getNotificationId()).isEqualTo("inc-1/unmuted/3");
    });
    assertThat(IncidentLifecycle.timers(unmute.state())).containsEntry(TimerKind.ESCALATE, unmutedAt.plus(Duration.ofMinutes(15)));
  }

  @Test
  void shouldNotPageAMutedIncidentWhosePriorityRises() {
    IncidentState silenced = lifecycle.onEvent(null, muted(opened(ID, Priority.P4, T0), true)).state();

    Transition t = lifecycle.onEvent(silenced, muted(event(ID, 2, IncidentEventType.PRIORITY_RAISED, Priority.P0, T0), true));

    assertThat(t.state().getPriority()).isEqualTo(Priority.P0);
    assertThat(t.notifications()).isEmpty();
  }

  @Test
  void shouldDueTheNextStepAtTheRaiseWhenAP3PagedOnFridayIsRaisedToP0OnSaturday() {
    // Business hours Monday to Friday 09:00-17:00 UTC (the default calendar).
    Instant fridayAfternoon = Instant.parse("2025-03-07T16:00:00Z");
    IncidentState p3 = lifecycle.onEvent(null, opened(ID, Priority.P3, fridayAfternoon)).state();
    assertThat(p3.getLastPagedAt()).isEqualTo(fridayAfternoon);
    // One business day later: Monday 16:00.
    assertThat(p3.getNextEscalationAt()).isEqualTo(Instant.parse("2025-03-10T16:00:00Z"));

    Instant saturday = Instant.parse("2025-03-08T10:00:00Z");
    Transition t = lifecycle.onEvent(p3, event(ID, 2, IncidentEventType.PRIORITY_RAISED, Priority.P0, saturday));

    // P0 waits 15 wall-clock minutes after the last page, Friday 16:15: overdue, so due at the raise.
    assertThat(t.state().getNextEscalationAt()).isEqualTo(saturday);
    assertThat(IncidentLifecycle.timers(t.state())).containsEntry(TimerKind.ESCALATE, saturday);
  }

  @Test
  void shouldCountARaiseOnTheBusinessClockFromTheLastPageNotFromTheDeadline() {
    // P4 (one business day) raised to P3 (one business day to acknowledge, then two): the wait of
    // the step after the last page is counted in business hours from the page.
    IncidentLifecycle p3pages = lifecycle(config(1, Map.of(
        Priority.P4, new PagewireConfig.Sla(Duration.ofHours(16), Duration.ofHours(16), Duration.ofHours(40), true,
            null, true))));
    Instant mondayMorning = Instant.parse("2025-03-03T09:00:00Z");
    IncidentState p4 = p3pages.onEvent(null, opened(ID, Priority.P4, mondayMorning)).state();
    assertThat(p4.getNextEscalationAt()).isEqualTo(Instant.parse("2025-03-04T17:00:00Z"));

    Transition t = p3pages.onEvent(p4, event(ID, 2, IncidentEventType.PRIORITY_RAISED, Priority.P3,
        mondayMorning.plus(Duration.ofHours(1))));

    // P3's first wait is one business day (8h) from Monday 09:00: Monday 17:00.
    assertThat(t.state().getNextEscalationAt()).isEqualTo(Instant.parse("2025-03-03T17:00:00Z"));
  }

  @Test
  void shouldCutOverlongTitlesSummariesAndNotesToTheirBounds() {
    String huge = "é".repeat(10_000);
    IncidentEvent opening = opened(ID, Priority.P1, T0);
    opening.setTitle(huge);
    opening.getAlert().setAnnotations(Map.of("summary", huge));
    IncidentState state = lifecycle.onEvent(null, opening).state();
    IncidentCommand note = command(ID, CommandType.ADD_NOTE, "alice", T0);
    note.setNote(huge);

    IncidentState noted = lifecycle.onCommand(state, note).state();

    assertThat(TextBounds.utf8Length(state.getTitle())).isLessThanOrEqualTo(TextBounds.TITLE_BYTES);
    assertThat(state.getTitle()).endsWith("…").startsWith("éé");
    assertThat(TextBounds.utf8Length(state.getSummary())).isLessThanOrEqualTo(TextBounds.SUMMARY_BYTES);
    assertThat(TextBounds.utf8Length(noted.getNotes().get(0).getText())).isLessThanOrEqualTo(TextBounds.NOTE_BYTES);
  }
}
