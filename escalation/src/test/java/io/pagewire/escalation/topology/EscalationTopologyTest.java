package io.pagewire.escalation.topology;

import static io.pagewire.escalation.IncidentFixtures.command;
import static io.pagewire.escalation.IncidentFixtures.event;
import static io.pagewire.escalation.IncidentFixtures.opened;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
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

  @TempDir
  Path stateDir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TopologyTestDriver driver;
  private TestInputTopic<String, IncidentEvent> events;
  private TestInputTopic<String, IncidentCommand> commands;
  private TestOutputTopic<String, NotificationRequest> notifications;
  private TestOutputTopic<String, TimelineEvent> timeline;
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
    sweepInterval = config.escalation().sweepInterval();
    wallClock = T0;
    driver = new TopologyTestDriver(EscalationTopology.build(config, registry),
        KafkaSettings.streams(config, "pagewire-escalation", null), T0);
    events = driver.createInputTopic(Topics.INCIDENT_EVENTS.name(),
        Topics.INCIDENT_EVENTS.keySerde().serializer(), Topics.INCIDENT_EVENTS.valueSerde().serializer());
    commands = driver.createInputTopic(Topics.INCIDENT_COMMANDS.name(),
        Topics.INCIDENT_COMMANDS.keySerde().serializer(), Topics.INCIDENT_COMMANDS.valueSerde().serializer());
    notifications = driver.createOutputTopic(Topics.NOTIFICATION_REQUESTS.name(),
        Topics.NOTIFICATION_REQUESTS.keySerde().deserializer(), Topics.NOTIFICATION_REQUESTS.valueSerde().deserializer());
    timeline = driver.createOutputTopic(Topics.INCIDENT_TIMELINE.name(),
        Topics.INCIDENT_TIMELINE.keySerde().deserializer(), Topics.INCIDENT_TIMELINE.valueSerde().deserializer());
  }

  private void startDefault() {
    start(config(null, 1, 0, SWEEP));
  }

  /** Moves wall-clock time to {@code T0 + offset}, one sweep interval at a time. */
  private void advanceTo(Duration offset) {
    Instant target = T0.plus(offset);
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
    commands.pipeInput(id, command(id, type, actor, at), at);
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
    assertThat(timeline.readValuesToList()).extracting(TimelineEvent::getType)
        .containsExactly(TimelineEventType.ESCALATED, TimelineEventType.PAGED);
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
    assertThat(index.approximateNumEntries()).isZero();
    // An index entry the acknowledgement did not remove (as after a lost delete) must not page.
    index.put(DeadlineKey.of(deadline, "inc-1").bytes(), new byte[0]);

    advanceTo(Duration.ofMinutes(16));

    assertThat(notifications.readValuesToList()).extracting(NotificationRequest::getNotificationId)
        .containsExactly("inc-1/page/1");
    assertThat(index.get(DeadlineKey.of(deadline, "inc-1").bytes())).isNull();
    assertThat(counter("pagewire.escalation.escalations")).isZero();
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

    driver.advanceWallClockTime(Duration.ofMinutes(20));
    assertThat(notifications.readValuesToList()).extracting(NotificationRequest::getNotificationId)
        .containsExactly("inc-1/page/2", "inc-2/page/2");

    driver.advanceWallClockTime(SWEEP);
    assertThat(notifications.readValuesToList()).extracting(NotificationRequest::getNotificationId)
        .containsExactly("inc-3/page/2");
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

    advanceTo(Duration.ofDays(3));

    assertThat(notifications.isEmpty()).isTrue();
    assertThat(timeline.readValuesToList()).extracting(TimelineEvent::getType).containsExactly(TimelineEventType.OPENED);
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
}
