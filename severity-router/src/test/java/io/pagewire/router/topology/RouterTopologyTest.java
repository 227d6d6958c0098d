package io.pagewire.router.topology;

import static io.pagewire.router.TestAlerts.STARTS;
import static io.pagewire.router.TestAlerts.firing;
import static io.pagewire.router.TestAlerts.resolved;
import static io.pagewire.router.TestAlerts.withSummary;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.router.RouterService;
import io.pagewire.router.incident.IncidentKeys;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Ids;
import io.pagewire.schemas.RouterAlert;
import io.pagewire.schemas.RouterIncident;
import io.pagewire.schemas.Severity;
import io.pagewire.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production topology, with the production streams settings, on TopologyTestDriver. */
class RouterTopologyTest {

  private static final String CHECKOUT = "alertname=HighLatency,service=checkout";
  private static final Instant T0 = Instant.parse("2026-11-22T20:14:28.301Z");

  @TempDir
  Path stateDir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private PagewireConfig config;
  private TopologyTestDriver driver;
  private TestInputTopic<String, Alert> alerts;
  private TestOutputTopic<String, IncidentEvent> events;

  @BeforeEach
  void startDriver() {
    config = PagewireConfig.defaults().withKafka("unused:9092", stateDir);
    startDriver(KafkaSettings.streams(config, RouterService.APPLICATION_ID, null));
  }

