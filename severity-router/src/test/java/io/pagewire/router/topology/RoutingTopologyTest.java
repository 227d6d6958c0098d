package io.pagewire.router.topology;

import static io.pagewire.router.TestAlerts.firing;
import static io.pagewire.router.TestAlerts.resolved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.router.RouterService;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Silence;
import io.pagewire.schemas.Topics;
import io.pagewire.schemas.UnroutableAlert;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routing, silences, inhibition and flapping on the production topology (TopologyTestDriver),
 * with the test moving wall-clock time in steps of {@code classification.recheckInterval}.
 */
class RoutingTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-22T20:00:00Z");
  private static final Duration TICK = Duration.ofSeconds(1);

  static final String YAML = """
      classification:
        recheckInterval: 1s
        flapping: {changes: 3, within: 2m}
        routes:
          - name: databases
            matchers: ['service=~"db|db-.*"']
            groupBy: [alertname, cluster]
            priority: P1
            routes:
              - name: db-critical
                matchers: ['severity=critical']
                priority: P0
        inhibitRules:
          - name: cluster-down
            sourceMatchers: ['alertname=ClusterDown']
            targetMatchers: ['severity=~"warning|info"']
            equal: [cluster]
      """;

  @TempDir
  Path stateDir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TopologyTestDriver driver;
  private TestInputTopic<String, Alert> alerts;
  private TestInputTopic<String, Silence> silences;
  private TestOutputTopic<String, IncidentEvent> events;
  private TestOutputTopic<String, UnroutableAlert> unroutable;
  private Instant now = T0;

  @BeforeEach
  void startDriver() {
    PagewireConfig config = ConfigLoader.parse("routing.yaml", YAML).withKafka("unused:9092", stateDir);
    driver = new TopologyTestDriver(RouterTopology.build(config, registry),
        KafkaSettings.streams(config, RouterService.APPLICATION_ID, null), T0);
    alerts = driver.createInputTopic(Topics.ALERTS.name(),
        Topics.ALERTS.keySerde().serializer(), Topics.ALERTS.valueSerde().serializer());
    silences = driver.createInputTopic(Topics.SILENCES.name(),
        Topics.SILENCES.keySerde().serializer(), Topics.SILENCES.valueSerde().serializer());
    events = driver.createOutputTopic(Topics.INCIDENT_EVENTS.name(),
        Topics.INCIDENT_EVENTS.keySerde().deserializer(), Topics.INCIDENT_EVENTS.valueSerde().deserializer());
    unroutable = driver.createOutputTopic(Topics.UNROUTABLE.name(),
        Topics.UNROUTABLE.keySerde().deserializer(), Topics.UNROUTABLE.valueSerde().deserializer());
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  @Test
  void shouldGroupAlertsByRouteAndItsGroupByLabelsAndCarryTheRoute() {
    pipe(db("f1", "eu-1", "warning", "db-0"));
    pipe(db("f2", "eu-1", "warning", "db-1"));
    pipe(db("f3", "eu-2", "warning", "db-0"));
    pipe(db("f4", "eu-1", "critical", "db-2"));
    pipe(db("f5", "eu-1", "critical", "db-3"));
    // The second alert of each incident came within classification.coalesceAlertEvents (1s) of
    // its opening: it is published by the next punctuation after the interval.
    advance(Duration.ofSeconds(2));

    List<IncidentEvent> out = events.readValuesToList();
    assertThat(out).extracting(IncidentEvent::getType, IncidentEvent::getIncidentKey, IncidentEvent::getPriority,
            IncidentEvent::getRoute)
        .containsExactly(
            tuple(IncidentEventType.OPENED, "databases|alertname=Replication,cluster=eu-1", Priority.P1, "databases"),
            tuple(IncidentEventType.OPENED, "databases|alertname=Replication,cluster=eu-2", Priority.P1, "databases"),
            tuple(IncidentEventType.OPENED, "db-critical|alertname=Replication,cluster=eu-1", Priority.P0, "db-critical"),
            tuple(IncidentEventType.ALERT_ADDED, "databases|alertname=Replication,cluster=eu-1", Priority.P1, "databases"),
            tuple(IncidentEventType.ALERT_ADDED, "db-critical|alertname=Replication,cluster=eu-1", Priority.P0, "db-critical"));
    assertThat(out.subList(3, 5)).extracting(IncidentEvent::getAlertsAdded, IncidentEvent::getFiringAlerts)
        .containsOnly(tuple(1, 2));
    assertThat(out).noneMatch(IncidentEvent::getMuted);
  }

  @Test
  void shouldRecordSilencedAlertWithoutPagingAndPageWhenTheSilenceExpires() {
    silences.pipeInput("s-1", silence("s-1", T0, T0.plusSeconds(10), "service=db", "cluster=eu-1"), T0);
    pipe(db("f1", "eu-1", "warning", "db-0"));
    pipe(db("f2", "eu-2", "warning", "db-0"));

    List<IncidentEvent> opened = events.readValuesToList();
    assertThat(opened).extracting(e -> e.getAlert().getFingerprint(), IncidentEvent::getSilenced,
            IncidentEvent::getSilencedBy, IncidentEvent::getMuted)
        .containsExactly(tuple("f1", true, List.of("s-1"), true), tuple("f2", false, List.of(), false));
    assertThat(registry.get("pagewire.router.suppressed").tag("by", "silence").counter().count()).isEqualTo(1);

    advance(Duration.ofSeconds(9));
    assertThat(events.isEmpty()).as("still silenced at T0+9s").isTrue();
    advance(Duration.ofSeconds(2));

    List<IncidentEvent> resumed = events.readValuesToList();
    assertThat(resumed).extracting(IncidentEvent::getType, e -> e.getAlert().getFingerprint(), IncidentEvent::getSilenced,
            IncidentEvent::getMuted, IncidentEvent::getIncidentId)
        .containsExactly(tuple(IncidentEventType.ALERT_ADDED, "f1", false, false, opened.get(0).getIncidentId()));
    assertThat(resumed.get(0).getReason()).isEqualTo("no longer silenced by s-1");
  }

  @Test
  void shouldMuteAFiringIncidentWhenASilenceStartsAndKeepItsHistory() {
    Alert alert = db("f1", "eu-1", "warning", "db-0");
    pipe(alert);
    silences.pipeInput("s-2", silence("s-2", T0.plusSeconds(3), T0.plusSeconds(3600), "alertname=Replication"), T0);

    advance(Duration.ofSeconds(2));
    assertThat(events.readValuesToList()).extracting(IncidentEvent::getType, IncidentEvent::getMuted)
        .containsExactly(tuple(IncidentEventType.OPENED, false));
    advance(Duration.ofSeconds(2));
    pipe(resolved(alert, now));

    assertThat(events.readValuesToList()).extracting(IncidentEvent::getType, IncidentEvent::getSilenced, IncidentEvent::getMuted)
        .containsExactly(
            tuple(IncidentEventType.ALERT_ADDED, true, true),
            tuple(IncidentEventType.ALERT_RESOLVED, false, false),
            tuple(IncidentEventType.RESOLVED, false, false));
  }

  @Test
  void shouldInhibitWarningsOfAClusterWhileItsClusterDownAlertFires() {
    Alert clusterDown = firing("cd", now, "alertname", "ClusterDown", "cluster", "eu-1", "severity", "critical");
    pipe(clusterDown);
    pipe(db("f1", "eu-1", "warning", "db-0"));
    pipe(db("f2", "eu-2", "warning", "db-0"));
    pipe(db("f3", "eu-1", "critical", "db-0"));

    List<IncidentEvent> out = events.readValuesToList();
    assertThat(out).extracting(e -> e.getAlert().getFingerprint(), IncidentEvent::getInhibited, IncidentEvent::getMuted)
        .containsExactly(tuple("cd", false, false), tuple("f1", true, true), tuple("f2", false, false),
            tuple("f3", false, false));
    assertThat(out.get(1).getInhibitedBy()).isEqualTo("cluster-down (alert cd)");

    pipe(resolved(clusterDown, now));
    events.readValuesToList(); // the ClusterDown incident resolves
    advance(TICK);

    assertThat(events.readValuesToList())
        .extracting(IncidentEvent::getType, e -> e.getAlert().getFingerprint(), IncidentEvent::getInhibited, IncidentEvent::getMuted)
        .containsExactly(tuple(IncidentEventType.ALERT_ADDED, "f1", false, false));
  }

  @Test
  void shouldHoldAFlappingIncidentOpenInsteadOfReopeningAndResolveItOnceCalm() {
    Alert alert = db("f1", "eu-1", "warning", "db-0");
    Instant started = now;
    pipe(alert);                                  // change 1: OPENED
    advance(Duration.ofSeconds(10));
    pipe(resolved(alert, now));                   // change 2: RESOLVED
    advance(Duration.ofSeconds(10));
    Alert again = db("f1", "eu-1", "warning", "db-0");
    pipe(again);                                  // change 3: OPENED, a second incident
    advance(Duration.ofSeconds(10));
    pipe(resolved(again, now));                   // change 4 > 3: kept open, flapping
    advance(Duration.ofSeconds(10));
    Alert third = db("f1", "eu-1", "warning", "db-0");
    pipe(third);                                  // joins the held incident: no OPENED
    advance(Duration.ofSeconds(10));
    pipe(resolved(third, now));

    List<IncidentEvent> out = events.readValuesToList();
    assertThat(out).extracting(IncidentEvent::getType, IncidentEvent::getFlapping)
        .containsExactly(
            tuple(IncidentEventType.OPENED, false), tuple(IncidentEventType.ALERT_RESOLVED, false),
            tuple(IncidentEventType.RESOLVED, false),
            tuple(IncidentEventType.OPENED, false), tuple(IncidentEventType.ALERT_RESOLVED, true),
            tuple(IncidentEventType.ALERT_ADDED, true), tuple(IncidentEventType.ALERT_RESOLVED, true));
    assertThat(out.subList(3, 7)).extracting(IncidentEvent::getIncidentId).containsOnly(out.get(3).getIncidentId());
    assertThat(out.get(4).getReason()).contains("flapping: 4 state changes within PT2M, kept open");
    assertThat(started).isEqualTo(T0);

    advance(Duration.ofSeconds(110));
    assertThat(events.isEmpty()).as("still within 2m of the last change").isTrue();
    advance(Duration.ofSeconds(15));

    List<IncidentEvent> closed = events.readValuesToList();
    assertThat(closed).extracting(IncidentEvent::getType, IncidentEvent::getIncidentId, IncidentEvent::getFiringAlerts)
        .containsExactly(tuple(IncidentEventType.RESOLVED, out.get(3).getIncidentId(), 0));
    assertThat(closed.get(0).getReason()).startsWith("stopped flapping");
    assertThat(driver.getKeyValueStore(RouterTopology.INCIDENT_STORE).get("databases|alertname=Replication,cluster=eu-1")).isNull();
  }

  @Test
  void shouldSendAlertsWithoutLabelsToUnroutableWithTheReason() {
    Alert empty = firing("e1", now);
    pipe(empty);
    pipe(db("f1", "eu-1", "warning", "db-0"));

    List<UnroutableAlert> out = unroutable.readValuesToList();
    assertThat(out).extracting(u -> u.getAlert().getFingerprint(), UnroutableAlert::getReason)
        .containsExactly(tuple("e1", "alert has no labels"));
    assertThat(events.readValuesToList()).hasSize(1);
    assertThat(registry.get("pagewire.router.unroutable").counter().count()).isEqualTo(1);
  }

  private void pipe(Alert alert) {
    alerts.pipeInput(alert.getFingerprint(), alert, now);
  }

  /** Moves wall-clock time in punctuation-sized steps, as a running router would see it. */
  private void advance(Duration by) {
    for (long s = 0; s < by.toMillis(); s += TICK.toMillis()) {
      now = now.plus(TICK);
      driver.advanceWallClockTime(TICK);
    }
  }

  private Alert db(String fingerprint, String cluster, String severity, String instance) {
    return firing(fingerprint, now, "alertname", "Replication", "service", "db", "cluster", cluster,
        "severity", severity, "instance", instance);
  }

  static Silence silence(String id, Instant startsAt, Instant endsAt, String... matchers) {
    return Silence.newBuilder().setId(id).setMatchers(List.of(matchers)).setStartsAt(startsAt).setEndsAt(endsAt)
        .setCreatedBy("alice").setComment("maintenance").setUpdatedAt(startsAt).build();
  }
}
