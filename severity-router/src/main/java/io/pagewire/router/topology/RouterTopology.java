package io.pagewire.router.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.router.classify.Classifier;
import io.pagewire.router.incident.IncidentKeys;
import io.pagewire.router.incident.IncidentLifecycle;
import io.pagewire.schemas.RouterIncident;
import io.pagewire.schemas.Topics;
import io.pagewire.schemas.serde.AvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The severity router: alerts in, incident events out.
 *
 * <pre>
 * pagewire.alerts (key fingerprint)
 *   → dedup            drop HA duplicates and resends; store {@value #DEDUP_STORE} by fingerprint
 *   → key-by-incident  re-key by incident key (the configured groupBy labels)
 *   → repartition      {@value #REPARTITION}, so one key's alerts meet on one task
 *   → incidents        classify, open / add / raise / resolve; store {@value #INCIDENT_STORE}
 * pagewire.incident-events (key incident id)
 * </pre>
 *
 * <p>Processor, store and repartition names are fixed, so internal topic names
 * ({@code <application.id>-alerts-by-incident-repartition}, {@code <application.id>-open-incidents-changelog}, ...)
 * stay stable across versions. Records that cannot be read or processed are left to the
 * streams configuration ({@code KafkaSettings.streams}): logged, counted, dead-lettered.
 */
public final class RouterTopology {

  /** Last {@code status@startsAt} per fingerprint. */
  public static final String DEDUP_STORE = "alert-dedup";
  /** Open incident per incident key ({@link RouterIncident}). */
  public static final String INCIDENT_STORE = "open-incidents";
  /** Name of the repartition by incident key. */
  public static final String REPARTITION = "alerts-by-incident";

  private RouterTopology() {}

  /** The topology with its metrics in a throwaway registry. */
  public static Topology build(PagewireConfig config) {
    return build(config, new SimpleMeterRegistry());
  }

  /** The topology, counting into {@code registry}. */
  public static Topology build(PagewireConfig config, MeterRegistry registry) {
    RouterMetrics metrics = new RouterMetrics(registry);
    IncidentKeys keys = new IncidentKeys(config.classification().groupBy());
    IncidentLifecycle lifecycle = new IncidentLifecycle(new Classifier(config.classification()), keys);

    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(DEDUP_STORE), Serdes.String(), Serdes.String()));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(INCIDENT_STORE), Serdes.String(), AvroSerde.of(RouterIncident.class)));

    builder.stream(Topics.ALERTS.name(),
            Consumed.with(Topics.ALERTS.keySerde(), Topics.ALERTS.valueSerde()).withName("alerts"))
        .processValues(() -> new DedupProcessor(DEDUP_STORE, metrics), Named.as("dedup"), DEDUP_STORE)
        .selectKey((fingerprint, alert) -> keys.incidentKey(alert), Named.as("key-by-incident"))
        .repartition(Repartitioned.with(Topics.ALERTS.keySerde(), Topics.ALERTS.valueSerde()).withName(REPARTITION))
        .process(() -> new IncidentProcessor(INCIDENT_STORE, lifecycle, metrics), Named.as("incidents"), INCIDENT_STORE)
        .to(Topics.INCIDENT_EVENTS.name(),
            Produced.with(Topics.INCIDENT_EVENTS.keySerde(), Topics.INCIDENT_EVENTS.valueSerde())
                .withName("incident-events"));
    return builder.build();
  }
}