  private void startDriver(Properties settings) {
    driver = new TopologyTestDriver(RouterTopology.build(config, registry), settings, T0);
    alerts = driver.createInputTopic(Topics.ALERTS.name(),
        Topics.ALERTS.keySerde().serializer(), Topics.ALERTS.valueSerde().serializer());
    events = driver.createOutputTopic(Topics.INCIDENT_EVENTS.name(),
        Topics.INCIDENT_EVENTS.keySerde().deserializer(), Topics.INCIDENT_EVENTS.valueSerde().deserializer());
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  @Test
  void shouldOpenIncidentClassifiedBySeverityLabel() {
    Alert critical = withSummary(checkout("c75f68922c9ebc87", "critical"), "p99 above 500ms");

    pipe(critical, T0);

    List<TestRecord<String, IncidentEvent>> out = events.readRecordsToList();
    assertThat(out).hasSize(1);
    String incidentId = IncidentKeys.incidentId(CHECKOUT, T0.toEpochMilli());
    TestRecord<String, IncidentEvent> record = out.get(0);
    assertThat(record.key()).isEqualTo(incidentId);
    assertThat(record.getRecordTime()).isEqualTo(T0);
    assertThat(record.value()).isEqualTo(IncidentEvent.newBuilder()
        .setEventId(incidentId + "/1")
        .setIncidentId(incidentId)
        .setType(IncidentEventType.OPENED)
        .setIncidentKey(CHECKOUT)
        .setTitle("p99 above 500ms")
        .setPriority(Priority.P0)
        .setSeverity(Severity.SEV_1)
        .setReason("label severity=critical")
        .setTeam(null)
        .setEscalationPolicy(null)
        .setAlert(critical)
        .setFiringAlerts(1)
        .setAt(T0)
        .setRoute("default")
        .setAlertsAdded(1)
        .build());
    assertThat(eventCount(IncidentEventType.OPENED)).isEqualTo(1);
  }

  @Test
  void shouldLetPriorityLabelWinOverSeverity() {
    pipe(firing("a1", STARTS, "alertname", "CertExpiry", "severity", "critical", "priority", "p3"), T0);

    IncidentEvent opened = events.readValue();
    assertThat(opened.getPriority()).isEqualTo(Priority.P3);
    assertThat(opened.getSeverity()).isNull();
    assertThat(opened.getReason()).isEqualTo("label priority=p3");
    assertThat(opened.getTitle()).isEqualTo("CertExpiry");
  }

  @Test
  void shouldDefaultToP2AndRecordWhyWithoutSeverityLabel() {
    pipe(firing("3a429a6edd7eb7a1", STARTS, "alertname", "DiskFull"), T0);

    IncidentEvent opened = events.readValue();
    assertThat(opened.getPriority()).isEqualTo(Priority.P2);
    assertThat(opened.getSeverity()).isEqualTo(Severity.SEV_3);
    assertThat(opened.getReason()).isEqualTo("no severity label: default P2");
  }

  @Test
  void shouldDropAlertmanagerHaDuplicatesAndResends() {
    Alert alert = checkout("c75f68922c9ebc87", "critical");

    pipe(alert, T0);
    pipe(alert, T0.plusMillis(40));
    pipe(alert, T0.plus(Duration.ofHours(4)));
    pipe(resolved(alert, T0.plusSeconds(60)), T0.plusSeconds(61));
    pipe(resolved(alert, T0.plusSeconds(60)), T0.plusSeconds(62));

    assertThat(types(events.readValuesToList())).containsExactly(
        IncidentEventType.OPENED, IncidentEventType.ALERT_RESOLVED, IncidentEventType.RESOLVED);
    assertThat(registry.get("pagewire.router.duplicates").counter().count()).isEqualTo(3);
  }

  @Test
  void shouldGroupTwoAlertsOfOneServiceIntoOneIncident() {
    pipe(checkout("f1", "warning", "instance", "pod-1"), T0);
    pipe(checkout("f2", "warning", "instance", "pod-2"), T0.plusSeconds(5));

    List<IncidentEvent> out = events.readValuesToList();
    assertThat(types(out)).containsExactly(IncidentEventType.OPENED, IncidentEventType.ALERT_ADDED);
    assertThat(out).extracting(IncidentEvent::getIncidentId).containsOnly(out.get(0).getIncidentId());
    assertThat(out.get(1).getEventId()).isEqualTo(out.get(0).getIncidentId() + "/2");
    assertThat(out.get(1).getFiringAlerts()).isEqualTo(2);
    assertThat(out.get(1).getAlert().getFingerprint()).isEqualTo("f2");
    assertThat(out.get(1).getAt()).isEqualTo(T0.plusSeconds(5));
  }

  @Test
  void shouldKeepDifferentServicesInSeparateIncidents() {
    pipe(checkout("c75f68922c9ebc87", "critical"), T0);
    pipe(firing("158b4cbced280641", STARTS, "alertname", "HighLatency", "service", "payments", "severity", "warning"), T0);

    List<IncidentEvent> out = events.readValuesToList();
    assertThat(types(out)).containsExactly(IncidentEventType.OPENED, IncidentEventType.OPENED);
    assertThat(out).extracting(IncidentEvent::getIncidentKey)
        .containsExactly(CHECKOUT, "alertname=HighLatency,service=payments");
    assertThat(out.get(0).getIncidentId()).isNotEqualTo(out.get(1).getIncidentId());
  }

  @Test
  void shouldRaisePriorityWhenCriticalAlertJoinsAndNeverLowerItWhileOpen() {
    Alert critical = checkout("f2", "critical", "instance", "pod-2");
    pipe(checkout("f1", "warning", "instance", "pod-1"), T0);
    pipe(critical, T0.plusSeconds(1));
    pipe(checkout("f3", "error", "instance", "pod-3"), T0.plusSeconds(2));
    pipe(resolved(critical, T0.plusSeconds(3)), T0.plusSeconds(3));

    List<IncidentEvent> out = events.readValuesToList();
    assertThat(types(out)).containsExactly(IncidentEventType.OPENED, IncidentEventType.PRIORITY_RAISED,
        IncidentEventType.ALERT_ADDED, IncidentEventType.ALERT_RESOLVED);
    assertThat(out).extracting(IncidentEvent::getPriority)
        .containsExactly(Priority.P1, Priority.P0, Priority.P0, Priority.P0);
    assertThat(out).extracting(IncidentEvent::getSeverity)
        .containsExactly(Severity.SEV_2, Severity.SEV_1, Severity.SEV_1, Severity.SEV_1);
    assertThat(out.get(1).getReason()).isEqualTo("label severity=critical");
  }

  @Test
  void shouldResolveIncidentWhenAllItsAlertsResolved() {
    Alert first = checkout("f1", "warning", "instance", "pod-1");
    Alert second = checkout("f2", "warning", "instance", "pod-2");
    pipe(first, T0);
    pipe(second, T0.plusSeconds(1));
    pipe(resolved(first, T0.plusSeconds(10)), T0.plusSeconds(10));
    pipe(resolved(second, T0.plusSeconds(20)), T0.plusSeconds(20));

    List<IncidentEvent> out = events.readValuesToList();
    String incidentId = out.get(0).getIncidentId();
    assertThat(types(out)).containsExactly(IncidentEventType.OPENED, IncidentEventType.ALERT_ADDED,
        IncidentEventType.ALERT_RESOLVED, IncidentEventType.ALERT_RESOLVED, IncidentEventType.RESOLVED);
    assertThat(out).extracting(IncidentEvent::getEventId).containsExactly(
        incidentId + "/1", incidentId + "/2", incidentId + "/3", incidentId + "/4", incidentId + "/5");
    assertThat(out).extracting(IncidentEvent::getFiringAlerts).containsExactly(1, 2, 1, 0, 0);
    assertThat(out.get(4).getAt()).isEqualTo(T0.plusSeconds(20));
    assertThat(incidentStore().get(CHECKOUT)).isNull();
    assertThat(eventCount(IncidentEventType.RESOLVED)).isEqualTo(1);
  }

  @Test
  void shouldOpenNewIncidentWhenAlertFiresAfterResolution() {
    Alert alert = checkout("f1", "critical");
    pipe(alert, T0);
    pipe(resolved(alert, T0.plusSeconds(30)), T0.plusSeconds(30));
    pipe(checkout("f1", "critical", STARTS.plusSeconds(600)), T0.plusSeconds(600));

    List<IncidentEvent> out = events.readValuesToList();
    assertThat(types(out)).containsExactly(IncidentEventType.OPENED, IncidentEventType.ALERT_RESOLVED,
        IncidentEventType.RESOLVED, IncidentEventType.OPENED);
    String second = IncidentKeys.incidentId(CHECKOUT, T0.plusSeconds(600).toEpochMilli());
    assertThat(out.get(3).getIncidentId()).isEqualTo(second).isNotEqualTo(out.get(0).getIncidentId());
    assertThat(out.get(3).getEventId()).isEqualTo(second + "/1");
  }

  @Test
  void shouldKeepStateButEmitNothingWhenFiringAlertFiresAgain() {
    Instant restarted = STARTS.plusSeconds(300);
    pipe(checkout("f1", "warning"), T0);
    pipe(checkout("f1", "warning", restarted), T0.plusSeconds(300));

    assertThat(types(events.readValuesToList())).containsExactly(IncidentEventType.OPENED);
    RouterIncident open = incidentStore().get(CHECKOUT);
    assertThat(open.getFiringCount()).isEqualTo(1);
    assertThat(firingAlerts()).containsExactly(Map.entry("f1", restarted));
    assertThat(open.getSequence()).isEqualTo(1);

    pipe(resolved(checkout("f1", "warning", restarted), T0.plusSeconds(400)), T0.plusSeconds(400));
    assertThat(types(events.readValuesToList()))
        .containsExactly(IncidentEventType.ALERT_RESOLVED, IncidentEventType.RESOLVED);
  }

  @Test
  void shouldDropAndCountResolvedAlertWithoutOpenIncident() {
    pipe(resolved(checkout("f1", "critical"), T0), T0);
    pipe(checkout("f2", "critical", "instance", "pod-2"), T0.plusSeconds(1));
    pipe(resolved(checkout("f3", "critical", "instance", "pod-3"), T0.plusSeconds(2)), T0.plusSeconds(2));

    assertThat(types(events.readValuesToList())).containsExactly(IncidentEventType.OPENED);
    assertThat(registry.get("pagewire.router.orphan.resolutions").counter().count()).isEqualTo(2);
    assertThat(firingAlerts()).containsOnlyKeys("f2");
    assertThat(incidentStore().get(CHECKOUT).getFiringCount()).isEqualTo(1);
  }

  @Test
  void shouldIgnoreLateResolutionOfAnEarlierFiringOfTheSameAlert() {
    Alert first = checkout("f1", "critical");
    Alert again = checkout("f1", "critical", STARTS.plusSeconds(300));
    pipe(first, T0);
    pipe(again, T0.plusSeconds(300));
    // Alertmanager ended the first firing at +60 s; its resolve was received after the second firing.
    pipe(received(resolved(first, T0.plusSeconds(60)), T0.plusSeconds(301)), T0.plusSeconds(301));

    assertThat(types(events.readValuesToList())).containsExactly(IncidentEventType.OPENED);
    assertThat(firingAlerts()).containsExactly(Map.entry("f1", STARTS.plusSeconds(300)));
    assertThat(registry.get("pagewire.router.orphan.resolutions").counter().count()).isEqualTo(1);
  }

  /**
   * Runs at_least_once, unlike the other tests: under exactly_once_v2 TopologyTestDriver loses
   * what is sent while a record is enqueued, which is when source records are deserialized
   * (MockProducer.clear() discards the open transaction's sends before the driver commits).
   * RouterServiceIT pins the same behaviour under exactly_once_v2 on a real broker.
   */
  @Test
  void shouldDeadLetterUndecodableRecordsAndContinue() {
    driver.close();
    Properties atLeastOnce = KafkaSettings.streams(config, RouterService.APPLICATION_ID, null);
    atLeastOnce.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    startDriver(atLeastOnce);
    TestInputTopic<byte[], byte[]> raw = driver.createInputTopic(Topics.ALERTS.name(),
        new ByteArraySerializer(), new ByteArraySerializer());
    TestOutputTopic<byte[], byte[]> deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    byte[] garbage = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);

    raw.pipeInput("bad-key".getBytes(StandardCharsets.UTF_8), garbage, T0);
    pipe(checkout("c75f68922c9ebc87", "critical"), T0.plusSeconds(1));

    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).value()).isEqualTo(garbage);
    assertThat(dead.get(0).key()).isEqualTo("bad-key".getBytes(StandardCharsets.UTF_8));
    assertThat(header(dead.get(0), "__streams.errors.topic")).isEqualTo(Topics.ALERTS.name());
    assertThat(header(dead.get(0), "__streams.errors.message")).contains("not a readable Alert");
    assertThat(types(events.readValuesToList())).containsExactly(IncidentEventType.OPENED);
  }

  @Test
  void shouldDeadLetterAlertRecordWithoutValueAndContinue() {
    TestOutputTopic<byte[], byte[]> deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());

    alerts.pipeInput("c75f68922c9ebc87", null, T0);
    pipe(checkout("c75f68922c9ebc87", "critical"), T0.plusSeconds(1));

    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).value()).isNull();
    assertThat(header(dead.get(0), "__streams.errors.message")).contains("alert record without a value");
    assertThat(types(events.readValuesToList())).containsExactly(IncidentEventType.OPENED);
  }

  @Test
  void shouldNameInternalTopicsAndStoresStably() {
    String description = RouterTopology.build(PagewireConfig.defaults()).describe().toString();

    assertThat(description)
        .contains("alerts-by-incident-repartition")
        .contains("resolutions-by-incident-repartition")
        .contains("stores: [" + RouterTopology.DEDUP_EXPIRY_STORE + ", " + RouterTopology.DEDUP_STORE + "]")
        .contains("stores: [" + RouterTopology.INCIDENT_STORE + ", " + RouterTopology.ALERT_STORE + ", "
            + RouterTopology.CHANGES_STORE + ", " + RouterTopology.PENDING_STORE + "]")
        .contains("for global store")
        .contains(RouterTopology.SILENCE_STORE)
        .contains(RouterTopology.INHIBITING_STORE);
  }

  /** Fingerprint → startsAt of every alert the checkout incident counts as firing. */
  private Map<String, Instant> firingAlerts() {
    Map<String, Instant> firing = new java.util.LinkedHashMap<>();
    KeyValueStore<String, RouterAlert> store = driver.getKeyValueStore(RouterTopology.ALERT_STORE);
    try (var all = store.prefixScan(Ids.groupPrefix(CHECKOUT), new org.apache.kafka.common.serialization.StringSerializer())) {
      all.forEachRemaining(kv -> firing.put(kv.value.getAlert().getFingerprint(), kv.value.getAlert().getStartsAt()));
    }
    return firing;
  }

  private void pipe(Alert alert, Instant timestamp) {
    alerts.pipeInput(alert.getFingerprint(), alert, timestamp);
  }

  private static Alert received(Alert alert, Instant at) {
    return Alert.newBuilder(alert).setReceivedAt(at).build();
  }

  @Test
  void shouldOpenAnIncidentFromTheUrgentLaneAtTheRealTimeOfItsRecord() {
    TestInputTopic<String, Alert> urgent = driver.createInputTopic(Topics.ALERTS_URGENT.name(),
        Topics.ALERTS.keySerde().serializer(), Topics.ALERTS.valueSerde().serializer());
    Alert alert = received(checkout("f1", "critical"), T0);
    urgent.pipeInput(alert.getFingerprint(), alert, T0);

    var opened = events.readRecord();
    assertThat(opened.value().getType()).isEqualTo(IncidentEventType.OPENED);
    // The lane's head start (a day) is taken back before any processor reads the time.
    assertThat(opened.value().getAt()).isEqualTo(T0);
    assertThat(opened.timestamp()).isEqualTo(T0.toEpochMilli());
    assertThat(incidentStore().get(opened.value().getIncidentKey()).getOpenedAt()).isEqualTo(T0);
  }

  @Test
  void shouldDropARoutineRecordOvertakenByALaterOneOfTheSameAlertOnTheUrgentLane() {
    TestInputTopic<String, Alert> urgent = driver.createInputTopic(Topics.ALERTS_URGENT.name(),
        Topics.ALERTS.keySerde().serializer(), Topics.ALERTS.valueSerde().serializer());
    Alert first = received(checkout("f1", "critical"), T0);
    Alert again = received(checkout("f1", "critical", STARTS.plusSeconds(300)), T0.plusSeconds(300));
    // Received in this order: firing, resolved, firing again (a new group's first webhook, urgent).
    // The urgent record overtook the routine resolve, which comes last, received before it.
    pipe(first, T0);
    urgent.pipeInput(again.getFingerprint(), again, T0.plusSeconds(300));
    pipe(received(resolved(first, T0.plusSeconds(60)), T0.plusSeconds(61)), T0.plusSeconds(301));

    assertThat(types(events.readValuesToList())).containsExactly(IncidentEventType.OPENED);
    assertThat(firingAlerts()).containsExactly(Map.entry("f1", STARTS.plusSeconds(300)));
    assertThat(registry.get("pagewire.router.stale").counter().count()).isEqualTo(1);
    assertThat(registry.get("pagewire.router.orphan.resolutions").counter().count()).isZero();
  }

  private static Alert checkout(String fingerprint, String severity, String... more) {
    return checkout(fingerprint, severity, STARTS, more);
  }

  private static Alert checkout(String fingerprint, String severity, Instant startsAt, String... more) {
    String[] labels = new String[6 + more.length];
    System.arraycopy(new String[] {"alertname", "HighLatency", "service", "checkout", "severity", severity}, 0, labels, 0, 6);
    System.arraycopy(more, 0, labels, 6, more.length);
    return firing(fingerprint, startsAt, labels);
  }

  private KeyValueStore<String, RouterIncident> incidentStore() {
    return driver.getKeyValueStore(RouterTopology.INCIDENT_STORE);
  }

  private double eventCount(IncidentEventType type) {
    return registry.get("pagewire.router.events").tag("type", type.name()).counter().count();
  }

  private static List<IncidentEventType> types(List<IncidentEvent> events) {
    return events.stream().map(IncidentEvent::getType).toList();
  }

  private static String header(TestRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    assertThat(header).as("header %s", name).isNotNull();
    return new String(header.value(), StandardCharsets.UTF_8);
  }
}
