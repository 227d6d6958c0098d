package io.pagewire.ingest.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.Heartbeat;
import io.pagewire.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heartbeat monitors on TopologyTestDriver, with time moved by the test. */
class HeartbeatTopologyTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, Heartbeat> beats;
  private TestInputTopic<String, Alert> alertsIn;
  private TestOutputTopic<String, Alert> alerts;
  private TestOutputTopic<String, Alert> urgentAlerts;

  @BeforeEach
  void start() {
    PagewireConfig config = ConfigLoader.parse("test.yaml", """
        heartbeats:
          - {name: nightly-backup, interval: 10m, grace: 2m, priority: P2, team: ops}
          - {name: prometheus, interval: 5m, grace: 1m, priority: P1, team: ops, matchers: ['alertname="Watchdog"']}
          - {name: never-deployed, interval: 1m}
        """).withKafka("unused:9092", stateDir);
    driver = new TopologyTestDriver(HeartbeatTopology.build(config),
        KafkaSettings.streams(config, HeartbeatService.APPLICATION_ID, null), T0);
    beats = driver.createInputTopic(Topics.HEARTBEATS.name(), Topics.HEARTBEATS.keySerde().serializer(),
        Topics.HEARTBEATS.valueSerde().serializer());
    alertsIn = driver.createInputTopic(Topics.ALERTS.name(), Topics.ALERTS.keySerde().serializer(),
        Topics.ALERTS.valueSerde().serializer());
    alerts = driver.createOutputTopic(Topics.ALERTS.name(), Topics.ALERTS.keySerde().deserializer(),
        Topics.ALERTS.valueSerde().deserializer());
    urgentAlerts = driver.createOutputTopic(Topics.ALERTS_URGENT.name(), Topics.ALERTS.keySerde().deserializer(),
        Topics.ALERTS.valueSerde().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  /** Moves the wall clock to {@code at} in steps, as punctuations come. */
  private void advanceTo(Instant at) {
    driver.advanceWallClockTime(Duration.between(T0.plusMillis(clock), at));
    clock = Duration.between(T0, at).toMillis();
  }

  private long clock;

  /** The heartbeat alerts written since the last call, on either lane. */
  private List<Alert> heartbeatAlerts() {
    return Stream.concat(urgentAlerts.readRecordsToList().stream(), alerts.readRecordsToList().stream())
        .map(TestRecord::value)
        .filter(a -> a.getFingerprint().startsWith(HeartbeatTopology.FINGERPRINT_PREFIX)).toList();
  }

  @Test
  void shouldFireAtIntervalPlusGraceAfterTheLastBeatAndResolveOnTheNextBeat() {
    beats.pipeInput("nightly-backup", beat("nightly-backup", T0), T0);
    advanceTo(T0.plus(Duration.ofMinutes(11)));
    assertThat(heartbeatAlerts()).isEmpty();

    advanceTo(T0.plus(Duration.ofMinutes(12)));
    assertThat(urgentAlerts.getQueueSize()).as("a missed beat opens an incident: the urgent lane").isEqualTo(1);
    List<Alert> fired = heartbeatAlerts();
    assertThat(fired).hasSize(1);
    Alert missed = fired.get(0);
    assertThat(missed.getFingerprint()).isEqualTo("heartbeat:nightly-backup");
    assertThat(missed.getStatus()).isEqualTo(AlertStatus.FIRING);
    assertThat(missed.getStartsAt()).isEqualTo(T0.plus(Duration.ofMinutes(12)));
    assertThat(missed.getLabels()).isEqualTo(Map.of("alertname", "HeartbeatMissed", "heartbeat", "nightly-backup",
        "priority", "P2", "team", "ops"));
    assertThat(missed.getAnnotations().get("summary"))
        .isEqualTo("No heartbeat from nightly-backup since 2026-12-01T10:00:00Z (expected every 10m, grace 2m)");

    advanceTo(T0.plus(Duration.ofMinutes(30)));
    assertThat(heartbeatAlerts()).as("fires once while missed").isEmpty();

    Instant back = T0.plus(Duration.ofMinutes(31));
    beats.pipeInput("nightly-backup", beat("nightly-backup", back), back);
    assertThat(alerts.getQueueSize()).as("the resolve takes the routine lane").isEqualTo(1);
    List<Alert> resolved = heartbeatAlerts();
    assertThat(resolved).singleElement().satisfies(a -> {
      assertThat(a.getStatus()).isEqualTo(AlertStatus.RESOLVED);
      assertThat(a.getStartsAt()).isEqualTo(missed.getStartsAt());
      assertThat(a.getEndsAt()).isEqualTo(back);
      assertThat(a.getLabels()).isEqualTo(missed.getLabels());
    });

    advanceTo(back.plus(Duration.ofMinutes(11)));
    assertThat(heartbeatAlerts()).isEmpty();
    advanceTo(back.plus(Duration.ofMinutes(12)));
    assertThat(heartbeatAlerts()).extracting(Alert::getStatus).containsExactly(AlertStatus.FIRING);
  }

  @Test
  void shouldCountAMatchingFiringAlertAsABeatAndNeverFireAMonitorThatNeverBeat() {
    for (int minute = 0; minute <= 20; minute += 4) {
      Instant at = T0.plus(Duration.ofMinutes(minute));
      advanceTo(at);
      alertsIn.pipeInput("wd", watchdog(at), at);
    }
    advanceTo(T0.plus(Duration.ofMinutes(25)));
    assertThat(heartbeatAlerts()).as("the Watchdog kept beating every 4m").isEmpty();

    advanceTo(T0.plus(Duration.ofMinutes(26)));
    assertThat(heartbeatAlerts()).extracting(a -> a.getLabels().get("heartbeat")).containsExactly("prometheus");

    advanceTo(T0.plus(Duration.ofHours(5)));
    assertThat(heartbeatAlerts()).as("never-deployed is not armed; prometheus fired once").isEmpty();
  }

  private static Heartbeat beat(String name, Instant at) {
    return Heartbeat.newBuilder().setName(name).setAt(at).setSource("api").build();
  }

  private static Alert watchdog(Instant at) {
    return Alert.newBuilder().setFingerprint("wd").setStatus(AlertStatus.FIRING)
        .setLabels(Map.of("alertname", "Watchdog", "severity", "none"))
        .setAnnotations(Map.of()).setStartsAt(T0).setReceivedAt(at).build();
  }
}
