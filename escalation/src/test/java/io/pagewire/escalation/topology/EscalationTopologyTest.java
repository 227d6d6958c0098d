package io.pagewire.escalation.topology;

import io.pagewire.platform.text.TextBounds;
import static io.pagewire.escalation.IncidentFixtures.command;
import static io.pagewire.escalation.IncidentFixtures.event;
import static io.pagewire.escalation.IncidentFixtures.opened;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.escalation.links.LinkSigner;
import io.pagewire.escalation.state.TimerKind;
import io.pagewire.platform.config.BusinessHours;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.CommandType;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.IncidentStatus;
import io.pagewire.schemas.IncidentStatusUpdate;
import io.pagewire.schemas.IncidentTimeline;
import io.pagewire.schemas.Note;
import io.pagewire.schemas.NoteKind;
import io.pagewire.schemas.NotificationKind;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.ScheduleOverride;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
import io.pagewire.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EscalationTopologyTest {

  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  private static final Duration SWEEP = Duration.ofSeconds(1);
  private static final List<PagewireConfig.Level> LEVELS = List.of(
      new PagewireConfig.Level("primary", List.of("slack")),
      new PagewireConfig.Level("secondary", List.of("slack", "sms")),
      new PagewireConfig.Level("manager", List.of("email")));

  static final LinkSigner SIGNER = new LinkSigner("test-key-0123456789abcdef".getBytes(), Duration.ofHours(24));

  @TempDir
  Path stateDir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TopologyTestDriver driver;
  private TestInputTopic<String, IncidentEvent> events;
  private TestInputTopic<String, IncidentCommand> commands;
  private TestOutputTopic<String, NotificationRequest> notifications;
  private TestOutputTopic<String, TimelineEvent> timeline;
  private TestOutputTopic<String, IncidentStatusUpdate> statuses;
  private Duration sweepInterval;
  private Instant wallClock;

  @AfterEach
  void closeDriver() {
    if (driver != null) {
      driver.close();
    }
  }

  private PagewireConfig config(Map<Priority, PagewireConfig.Sla> sla, int repeat, int sweepBatch, Duration sweep) {
    return PagewireConfig.defaults().withKafka("unused:9092", stateDir)
        .withSla(sla).withEscalation(new PagewireConfig.Escalation(LEVELS, sweepBatch, repeat, sweep));
  }

  private void start(PagewireConfig config) {
    start(config, T0);
  }

  /** Starts the driver with its wall clock at {@code startAt}. */
  private void start(PagewireConfig config, Instant startAt) {
    sweepInterval = config.escalation().sweepInterval();
    wallClock = startAt;
    driver = new TopologyTestDriver(EscalationTopology.build(config, registry, SIGNER),
        KafkaSettings.streams(config, "pagewire-escalation", null), startAt);
    events = driver.createInputTopic(Topics.INCIDENT_EVENTS.name(),
        Topics.INCIDENT_EVENTS.keySerde().serializer(), Topics.INCIDENT_EVENTS.valueSerde().serializer());
    commands = driver.createInputTopic(Topics.INCIDENT_COMMANDS.name(),
        Topics.INCIDENT_COMMANDS.keySerde().serializer(), Topics.INCIDENT_COMMANDS.valueSerde().serializer());
    notifications = driver.createOutputTopic(Topics.NOTIFICATION_REQUESTS.name(),
        Topics.NOTIFICATION_REQUESTS.keySerde().deserializer(), Topics.NOTIFICATION_REQUESTS.valueSerde().deserializer());
    timeline = driver.createOutputTopic(Topics.INCIDENT_TIMELINE.name(),
        Topics.INCIDENT_TIMELINE.keySerde().deserializer(), Topics.INCIDENT_TIMELINE.valueSerde().deserializer());
    statuses = driver.createOutputTopic(Topics.INCIDENT_STATUS.name(),
        Topics.INCIDENT_STATUS.keySerde().deserializer(), Topics.INCIDENT_STATUS.valueSerde().deserializer());
  }

  private void startDefault() {
    start(config(null, 1, 0, SWEEP));
  }

  /** Moves wall-clock time to {@code T0 + offset}, one sweep interval at a time. */
  private void advanceTo(Duration offset) {
    advanceTo(T0.plus(offset));
  }

  /** Moves wall-clock time to {@code target}, one sweep interval at a time. */
  private void advanceTo(Instant target) {
    while (wallClock.isBefore(target)) {
      Duration step = sweepInterval.compareTo(Duration.between(wallClock, target)) <= 0
          ? sweepInterval : Duration.between(wallClock, target);
      driver.advanceWallClockTime(step);
      wallClock = wallClock.plus(step);
    }
  }

  private void open(String id, Priority priority, Instant at) {
    events.pipeInput(id, opened(id, priority, at), at);
  }

  private void send(String id, CommandType type, String actor, Instant at) {
    send(command(id, type, actor, at));
  }

  private void send(IncidentCommand command) {
    commands.pipeInput(command.getIncidentId(), command, command.getAt());
  }

  /** Moves time to {@code offset} and answers the notification ids sent on the way. */
  private List<String> pagesUntil(Duration offset) {
    advanceTo(offset);
    return notifications.readValuesToList().stream().map(NotificationRequest::getNotificationId).toList();
  }

  private IncidentState incident(String id) {
    KeyValueStore<String, IncidentState> store = driver.getKeyValueStore(EscalationTopology.INCIDENTS_STORE);
    return store.get(id);
  }

  private double counter(String name) {
    return registry.get(name).counter().count();
  }

  @Test
  void shouldPageLevelOneWhenIncidentOpens() {
    startDefault();

    open("inc-1", Priority.P0, T0);

    assertThat(notifications.readValuesToList()).singleElement().satisfies(page -> {
      assertThat(page.getNotificationId()).isEqualTo("inc-1/page/1");
      assertThat(page.getKind()).isEqualTo(NotificationKind.PAGE);
      assertThat(page.getLevel()).isEqualTo(1);
      assertThat(page.getRecipient()).isEqualTo("primary");
      assertThat(page.getChannels()).containsExactly("slack");
    });
    assertThat(timeline.readValuesToList()).extracting(TimelineEvent::getType)
        .containsExactly(TimelineEventType.OPENED, TimelineEventType.PAGED);
    assertThat(incident("inc-1").getNextEscalationAt()).isEqualTo(T0.plus(Duration.ofMinutes(15)));
    assertThat(counter("pagewire.escalation.pages")).isEqualTo(1.0);
  }

  @Test
  void shouldEscalateToLevelTwoWhenUnacknowledgedPastDeadline() {
    startDefault();
    open("inc-1", Priority.P0, T0);
    notifications.readValuesToList();
    timeline.readValuesToList();

    advanceTo(Duration.ofMinutes(14).plusSeconds(59));
    assertThat(notifications.isEmpty()).isTrue();

    advanceTo(Duration.ofMinutes(15));
    assertThat(notifications.readValuesToList()).singleElement().satisfies(page -> {
      assertThat(page.getNotificationId()).isEqualTo("inc-1/page/2");
      assertThat(page.getLevel()).isEqualTo(2);
      assertThat(page.getRecipient()).isEqualTo("secondary");
      assertThat(page.getCreatedAt()).isEqualTo(T0.plus(Duration.ofMinutes(15)));
    });
    // The acknowledge SLA (15 minutes for P0) passed at the same moment.
    assertThat(timeline.readValuesToList()).extracting(TimelineEvent::getType)
        .containsExactly(TimelineEventType.ESCALATED, TimelineEventType.PAGED, TimelineEventType.SLA_BREACHED);
    assertThat(incident("inc-1").getLevel()).isEqualTo(2);
    assertThat(incident("inc-1").getNextEscalationAt()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
    assertThat(counter("pagewire.escalation.escalations")).isEqualTo(1.0);
    assertThat(registry.get("pagewire.escalation.sweep").timer().count()).isEqualTo(15 * 60);
  }

  @Test
  void shouldNotEscalateAcknowledgedIncident() {
    startDefault();
    open("inc-1", Priority.P0, T0);
    advanceTo(Duration.ofMinutes(5));
    send("inc-1", CommandType.ACKNOWLEDGE, "alice", T0.plus(Duration.ofMinutes(5)));

    advanceTo(Duration.ofMinutes(31));

    assertThat(notifications.readValuesToList()).extracting(NotificationRequest::getNotificationId)
        .containsExactly("inc-1/page/1");
    assertThat(timeline.readValuesToList()).extracting(TimelineEvent::getType)
        .containsExactly(TimelineEventType.OPENED, TimelineEventType.PAGED, TimelineEventType.ACKNOWLEDGED);
    IncidentState state = incident("inc-1");
    assertThat(state.getStatus()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
    assertThat(state.getAcknowledgedBy()).isEqualTo("alice");
    assertThat(state.getNextEscalationAt()).isNull();
  }

  @Test
  void shouldIgnoreStaleDeadlineAfterAck() {
    startDefault();
    open("inc-1", Priority.P0, T0);
    Instant deadline = incident("inc-1").getNextEscalationAt();
    send("inc-1", CommandType.ACKNOWLEDGE, "alice", T0.plus(Duration.ofMinutes(1)));
    KeyValueStore<Bytes, byte[]> index = driver.getKeyValueStore(EscalationTopology.DEADLINES_STORE);
    // Left: the acknowledgement timeout (30 minutes for P0) and the resolve target; indexed: the earlier.
    assertThat(timerKinds(index)).containsExactly(TimerKind.RENOTIFY);
    // An index entry the acknowledgement did not remove (as after a lost delete) must not page.
    index.put(DeadlineKey.of(deadline, TimerKind.ESCALATE, "inc-1").bytes(), new byte[0]);

    advanceTo(Duration.ofMinutes(16));

    assertThat(notifications.readValuesToList()).extracting(NotificationRequest::getNotificationId)
        .containsExactly("inc-1/page/1");
    assertThat(index.get(DeadlineKey.of(deadline, TimerKind.ESCALATE, "inc-1").bytes())).isNull();
    assertThat(counter("pagewire.escalation.escalations")).isZero();
  }

  @Test
  void shouldIndexOnlyTheNextDeadlineAndFireEveryTimerDueAtOnce() {
    startDefault();
    open("inc-1", Priority.P0, T0);
    KeyValueStore<Bytes, byte[]> index = driver.getKeyValueStore(EscalationTopology.DEADLINES_STORE);
    // P0: the next step and the acknowledge target are both at 15 minutes, the resolve target at 4 hours.
    assertThat(timerKinds(index)).containsExactly(TimerKind.ESCALATE);

    assertThat(pagesUntil(Duration.ofMinutes(15))).containsExactly("inc-1/page/1", "inc-1/page/2");

    assertThat(incident("inc-1").getAcknowledgeBreachedAt()).isEqualTo(T0.plus(Duration.ofMinutes(15)));
    assertThat(counter("pagewire.escalation.escalations")).isEqualTo(1.0);
    // Next: the step after, at 30 minutes.
    assertThat(timerKinds(index)).containsExactly(TimerKind.ESCALATE);
  }

  private static List<TimerKind> timerKinds(KeyValueStore<Bytes, byte[]> index) {
    List<TimerKind> kinds = new java.util.ArrayList<>();
    try (var all = index.all()) {
      all.forEachRemaining(kv -> kinds.add(DeadlineKey.parse(kv.key).kind()));
    }
    return kinds;
  }

  @Test
  void shouldSendResolvedNotificationToEveryLevelPaged() {
    startDefault();
    open("inc-1", Priority.P0, T0);
    advanceTo(Duration.ofMinutes(16));
    send("inc-1", CommandType.RESOLVE, "bob", T0.plus(Duration.ofMinutes(16)));

    List<NotificationRequest> sent = notifications.readValuesToList();
    assertThat(sent).extracting(NotificationRequest::getNotificationId)
        .containsExactly("inc-1/page/1", "inc-1/page/2", "inc-1/resolved");
    NotificationRequest resolved = sent.get(2);
    assertThat(resolved.getKind()).isEqualTo(NotificationKind.RESOLVED);
    assertThat(resolved.getChannels()).containsExactly("slack", "sms");
    assertThat(incident("inc-1").getStatus()).isEqualTo(IncidentStatus.RESOLVED);
    assertThat(incident("inc-1").getResolvedBy()).isEqualTo("bob");

    advanceTo(Duration.ofMinutes(60));
    assertThat(notifications.isEmpty()).isTrue();
  }

  @Test
  void shouldResolveWhenTheRouterReportsEveryAlertResolved() {
    startDefault();
    open("inc-1", Priority.P1, T0);
    Instant at = T0.plus(Duration.ofMinutes(2));
    events.pipeInput("inc-1", event("inc-1", 2, IncidentEventType.RESOLVED, Priority.P1, at), at);

    assertThat(notifications.readValuesToList()).extracting(NotificationRequest::getNotificationId)
        .containsExactly("inc-1/page/1", "inc-1/resolved");
    assertThat(incident("inc-1").getResolvedAt()).isEqualTo(at);
  }

  @Test
  void shouldStopAfterLastLoop() {
    Duration minute = Duration.ofMinutes(1);
    start(config(Map.of(Priority.P0, new PagewireConfig.Sla(minute, minute, Duration.ofHours(4), true)),
        1, 0, Duration.ofSeconds(10)));
    open("inc-1", Priority.P0, T0);

    advanceTo(Duration.ofMinutes(20));

    List<NotificationRequest> pages = notifications.readValuesToList();
    assertThat(pages).extracting(NotificationRequest::getNotificationId)
        .containsExactly("inc-1/page/1", "inc-1/page/2", "inc-1/page/3",
            "inc-1/page/4", "inc-1/page/5", "inc-1/page/6");
    assertThat(pages).extracting(NotificationRequest::getLevel).containsExactly(1, 2, 3, 1, 2, 3);
    assertThat(incident("inc-1").getNextEscalationAt()).isNull();
    assertThat(incident("inc-1").getStatus()).isEqualTo(IncidentStatus.TRIGGERED);
  }

  @Test
  void shouldCatchUpOnEveryOverdueTimerInOneLateSweep() {
    startDefault();
    for (String id : List.of("inc-1", "inc-2", "inc-3")) {
      open(id, Priority.P0, T0);
    }
    notifications.readValuesToList();

    // One punctuation, long after every deadline (a paused or restarted instance).
    Instant late = T0.plus(Duration.ofMinutes(40));
    driver.advanceWallClockTime(Duration.between(T0, late));

    assertThat(registry.get("pagewire.escalation.sweep").timer().count()).isEqualTo(1);
    assertThat(notifications.readValuesToList()).extracting(NotificationRequest::getNotificationId)
        .containsExactlyInAnyOrder("inc-1/page/2", "inc-2/page/2", "inc-3/page/2");
    for (String id : List.of("inc-1", "inc-2", "inc-3")) {
      assertThat(incident(id).getNextEscalationAt()).isEqualTo(late.plus(Duration.ofMinutes(15)));
    }
    assertThat(registry.get("pagewire.escalation.sweep.lateness").gauge().value())
        .isEqualTo(Duration.ofMinutes(25).toMillis());
  }

  @Test
  void shouldFireAtMostSweepBatchDeadlinesPerSweepAndTheRestOnTheNext() {
    start(config(null, 1, 2, SWEEP));
    open("inc-1", Priority.P0, T0);
    open("inc-2", Priority.P0, T0.plusSeconds(1));
    open("inc-3", Priority.P0, T0.plusSeconds(2));
    notifications.readValuesToList();

    // Each incident has two timers due, its escalation and its acknowledge SLA at the same
    // deadline, and one index entry: a sweep takes two incidents and fires both timers of each.
    driver.advanceWallClockTime(Duration.ofMinutes(20));
    assertThat(notifications.readValuesToList()).extracting(NotificationRequest::getNotificationId)
        .containsExactly("inc-1/page/2", "inc-2/page/2");
    assertThat(timeline.readValuesToList()).filteredOn(e -> e.getType() == TimelineEventType.SLA_BREACHED)
        .extracting(TimelineEvent::getIncidentId).containsExactly("inc-1", "inc-2");

    driver.advanceWallClockTime(SWEEP);
    assertThat(notifications.readValuesToList()).extracting(NotificationRequest::getNotificationId)
        .containsExactly("inc-3/page/2");
    assertThat(timeline.readValuesToList()).filteredOn(e -> e.getType() == TimelineEventType.SLA_BREACHED)
        .extracting(TimelineEvent::getIncidentId).containsExactly("inc-3");
  }

  @Test
  void shouldFireDeadlineThatIsAlreadyPastWhenItsEventArrivesLate() {
    startDefault();
    advanceTo(Duration.ofMinutes(2));
    // Opened 20 minutes before the last sweep: its deadline lies below the sweep watermark.
    open("inc-old", Priority.P0, T0.minus(Duration.ofMinutes(20)));
    notifications.readValuesToList();

    advanceTo(Duration.ofMinutes(2).plus(SWEEP));

    assertThat(notifications.readValuesToList()).extracting(NotificationRequest::getNotificationId)
        .containsExactly("inc-old/page/2");
  }

  @Test
  void shouldNeverPageP4Incident() {
    start(config(null, 1, 0, Duration.ofMinutes(10)));
    open("inc-1", Priority.P4, T0);

    advanceTo(Duration.ofDays(2));

    assertThat(notifications.isEmpty()).isTrue();
    assertThat(timeline.readValuesToList()).extracting(TimelineEvent::getType).containsExactly(TimelineEventType.OPENED);
    // Opened on a Saturday, its acknowledge SLA is the next business day, Monday 09:00-17:00: not yet due.
    assertThat(incident("inc-1").getAcknowledgeDueAt()).isEqualTo(Instant.parse("2025-03-03T17:00:00Z"));
    assertThat(incident("inc-1").getStatus()).isEqualTo(IncidentStatus.TRIGGERED);
    assertThat(counter("pagewire.escalation.pages")).isZero();
  }

  @Test
  void shouldIgnoreAndCountCommandsForUnknownOrResolvedIncidents() {
    startDefault();
    send("inc-unknown", CommandType.ACKNOWLEDGE, "alice", T0);
    open("inc-1", Priority.P0, T0);
    send("inc-1", CommandType.RESOLVE, "alice", T0.plusSeconds(5));
    send("inc-1", CommandType.ACKNOWLEDGE, "alice", T0.plusSeconds(6));

    assertThat(counter("pagewire.escalation.ignored.commands")).isEqualTo(2.0);
    assertThat(incident("inc-unknown")).isNull();
    assertThat(incident("inc-1").getStatus()).isEqualTo(IncidentStatus.RESOLVED);
    assertThat(timeline.readValuesToList()).extracting(TimelineEvent::getType)
        .containsExactly(TimelineEventType.OPENED, TimelineEventType.PAGED, TimelineEventType.RESOLVED);
  }

  @Test
  void shouldDeadLetterRecordKeyedByAnotherIncident() {
    startDefault();
    TestOutputTopic<byte[], byte[]> deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(),
        Topics.DEAD_LETTERS.keySerde().deserializer(), Topics.DEAD_LETTERS.valueSerde().deserializer());

    events.pipeInput("inc-2", opened("inc-1", Priority.P0, T0), T0);

    assertThat(deadLetters.readRecordsToList()).hasSize(1);
    assertThat(counter("pagewire.escalation.invalid.records")).isEqualTo(1.0);
    assertThat(notifications.isEmpty()).isTrue();
    assertThat(incident("inc-1")).isNull();
    assertThat(incident("inc-2")).isNull();
  }

  @Test
  void shouldFireEachStepAtItsDelayAndNotBefore() {
    start(config(Map.of(Priority.P1, new PagewireConfig.Sla(Duration.ofMinutes(5), Duration.ofMinutes(10),
        Duration.ofHours(8), true)), 0, 0, SWEEP));
    open("inc-1", Priority.P1, T0);

    assertThat(pagesUntil(Duration.ofMinutes(5).minus(SWEEP))).containsExactly("inc-1/page/1");
    assertThat(pagesUntil(Duration.ofMinutes(5))).containsExactly("inc-1/page/2");
    assertThat(pagesUntil(Duration.ofMinutes(15).minus(SWEEP))).isEmpty();
    assertThat(pagesUntil(Duration.ofMinutes(15))).containsExactly("inc-1/page/3");
    // repeat 0: one pass through the three levels, then silence.
    assertThat(pagesUntil(Duration.ofHours(2))).isEmpty();
    assertThat(incident("inc-1").getNextEscalationAt()).isNull();
  }

  @Test
  void shouldPauseEscalationWhileSnoozedAndResumeAtTheCurrentStep() {
    startDefault();
    open("inc-1", Priority.P0, T0);
    advanceTo(Duration.ofMinutes(5));
    IncidentCommand snooze = command("inc-1", CommandType.SNOOZE, "alice", T0.plus(Duration.ofMinutes(5)));
    snooze.setDurationMillis(Duration.ofMinutes(30).toMillis());
    send(snooze);
    assertThat(incident("inc-1").getStatus()).isEqualTo(IncidentStatus.SNOOZED);

    // The escalation due at 15 minutes does not happen while snoozed.
    assertThat(pagesUntil(Duration.ofMinutes(35).minus(SWEEP))).containsExactly("inc-1/page/1");
    List<NotificationRequest> resumed = notificationsUntil(Duration.ofMinutes(35));
    assertThat(resumed).singleElement().satisfies(page -> {
      assertThat(page.getNotificationId()).isEqualTo("inc-1/renotify/1");
      assertThat(page.getLevel()).isEqualTo(1);
      assertThat(page.getRecipient()).isEqualTo("primary");
    });
    assertThat(incident("inc-1").getStatus()).isEqualTo(IncidentStatus.TRIGGERED);
    // Escalation resumes from the current step: level 2 one acknowledge delay after resuming.
    assertThat(pagesUntil(Duration.ofMinutes(50).minus(SWEEP))).isEmpty();
    assertThat(pagesUntil(Duration.ofMinutes(50))).containsExactly("inc-1/page/2");
    assertThat(timeline.readValuesToList()).extracting(TimelineEvent::getType).containsSubsequence(
        TimelineEventType.SNOOZED, TimelineEventType.RENOTIFIED, TimelineEventType.PAGED, TimelineEventType.ESCALATED);
  }

  @Test
  void shouldPageAgainWhenAnAcknowledgedIncidentIsNotResolvedWithinTheAcknowledgementTimeout() {
    startDefault();
    open("inc-1", Priority.P0, T0);
    send("inc-1", CommandType.ACKNOWLEDGE, "alice", T0.plus(Duration.ofMinutes(5)));

    // P0 default: the acknowledgement times out after 30 minutes.
    assertThat(pagesUntil(Duration.ofMinutes(35).minus(SWEEP))).containsExactly("inc-1/page/1");
    assertThat(pagesUntil(Duration.ofMinutes(35))).containsExactly("inc-1/renotify/1");
    IncidentState state = incident("inc-1");
    assertThat(state.getStatus()).isEqualTo(IncidentStatus.TRIGGERED);
    assertThat(state.getRenotifications()).isEqualTo(1);
    assertThat(timeline.readValuesToList()).extracting(TimelineEvent::getType).contains(TimelineEventType.RENOTIFIED);
    // Acknowledged again and resolved: the clock stops for good.
    send("inc-1", CommandType.ACKNOWLEDGE, "alice", T0.plus(Duration.ofMinutes(36)));
    send("inc-1", CommandType.RESOLVE, "alice", T0.plus(Duration.ofMinutes(40)));
    assertThat(pagesUntil(Duration.ofHours(6))).containsExactly("inc-1/resolved");
    assertThat(timerKinds(driver.getKeyValueStore(EscalationTopology.DEADLINES_STORE))).isEmpty();
  }

  @Test
  void shouldPageTheNextStepAtOnceWhenEscalatedByHand() {
    startDefault();
    open("inc-1", Priority.P0, T0);
    send("inc-1", CommandType.ESCALATE, "alice", T0.plus(Duration.ofMinutes(2)));

    List<NotificationRequest> pages = notifications.readValuesToList();
    assertThat(pages).extracting(NotificationRequest::getNotificationId).containsExactly("inc-1/page/1", "inc-1/page/2");
    assertThat(pages.get(1).getCreatedAt()).isEqualTo(T0.plus(Duration.ofMinutes(2)));
    // The next step waits its full delay from the manual escalation.
    assertThat(incident("inc-1").getNextEscalationAt()).isEqualTo(T0.plus(Duration.ofMinutes(17)));
  }

  @Test
  void shouldSendLaterPagesToTheUserTheIncidentWasReassignedTo() {
    startDefault();
    open("inc-1", Priority.P0, T0);
    IncidentCommand reassign = command("inc-1", CommandType.REASSIGN, "alice", T0.plus(Duration.ofMinutes(1)));
    reassign.setUser("bob");
    send(reassign);

    List<NotificationRequest> sent = notificationsUntil(Duration.ofMinutes(15));
    assertThat(sent).extracting(NotificationRequest::getRecipient).containsExactly("primary", "bob", "bob");
    // A user's page names no channel: the notifier uses the user's contact methods.
    assertThat(sent.get(2).getChannels()).isEmpty();
    assertThat(sent.get(2).getNotificationId()).isEqualTo("inc-1/page/2");
    assertThat(timeline.readValuesToList()).filteredOn(e -> e.getType() == TimelineEventType.REASSIGNED)
        .singleElement().satisfies(e -> {
          assertThat(e.getActor()).isEqualTo("alice");
          assertThat(e.getRecipient()).isEqualTo("bob");
        });
  }

  @Test
  void shouldKeepNotesAndTheTimelineOnTheIncidentEvenAfterItIsResolved() {
    startDefault();
    open("inc-1", Priority.P0, T0);
    send("inc-1", CommandType.RESOLVE, "alice", T0.plus(Duration.ofMinutes(3)));
    IncidentCommand rootCause = command("inc-1", CommandType.ADD_NOTE, "alice", T0.plus(Duration.ofMinutes(4)));
    rootCause.setNote("disk full");
    rootCause.setNoteKind(NoteKind.ROOT_CAUSE);
    send(rootCause);
    IncidentCommand action = command("inc-1", CommandType.ADD_NOTE, "bob", T0.plus(Duration.ofMinutes(5)));
    action.setNote("alert on disk usage");
    action.setNoteKind(NoteKind.ACTION_ITEM);
    action.setOwner("carol");
    action.setDue(java.time.LocalDate.parse("2026-12-01"));
    send(action);

    assertThat(incident("inc-1").getNotes()).extracting(Note::getKind, Note::getText, Note::getOwner)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(NoteKind.ROOT_CAUSE, "disk full", null),
            org.assertj.core.groups.Tuple.tuple(NoteKind.ACTION_ITEM, "alert on disk usage", "carol"));
    assertThat(timeline("inc-1").getEvents()).extracting(TimelineEvent::getType).containsExactly(
        TimelineEventType.OPENED, TimelineEventType.PAGED, TimelineEventType.RESOLVED,
        TimelineEventType.NOTE_ADDED, TimelineEventType.NOTE_ADDED);
    assertThat(timeline("inc-1").getEvents().get(4).getDetail())
        .isEqualTo("action_item: alert on disk usage [owner carol, due 2026-12-01]");
  }

  @Test
  void shouldRecordEachSlaBreachOnceAndKeepItInTheIncidentHistory() {
    startDefault();
    open("inc-1", Priority.P1, T0);
    send("inc-1", CommandType.ACKNOWLEDGE, "alice", T0.plus(Duration.ofMinutes(70)));

    advanceTo(Duration.ofHours(9));

    IncidentState state = incident("inc-1");
    assertThat(state.getAcknowledgeBreachedAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
    assertThat(state.getResolveBreachedAt()).isEqualTo(T0.plus(Duration.ofHours(8)));
    assertThat(timeline("inc-1").getEvents()).filteredOn(e -> e.getType() == TimelineEventType.SLA_BREACHED)
        .extracting(TimelineEvent::getAt).containsExactly(T0.plus(Duration.ofHours(1)), T0.plus(Duration.ofHours(8)));
  }

  private List<NotificationRequest> notificationsUntil(Duration offset) {
    advanceTo(offset);
    return notifications.readValuesToList();
  }

  @Test
  void shouldBreachTheSlaOfAP3RaisedOnFridayEveningOnTheNextBusinessDayNotOnSaturday() {
    // The default P3 target: acknowledge within one business day (8h of business time).
    PagewireConfig config = PagewireConfig.defaults().withKafka("unused:9092", stateDir)
        .withEscalation(new PagewireConfig.Escalation(LEVELS, 0, 1, Duration.ofMinutes(1),
            new BusinessHours("Europe/Berlin", null, null, null, null), null, null, null, null));
    start(config);
    // Friday 7 March 2025, 18:30 in Berlin: business hours (09:00-17:00) are over for the week.
    Instant fridayEvening = Instant.parse("2025-03-07T17:30:00Z");
    advanceTo(Duration.between(T0, fridayEvening));
    open("inc-p3", Priority.P3, fridayEvening);

    // One business day: Monday 09:00-17:00 Berlin, 16:00 UTC.
    Instant due = Instant.parse("2025-03-10T16:00:00Z");
    assertThat(incident("inc-p3").getAcknowledgeDueAt()).isEqualTo(due);
    advanceTo(Duration.between(T0, due).minusMinutes(1));
    assertThat(timeline.readValuesToList()).extracting(TimelineEvent::getType)
        .doesNotContain(TimelineEventType.SLA_BREACHED);
    assertThat(incident("inc-p3").getAcknowledgeBreachedAt()).isNull();

    advanceTo(Duration.between(T0, due));
    assertThat(timeline.readValuesToList()).filteredOn(e -> e.getType() == TimelineEventType.SLA_BREACHED)
        .singleElement().satisfies(e -> {
          assertThat(e.getAt()).isEqualTo(due);
          assertThat(e.getDetail()).startsWith("acknowledge SLA breached");
        });
    assertThat(incident("inc-p3").getAcknowledgeBreachedAt()).isEqualTo(due);
  }

  @Test
  void shouldPageEachPolicyStepsOnCallUsersAtItsDelayNotBeforeAndStopAfterTheLastLoop() {
    PagewireConfig config = io.pagewire.platform.config.ConfigLoader.parse("policy.yaml", """
        users: {alice: {}, carol: {}}
        escalation:
          sweepInterval: 10s
          schedules:
            primary: {layers: [{users: [alice]}]}
          policies:
            payments:
              steps:
                - {delay: 10m, targets: [{schedule: primary}]}
                - {delay: 20m, targets: [{user: carol}]}
              repeat: 1
          defaultPolicies: {P1: payments}
        """).withKafka("unused:9092", stateDir);
    start(config);
    open("inc-1", Priority.P1, T0);

    List<NotificationRequest> first = notificationsUntil(Duration.ofMinutes(10).minusSeconds(10));
    assertThat(first).singleElement().satisfies(page -> {
      assertThat(page.getRecipient()).isEqualTo("alice");
      // No channels: the notifier uses alice's contact methods.
      assertThat(page.getChannels()).isEmpty();
    });
    assertThat(notificationsUntil(Duration.ofMinutes(10))).extracting(NotificationRequest::getRecipient)
        .containsExactly("carol");
    assertThat(pagesUntil(Duration.ofMinutes(30).minusSeconds(10))).isEmpty();
    assertThat(notificationsUntil(Duration.ofMinutes(30))).extracting(NotificationRequest::getRecipient)
        .containsExactly("alice");
    assertThat(pagesUntil(Duration.ofMinutes(40).minusSeconds(10))).isEmpty();
    assertThat(pagesUntil(Duration.ofMinutes(40))).containsExactly("inc-1/page/4");
    // Two loops of two steps: nothing more, however long nobody answers.
    assertThat(pagesUntil(Duration.ofHours(3))).isEmpty();
    assertThat(incident("inc-1").getNextEscalationAt()).isNull();
  }

  @Test
  void shouldPublishEveryStatusChangeWithTheNextVersionAndWhoMadeIt() {
    startDefault();
    open("inc-1", Priority.P0, T0);
    send("inc-1", CommandType.ACKNOWLEDGE, "alice", T0.plus(Duration.ofMinutes(5)));
    // P0: the acknowledgement times out after 30 minutes; the incident triggers again.
    advanceTo(Duration.ofMinutes(35));
    IncidentCommand snooze = command("inc-1", CommandType.SNOOZE, "bob", T0.plus(Duration.ofMinutes(36)));
    snooze.setDurationMillis(Duration.ofMinutes(10).toMillis());
    send(snooze);
    Instant resolvedAt = T0.plus(Duration.ofMinutes(40));
    events.pipeInput("inc-1", event("inc-1", 2, IncidentEventType.RESOLVED, Priority.P0, resolvedAt), resolvedAt);

    List<IncidentStatusUpdate> updates = statuses.readValuesToList();
    assertThat(updates).extracting(IncidentStatusUpdate::getStatus, IncidentStatusUpdate::getVersion,
        IncidentStatusUpdate::getActor, IncidentStatusUpdate::getAt).containsExactly(
            org.assertj.core.groups.Tuple.tuple(IncidentStatus.TRIGGERED, 1L, null, T0),
            org.assertj.core.groups.Tuple.tuple(IncidentStatus.ACKNOWLEDGED, 2L, "alice", T0.plus(Duration.ofMinutes(5))),
            org.assertj.core.groups.Tuple.tuple(IncidentStatus.TRIGGERED, 3L, null, T0.plus(Duration.ofMinutes(35))),
            org.assertj.core.groups.Tuple.tuple(IncidentStatus.SNOOZED, 4L, "bob", T0.plus(Duration.ofMinutes(36))),
            org.assertj.core.groups.Tuple.tuple(IncidentStatus.RESOLVED, 5L, null, resolvedAt));
    assertThat(updates).allSatisfy(u -> {
      assertThat(u.getIncidentId()).isEqualTo("inc-1");
      assertThat(u.getIncidentKey()).isEqualTo("alertname=CheckoutDown");
    });
    assertThat(updates.get(2).getPagesSent()).isEqualTo(1);
    assertThat(incident("inc-1").getVersion()).isEqualTo(5L);
  }

  @Test
  void shouldStampEveryPageWithTheStatusVersionItWasRequestedAt() {
    startDefault();
    open("inc-1", Priority.P0, T0);
    send("inc-1", CommandType.ACKNOWLEDGE, "alice", T0.plus(Duration.ofMinutes(5)));
    advanceTo(Duration.ofMinutes(35)); // the acknowledgement times out: the incident pages again

    List<NotificationRequest> pages = notifications.readValuesToList().stream()
        .filter(r -> r.getKind() == NotificationKind.PAGE).toList();
    List<IncidentStatusUpdate> updates = statuses.readValuesToList();

    // The opening page was requested before the first update (version 1); the re-page after the
    // acknowledgement (version 2), so the notifier sends it although the incident was acknowledged.
    assertThat(pages).extracting(NotificationRequest::getStatusVersion).containsExactly(0L, 2L);
    assertThat(updates).extracting(IncidentStatusUpdate::getStatus, IncidentStatusUpdate::getVersion)
        .startsWith(org.assertj.core.groups.Tuple.tuple(IncidentStatus.TRIGGERED, 1L),
            org.assertj.core.groups.Tuple.tuple(IncidentStatus.ACKNOWLEDGED, 2L));
  }

  @Test
  void shouldNotPublishAStatusUpdateWhenOnlyTheLevelChanges() {
    startDefault();
    open("inc-1", Priority.P0, T0);
    statuses.readValuesToList();

    assertThat(pagesUntil(Duration.ofMinutes(15))).containsExactly("inc-1/page/1", "inc-1/page/2");

    assertThat(statuses.isEmpty()).isTrue();
    assertThat(incident("inc-1").getVersion()).isEqualTo(1L);
  }

  @Test
  void shouldPageTheNextLevelAtOnceWhenAP3PagedFridayAfternoonIsRaisedToP0OnSaturday() {
    // Business hours Monday to Friday 09:00-17:00 UTC (the default calendar).
    Instant fridayAfternoon = Instant.parse("2025-03-07T16:00:00Z");
    start(config(null, 1, 0, SWEEP), fridayAfternoon);
    open("inc-p3", Priority.P3, fridayAfternoon);
    assertThat(notifications.readValuesToList()).extracting(NotificationRequest::getNotificationId)
        .containsExactly("inc-p3/page/1");
    // Level 2 waits P3's acknowledge target, one business day: Friday 16-17 and Monday 09-16.
    assertThat(incident("inc-p3").getNextEscalationAt()).isEqualTo(Instant.parse("2025-03-10T16:00:00Z"));
    assertThat(incident("inc-p3").getLastPagedAt()).isEqualTo(fridayAfternoon);

    Instant saturday = Instant.parse("2025-03-08T10:00:00Z");
    advanceTo(saturday);
    events.pipeInput("inc-p3", event("inc-p3", 2, IncidentEventType.PRIORITY_RAISED, Priority.P0, saturday), saturday);
    assertThat(notifications.isEmpty()).isTrue();

    // P0 escalates 15 wall-clock minutes after the last page (Friday 16:15): overdue, so the next sweep pages.
    advanceTo(saturday.plus(SWEEP));
    assertThat(notifications.readValuesToList()).singleElement().satisfies(page -> {
      assertThat(page.getNotificationId()).isEqualTo("inc-p3/page/2");
      assertThat(page.getLevel()).isEqualTo(2);
      assertThat(page.getCreatedAt()).isEqualTo(saturday.plus(SWEEP));
    });
  }

  private PagewireConfig withRetention(PagewireConfig config, Duration retention) {
    return config.withEscalation(config.escalation().withResolvedRetention(retention));
  }

  private <V> V stored(String store, Object key) {
    KeyValueStore<Object, V> kv = driver.getKeyValueStore(store);
    return kv.get(key);
  }

  private static int count(KeyValueStore<?, ?> store) {
    int n = 0;
    try (var all = store.all()) {
      while (all.hasNext()) {
        all.next();
        n++;
      }
    }
    return n;
  }

  @Test
  void shouldRemoveAResolvedIncidentFromTheHotStoresOnceItsRetentionPassedAndTombstoneItsStatus() {
    start(withRetention(config(null, 1, 0, SWEEP), Duration.ofHours(1)));
    open("inc-1", Priority.P0, T0);
    open("inc-open", Priority.P1, T0);
    Instant resolvedAt = T0.plus(Duration.ofMinutes(10));
    send("inc-1", CommandType.RESOLVE, "alice", resolvedAt);
    statuses.readValuesToList();
    KeyValueStore<Bytes, byte[]> opened = driver.getKeyValueStore(EscalationTopology.OPENED_STORE);
    assertThat(count(opened)).isEqualTo(2);

    advanceTo(resolvedAt.plus(Duration.ofHours(1)).minus(SWEEP));
    assertThat(incident("inc-1")).isNotNull();
    assertThat(statuses.isEmpty()).isTrue();

    advanceTo(resolvedAt.plus(Duration.ofHours(1)));
    assertThat(incident("inc-1")).isNull();
    assertThat((Object) stored(EscalationTopology.TIMELINE_STORE, "inc-1")).isNull();
    KeyValueStore<String, TimelineEvent> timelineEvents = driver.getKeyValueStore(EscalationTopology.TIMELINE_EVENTS_STORE);
    try (var left = timelineEvents.prefixScan(io.pagewire.schemas.Ids.groupPrefix("inc-1"),
        new org.apache.kafka.common.serialization.StringSerializer())) {
      assertThat(left.hasNext()).isFalse();
    }
    assertThat(opened.get(OpenedIndex.key(T0, "inc-1"))).isNull();
    assertThat(count(driver.getKeyValueStore(EscalationTopology.RETENTION_STORE))).isZero();
    assertThat(statuses.readRecordsToList()).singleElement().satisfies(tombstone -> {
      assertThat(tombstone.key()).isEqualTo("inc-1");
      assertThat(tombstone.value()).isNull();
    });
    // An open incident stays, however old.
    assertThat(incident("inc-open")).isNotNull();
    assertThat(opened.get(OpenedIndex.key(T0, "inc-open"))).isNotNull();
    assertThat(counter("pagewire.escalation.expired.incidents")).isEqualTo(1.0);
  }

  @Test
  void shouldRemoveAtMostSweepBatchExpiredIncidentsPerSweepAndTheRestOnTheNext() {
    start(withRetention(config(null, 1, 2, SWEEP), Duration.ofMinutes(30)));
    for (String id : List.of("inc-1", "inc-2", "inc-3")) {
      open(id, Priority.P4, T0);
      send(id, CommandType.RESOLVE, "alice", T0.plusSeconds(1));
    }
    statuses.readValuesToList();

    // One late punctuation long after every retention ended.
    driver.advanceWallClockTime(Duration.ofHours(2));
    assertThat(statuses.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("inc-1", "inc-2");
    assertThat(incident("inc-3")).isNotNull();

    driver.advanceWallClockTime(SWEEP);
    assertThat(statuses.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("inc-3");
    assertThat(incident("inc-3")).isNull();
  }

  @Test
  void shouldIndexAndExpireIncidentsStoredBeforeTheIndexesExisted() {
    start(withRetention(config(null, 1, 0, SWEEP), Duration.ofHours(1)));
    // As an older version left them: in the incident store only, without index entries.
    KeyValueStore<String, IncidentState> store = driver.getKeyValueStore(EscalationTopology.INCIDENTS_STORE);
    IncidentState old = IncidentState.newBuilder()
        .setIncidentId("inc-old").setIncidentKey("k").setTitle("old").setPriority(Priority.P2)
        .setStatus(IncidentStatus.RESOLVED).setLevel(1).setOpenedAt(T0.minus(Duration.ofDays(3)))
        .setResolvedAt(T0.minus(Duration.ofDays(2))).setResolvedBy("alice").build();
    store.put("inc-old", old);
    store.put("inc-older-open", IncidentState.newBuilder(old).setIncidentId("inc-older-open")
        .setStatus(IncidentStatus.ACKNOWLEDGED).setResolvedAt(null).setResolvedBy(null).build());

    advanceTo(SWEEP);
    advanceTo(SWEEP.multipliedBy(2));

    assertThat(incident("inc-old")).isNull();
    assertThat(statuses.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("inc-old");
    KeyValueStore<Bytes, byte[]> opened = driver.getKeyValueStore(EscalationTopology.OPENED_STORE);
    assertThat(opened.get(OpenedIndex.key(T0.minus(Duration.ofDays(3)), "inc-older-open"))).isNotNull();
  }

  @Test
  void shouldTombstoneScheduleOverridesThatEndedLongerThanTheRetentionAgo() {
    start(withRetention(config(null, 1, 0, Duration.ofMinutes(1)), Duration.ofHours(1)));
    TestInputTopic<String, ScheduleOverride> overrides = driver.createInputTopic(Topics.SCHEDULE_OVERRIDES.name(),
        Topics.SCHEDULE_OVERRIDES.keySerde().serializer(), Topics.SCHEDULE_OVERRIDES.valueSerde().serializer());
    TestOutputTopic<String, ScheduleOverride> written = driver.createOutputTopic(Topics.SCHEDULE_OVERRIDES.name(),
        Topics.SCHEDULE_OVERRIDES.keySerde().deserializer(), Topics.SCHEDULE_OVERRIDES.valueSerde().deserializer());
    overrides.pipeInput("ov-ended", override("ov-ended", T0.minus(Duration.ofHours(3)), T0.minus(Duration.ofMinutes(30))));
    overrides.pipeInput("ov-current", override("ov-current", T0.minus(Duration.ofHours(1)), T0.plus(Duration.ofHours(5))));

    advanceTo(Duration.ofMinutes(29));
    assertThat(written.isEmpty()).isTrue();

    advanceTo(Duration.ofMinutes(30));
    assertThat(written.readRecordsToList()).singleElement().satisfies(tombstone -> {
      assertThat(tombstone.key()).isEqualTo("ov-ended");
      assertThat(tombstone.value()).isNull();
    });
    KeyValueStore<String, ScheduleOverride> store = driver.getKeyValueStore(
        io.pagewire.escalation.schedule.ScheduleOverrides.STORE);
    assertThat(store.get("ov-ended")).isNull();
    assertThat(store.get("ov-current")).isNotNull();
    assertThat(counter("pagewire.escalation.expired.overrides")).isEqualTo(1.0);
  }

  private static ScheduleOverride override(String id, Instant start, Instant end) {
    return ScheduleOverride.newBuilder().setOverrideId(id).setSchedule("primary").setUser("alice").setReplaces(null)
        .setStart(start).setEnd(end).setCreatedBy("alice").setCreatedAt(start).build();
  }

  /** Half of Kafka's default record limit (1 MiB): a changelog record beyond the limit fails the task for good. */
  private static final int RECORD_BOUND = 512 * 1024;

  @Test
  void shouldKeepEveryStoredRecordOfAnIncidentUnderAFixedByteBoundThroughFiftyThousandAlerts() {
    start(config(null, 1, 0, SWEEP));
    String huge = "x".repeat(64 * 1024);
    IncidentEvent opening = opened("inc-storm", Priority.P1, T0);
    opening.setTitle(huge);
    opening.getAlert().setAnnotations(Map.of("summary", huge));
    events.pipeInput("inc-storm", opening, T0);
    List<Integer> sizes = new java.util.ArrayList<>();
    for (int i = 2; i <= 50_001; i++) {
      Instant at = T0.plusMillis(i);
      IncidentEvent added = event("inc-storm", i, IncidentEventType.ALERT_ADDED, Priority.P1, at);
      if (i % 1000 == 0) {
        added.setTitle(huge); // now and then a title far over the bound
      }
      events.pipeInput("inc-storm", added, at);
      if (i % 1000 == 0) {
        sizes.addAll(storedSizes("inc-storm"));
      }
    }
    // Then as much as people can add: every note allowed, and re-assignments, each with the longest note the API takes.
    String longest = "n".repeat(io.pagewire.platform.text.TextBounds.NOTE_BYTES);
    for (int i = 0; i < io.pagewire.escalation.state.IncidentLifecycle.MAX_NOTES + 1 + TimelineLog.MAX; i++) {
      Instant at = T0.plusSeconds(60 + i);
      IncidentCommand command = command("inc-storm",
          i <= io.pagewire.escalation.state.IncidentLifecycle.MAX_NOTES ? CommandType.ADD_NOTE : CommandType.REASSIGN,
          "alice", at);
      command.setNote(longest);
      command.setUser("bob");
      send(command);
      if (i % 50 == 0) {
        sizes.addAll(storedSizes("inc-storm"));
      }
    }
    sizes.addAll(storedSizes("inc-storm"));

    IncidentState state = incident("inc-storm");
    assertThat(state.getNotes()).hasSize(io.pagewire.escalation.state.IncidentLifecycle.MAX_NOTES);
    assertThat(state.getTitle()).hasSizeLessThanOrEqualTo(io.pagewire.platform.text.TextBounds.TITLE_BYTES);
    assertThat(timeline("inc-storm").getEvents()).hasSize(TimelineLog.MAX);
    assertThat(timeline("inc-storm").getDropped()).isGreaterThan(50_000 - TimelineLog.MAX);
    assertThat(timelineRecordSizes).isNotEmpty().allSatisfy(size -> assertThat(size).isLessThan(TIMELINE_RECORD_BOUND));
    assertThat(sizes).isNotEmpty().allSatisfy(size -> assertThat(size).isLessThan(RECORD_BOUND));
  }

  /** Each record of a timeline copy (its head, each event) stays far smaller than the incident state. */
  private static final int TIMELINE_RECORD_BOUND = 8 * 1024;
  private final List<Integer> timelineRecordSizes = new java.util.ArrayList<>();

  /**
   * The encoded size of the incident's state; the sizes of its timeline copy's records go to
   * {@link #timelineRecordSizes} (the copy has no head record: its counts follow from its keys).
   * Also drops what the driver captured so far (it keeps every record produced, changelogs
   * included, until read).
   */
  private List<Integer> storedSizes(String id) {
    for (String topic : driver.producedTopicNames()) {
      driver.createOutputTopic(topic, new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
          new org.apache.kafka.common.serialization.ByteArrayDeserializer()).readRecordsToList();
    }
    assertThat((Object) stored(EscalationTopology.TIMELINE_STORE, id)).isNull();
    for (TimelineEvent event : timeline(id).getEvents()) {
      timelineRecordSizes.add(io.pagewire.schemas.serde.AvroSerde.of(TimelineEvent.class).serializer().serialize("e", event).length);
    }
    return List.of(io.pagewire.schemas.serde.AvroSerde.of(IncidentState.class).serializer().serialize("s", incident(id)).length);
  }

  @Test
  void shouldKeepTheTimelineHeadThatAnOlderVersionWroteUpToDate() {
    startDefault();
    open("inc-1", Priority.P1, T0);
    // As the version before left a copy: its events under their numbers, their counts in a head.
    KeyValueStore<String, IncidentTimeline> heads = driver.getKeyValueStore(EscalationTopology.TIMELINE_STORE);
    TimelineEvent older = TimelineEvent.newBuilder(timeline("inc-1").getEvents().get(0)).setEventId("from-the-head").build();
    heads.put("inc-1", IncidentTimeline.newBuilder().setIncidentId("inc-1").setEvents(List.of(older))
        .setAppended(timeline("inc-1").getAppended()).setDropped(0).build());
    long before = timeline("inc-1").getAppended();

    events.pipeInput("inc-1", event("inc-1", 2, IncidentEventType.ALERT_ADDED, Priority.P1, T0.plusSeconds(1)), T0.plusSeconds(1));

    IncidentTimeline copy = timeline("inc-1");
    assertThat(copy.getAppended()).isEqualTo(before + 1);
    assertThat(heads.get("inc-1").getAppended()).isEqualTo(before + 1);
    assertThat(copy.getEvents().get(0).getEventId()).isEqualTo("from-the-head");
    assertThat(copy.getEvents()).hasSize((int) before + 2);
  }

  /** The incident's timeline copy as the incidents API reads it. */
  private IncidentTimeline timeline(String id) {
    return TimelineLog.read(driver.getKeyValueStore(EscalationTopology.TIMELINE_STORE),
        driver.getKeyValueStore(EscalationTopology.TIMELINE_EVENTS_STORE), id);
  }
}
