package io.pagewire.router.topology;

import static io.pagewire.router.TestAlerts.firing;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.router.incident.IncidentLifecycle;
import io.pagewire.router.mute.Suppressions;
import io.pagewire.router.route.AlertRouter;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.RouterAlert;
import io.pagewire.schemas.RouterIncident;
import io.pagewire.schemas.Silence;
import io.pagewire.schemas.serde.AvroSerde;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When the incidents processor asks its task to commit at once ({@code EarlyCommit}): after an
 * event that may page, so that escalation reads it without waiting for {@code commit.interval.ms};
 * never after a routine change, so a storm's alerts add no commits.
 */
class IncidentCommitTest {

  private static final Instant T0 = Instant.parse("2026-11-22T20:00:00Z");
  private final MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
  private AlertRouter router;
  private IncidentProcessor processor;

  @BeforeEach
  void init() {
    // The defaults: grouped by alertname and service, the priority from the severity label.
    PagewireConfig.Classification classification = PagewireConfig.defaults().classification();
    router = new AlertRouter(classification);
    store(RouterTopology.INCIDENT_STORE, AvroSerde.of(RouterIncident.class));
    store(RouterTopology.ALERT_STORE, AvroSerde.of(RouterAlert.class));
    store(RouterTopology.CHANGES_STORE, Serdes.String());
    store(RouterTopology.PENDING_STORE, Serdes.String());
    store(RouterTopology.SILENCE_STORE, AvroSerde.of(Silence.class));
    store(RouterTopology.INHIBITING_STORE, AvroSerde.of(Alert.class));
    processor = new IncidentProcessor(router,
        new IncidentLifecycle(classification.flapping(), classification.coalesceAlertEvents()),
        new Suppressions(classification.inhibitRules()), classification.recheckInterval(),
        classification.flapping().within(), new RouterMetrics(new SimpleMeterRegistry()));
    processor.init(context);
  }

  @Test
  void shouldAskForACommitRightAfterAnOpeningButNotAfterARoutineAlert() {
    assertThat(process(checkout("f1", "warning"), T0)).containsExactly(IncidentEventType.OPENED);
    assertThat(context.committed()).as("after the opening").isTrue();

    context.resetCommit();
    assertThat(process(checkout("f2", "warning"), T0.plusMillis(100))).as("held back: coalesced").isEmpty();
    assertThat(context.committed()).as("after an alert joining the incident").isFalse();

    context.resetCommit();
    process(checkout("f3", "warning"), T0.plusSeconds(5));
    assertThat(context.committed()).as("after a routine event").isFalse();
  }

  @Test
  void shouldAskForACommitRightAfterAPriorityRaise() {
    process(checkout("f1", "warning"), T0);
    context.resetCommit();

    assertThat(process(checkout("f2", "critical"), T0.plusMillis(100))).containsExactly(IncidentEventType.PRIORITY_RAISED);
    assertThat(context.committed()).isTrue();
  }

  private static Alert checkout(String fingerprint, String severity) {
    return firing(fingerprint, T0, "alertname", "HighLatency", "service", "checkout", "severity", severity,
        "instance", fingerprint);
  }

  /** The types of the events that processing {@code alert} forwarded. */
  private List<IncidentEventType> process(Alert alert, Instant at) {
    context.resetForwards();
    context.setCurrentSystemTimeMs(at.toEpochMilli()); // the task keeps up: see EarlyCommit
    String incidentKey = router.route(alert).get(0).incidentKey();
    processor.process(new Record<>(incidentKey, (SpecificRecord) alert, at.toEpochMilli()));
    return context.forwarded().stream()
        .map(forward -> forward.record().value())
        .filter(IncidentEvent.class::isInstance)
        .map(value -> ((IncidentEvent) value).getType())
        .toList();
  }

  private <V> void store(String name, Serde<V> values) {
    KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
        .withLoggingDisabled()
        .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
  }
}
