package io.pagewire.router.topology;

import static io.pagewire.router.TestAlerts.STARTS;
import static io.pagewire.router.TestAlerts.firing;
import static io.pagewire.router.TestAlerts.resolved;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.router.RouterService;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.IncidentStatus;
import io.pagewire.schemas.IncidentStatusUpdate;
import io.pagewire.schemas.RouterAlert;
import io.pagewire.schemas.RouterIncident;
import io.pagewire.schemas.Topics;
import io.pagewire.schemas.serde.AvroSerde;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router's group state on the production topology: its size does not grow with the group,
 * and a person's resolution ends the group.
 */
class GroupStateTopologyTest {

  private static final String CHECKOUT = "alertname=HighLatency,service=checkout";
  private static final Instant T0 = Instant.parse("2026-11-22T20:14:28.301Z");
  private static final AvroSerde<RouterIncident> INCIDENTS = AvroSerde.of(RouterIncident.class);
  private static final AvroSerde<RouterAlert> ALERTS = AvroSerde.of(RouterAlert.class);
  private static final AvroSerde<IncidentEvent> EVENTS = AvroSerde.of(IncidentEvent.class);

  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, Alert> alerts;
  private TestInputTopic<String, IncidentStatusUpdate> statuses;
  private TestOutputTopic<String, IncidentEvent> events;

  @BeforeEach
  void startDriver() {
    PagewireConfig config = PagewireConfig.defaults().withKafka("unused:9092", stateDir);
    driver = new TopologyTestDriver(RouterTopology.build(config),
        KafkaSettings.streams(config, RouterService.APPLICATION_ID, null), T0);
    alerts = driver.createInputTopic(Topics.ALERTS.name(),
        Topics.ALERTS.keySerde().serializer(), Topics.ALERTS.valueSerde().serializer());
    statuses = driver.createInputTopic(Topics.INCIDENT_STATUS.name(),
        Topics.INCIDENT_STATUS.keySerde().serializer(), Topics.INCIDENT_STATUS.valueSerde().serializer());
    events = driver.createOutputTopic(Topics.INCIDENT_EVENTS.name(),
        Topics.INCIDENT_EVENTS.keySerde().deserializer(), Topics.INCIDENT_EVENTS.valueSerde().deserializer());
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  @Test
  void shouldKeepEveryStoredRecordUnderAFixedBoundInAGroupOf50000Alerts() {
    int bound = 2_048;
    int largestIncident = 0;
    int largestEvent = 0;
    int firstIncident = 0;
    int published = 0;
    int added = 0;
    for (int batch = 0; batch < 50; batch++) {
      List<TestRecord<String, Alert>> records = new ArrayList<>(1_000);
      for (int i = 0; i < 1_000; i++) {
        int n = batch * 1_000 + i;
        Alert alert = checkout("fp-" + n, "instance", "pod-" + n);
        records.add(new TestRecord<>(alert.getFingerprint(), alert, T0.plusMillis(n)));
      }
      alerts.pipeRecordList(records);
      int incident = INCIDENTS.encode(incidentStore().get(CHECKOUT)).length;
      firstIncident = batch == 0 ? incident : firstIncident;
      largestIncident = Math.max(largestIncident, incident);
      for (IncidentEvent event : events.readValuesToList()) {
        largestEvent = Math.max(largestEvent, EVENTS.encode(event).length);
        published++;
        added += event.getAlertsAdded();
      }
    }
    // The wall clock catches up with the records' 50 s: the held-back changes are published.
    driver.advanceWallClockTime(Duration.ofSeconds(60));
    for (IncidentEvent event : events.readValuesToList()) {
      published++;
      added += event.getAlertsAdded();
    }

    RouterIncident incident = incidentStore().get(CHECKOUT);
    assertThat(incident.getFiringCount()).isEqualTo(50_000);
    // Coalesced: about one event per second of the 50 s, and together they count every alert.
    assertThat(published).isBetween(2, 52);
    assertThat(added).isEqualTo(50_000);
    assertThat(incident.getSequence()).isEqualTo(published);
    assertThat(incident.getPendingAdded()).isZero();
    assertThat(largestIncident).isLessThan(bound).isLessThanOrEqualTo(firstIncident + 8);
    assertThat(largestEvent).isLessThan(bound);
    int largestAlert = 0;
    int count = 0;
    KeyValueStore<String, RouterAlert> members = driver.getKeyValueStore(RouterTopology.ALERT_STORE);
    try (KeyValueIterator<String, RouterAlert> all = members.all()) {
      while (all.hasNext()) {
        KeyValue<String, RouterAlert> kv = all.next();
        largestAlert = Math.max(largestAlert, ALERTS.encode(kv.value).length);
        count++;
      }
    }
    assertThat(count).isEqualTo(50_000);
    assertThat(largestAlert).isLessThan(bound);
  }

  @Test
  void shouldOpenNewIncidentForNextAlertAfterPersonResolvedTheIncident() {
    alerts.pipeInput("f1", checkout("f1"), T0);
    IncidentEvent opened = events.readValue();
    assertThat(opened.getType()).isEqualTo(IncidentEventType.OPENED);

    statuses.pipeInput(opened.getIncidentId(), resolvedBy("alice", opened, T0.plusSeconds(60)), T0.plusSeconds(61));
    alerts.pipeInput("f2", checkout("f2", "instance", "pod-2"), T0.plusSeconds(120));

    List<IncidentEvent> after = events.readValuesToList();
    assertThat(after).extracting(IncidentEvent::getType).containsExactly(IncidentEventType.OPENED);
    assertThat(after.get(0).getIncidentId()).isNotEqualTo(opened.getIncidentId());
    assertThat(after.get(0).getFiringAlerts()).isEqualTo(1);
    assertThat(incidentStore().get(CHECKOUT).getIncidentId()).isEqualTo(after.get(0).getIncidentId());
  }

  @Test
  void shouldForgetAlertsOfTheResolvedIncidentSoTheirResolutionIsAnOrphan() {
    Alert f1 = checkout("f1");
    alerts.pipeInput("f1", f1, T0);
    IncidentEvent opened = events.readValue();
    statuses.pipeInput(opened.getIncidentId(), resolvedBy("alice", opened, T0.plusSeconds(60)), T0.plusSeconds(61));

    alerts.pipeInput("f1", resolved(f1, T0.plusSeconds(90)), T0.plusSeconds(90));

    assertThat(events.readValuesToList()).isEmpty();
    assertThat(incidentStore().get(CHECKOUT)).isNull();
    assertThat(driver.getKeyValueStore(RouterTopology.ALERT_STORE).approximateNumEntries()).isZero();
  }

  @Test
  void shouldOpenNewIncidentAtOnceForAlertThatJoinedAfterTheResolution() {
    alerts.pipeInput("f1", checkout("f1"), T0);
    IncidentEvent opened = events.readValue();
    Alert late = Alert.newBuilder(checkout("f2", "instance", "pod-2")).setReceivedAt(T0.plusSeconds(70)).build();
    alerts.pipeInput("f2", late, T0.plusSeconds(70));
    assertThat(events.readValue().getType()).isEqualTo(IncidentEventType.ALERT_ADDED);

    statuses.pipeInput(opened.getIncidentId(), resolvedBy("alice", opened, T0.plusSeconds(60)), T0.plusSeconds(75));

    List<IncidentEvent> after = events.readValuesToList();
    assertThat(after).extracting(IncidentEvent::getType).containsExactly(IncidentEventType.OPENED);
    assertThat(after.get(0).getAlert().getFingerprint()).isEqualTo("f2");
    assertThat(after.get(0).getIncidentId()).isNotEqualTo(opened.getIncidentId());
  }

  @Test
  void shouldIgnoreResolutionOfAnIncidentThatIsNoLongerOpen() {
    Alert f1 = checkout("f1");
    alerts.pipeInput("f1", f1, T0);
    IncidentEvent first = events.readValue();
    alerts.pipeInput("f1", resolved(f1, T0.plusSeconds(10)), T0.plusSeconds(10));
    alerts.pipeInput("f1", checkout("f1", STARTS.plusSeconds(3600)), T0.plus(Duration.ofHours(1)));
    events.readValuesToList();
    String second = incidentStore().get(CHECKOUT).getIncidentId();

    statuses.pipeInput(first.getIncidentId(), resolvedBy(null, first, T0.plusSeconds(10)), T0.plus(Duration.ofHours(1)).plusSeconds(1));

    assertThat(incidentStore().get(CHECKOUT).getIncidentId()).isEqualTo(second).isNotEqualTo(first.getIncidentId());
  }

  @Test
  void shouldForgetDedupEntriesOnceTheRetentionPassedSinceTheAlertWasLastSeen() {
    Alert f1 = checkout("f1");
    alerts.pipeInput("f1", f1, T0);
    KeyValueStore<String, String> dedup = driver.getKeyValueStore(RouterTopology.DEDUP_STORE);
    Duration retention = PagewireConfig.defaults().classification().dedupRetention();

    driver.advanceWallClockTime(retention.minusMinutes(1));
    assertThat(dedup.get("f1")).as("within the retention").isNotNull();

    driver.advanceWallClockTime(Duration.ofMinutes(2));
    assertThat(dedup.get("f1")).as("past the retention").isNull();
    assertThat(driver.getKeyValueStore(RouterTopology.DEDUP_EXPIRY_STORE).approximateNumEntries()).isZero();
  }

  @Test
  void shouldKeepDedupEntryOfAnAlertSeenAgainWithinTheRetention() {
    Alert f1 = checkout("f1");
    Duration retention = PagewireConfig.defaults().classification().dedupRetention();
    alerts.pipeInput("f1", f1, T0);
    // Resent (a repeat_interval) when most of the retention has passed: its entry lives on.
    alerts.pipeInput("f1", f1, T0.plus(retention.multipliedBy(9).dividedBy(10)));

    driver.advanceWallClockTime(retention.plusMinutes(1));

    assertThat(driver.<String, String>getKeyValueStore(RouterTopology.DEDUP_STORE).get("f1")).isNotNull();
  }

  private static IncidentStatusUpdate resolvedBy(String actor, IncidentEvent opened, Instant at) {
    return IncidentStatusUpdate.newBuilder()
        .setIncidentId(opened.getIncidentId())
        .setIncidentKey(opened.getIncidentKey())
        .setStatus(IncidentStatus.RESOLVED)
        .setVersion(3)
        .setPagesSent(1)
        .setActor(actor)
        .setAt(at)
        .build();
  }

  private KeyValueStore<String, RouterIncident> incidentStore() {
    return driver.getKeyValueStore(RouterTopology.INCIDENT_STORE);
  }

  private static Alert checkout(String fingerprint, String... more) {
    return checkout(fingerprint, STARTS, more);
  }

  private static Alert checkout(String fingerprint, Instant startsAt, String... more) {
    String[] labels = new String[6 + more.length];
    labels[0] = "alertname";
    labels[1] = "HighLatency";
    labels[2] = "service";
    labels[3] = "checkout";
    labels[4] = "severity";
    labels[5] = "critical";
    System.arraycopy(more, 0, labels, 6, more.length);
    return firing(fingerprint, startsAt, labels);
  }
}
