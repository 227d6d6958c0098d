package io.pagewire.escalation.topology;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.pagewire.escalation.state.IncidentLifecycle;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.Topics;
import io.pagewire.schemas.serde.AvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The escalation topology: incident events and incident commands (both keyed by incident id,
 * co-partitioned) flow into one processor that owns each incident's state, its escalation
 * deadline and the escalation timer; it writes notification requests and timeline events, keyed
 * by incident id.
 *
 * <p>State stores, all persistent and changelogged:
 * <ul>
 *   <li>{@value #INCIDENTS_STORE}: incident id to {@link IncidentState}; queryable (the incidents
 *       API reads it). Resolved incidents stay in it.</li>
 *   <li>{@value #DEADLINES_STORE}: the deadline index, key = 8-byte big-endian epoch-millis
 *       deadline + incident id, empty value; one entry per incident that has a next escalation.</li>
 *   <li>{@value #WATERMARK_STORE}: per task, the deadline below which the index holds nothing, so
 *       a sweep does not rescan the tombstones of deadlines already fired or cancelled.</li>
 * </ul>
 *
 * <p>A wall-clock punctuator every {@code escalation.sweepInterval} fires what is due by the
 * punctuation time, at most {@code escalation.sweepBatch} deadlines per sweep.
 */
public final class EscalationTopology {

  public static final String INCIDENTS_STORE = "escalation-incidents";
  public static final String DEADLINES_STORE = "escalation-deadlines";
  public static final String WATERMARK_STORE = "escalation-watermark";

  static final String EVENTS_SOURCE = "incident-events";
  static final String COMMANDS_SOURCE = "incident-commands";
  static final String PROCESSOR = "escalation";
  static final String NOTIFICATIONS_SINK = "notification-requests";
  static final String TIMELINE_SINK = "incident-timeline";

  private EscalationTopology() {}

  /** The topology with its meters going nowhere (for tests and topology descriptions). */
  public static Topology build(PagewireConfig config) {
    return build(config, new CompositeMeterRegistry());
  }

  /** The topology, its meters registered in {@code metrics} (see {@link EscalationMetrics}). */
  public static Topology build(PagewireConfig config, MeterRegistry metrics) {
    IncidentLifecycle lifecycle = new IncidentLifecycle(config);
    EscalationMetrics meters = new EscalationMetrics(metrics);
    PagewireConfig.Escalation escalation = config.escalation();

    Topology topology = new Topology();
    topology.addSource(EVENTS_SOURCE, Topics.INCIDENT_EVENTS.keySerde().deserializer(),
        Topics.INCIDENT_EVENTS.valueSerde().deserializer(), Topics.INCIDENT_EVENTS.name());
    topology.addSource(COMMANDS_SOURCE, Topics.INCIDENT_COMMANDS.keySerde().deserializer(),
        Topics.INCIDENT_COMMANDS.valueSerde().deserializer(), Topics.INCIDENT_COMMANDS.name());
    topology.addProcessor(PROCESSOR,
        () -> new EscalationProcessor(lifecycle, escalation.sweepInterval(), escalation.sweepBatch(), meters),
        EVENTS_SOURCE, COMMANDS_SOURCE);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INCIDENTS_STORE),
        Serdes.String(), AvroSerde.of(IncidentState.class)), PROCESSOR);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEADLINES_STORE),
        Serdes.Bytes(), Serdes.ByteArray()), PROCESSOR);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WATERMARK_STORE),
        Serdes.String(), Serdes.Long()), PROCESSOR);
    topology.addSink(NOTIFICATIONS_SINK, Topics.NOTIFICATION_REQUESTS.name(),
        Topics.NOTIFICATION_REQUESTS.keySerde().serializer(), Topics.NOTIFICATION_REQUESTS.valueSerde().serializer(),
        PROCESSOR);
    topology.addSink(TIMELINE_SINK, Topics.INCIDENT_TIMELINE.name(),
        Topics.INCIDENT_TIMELINE.keySerde().serializer(), Topics.INCIDENT_TIMELINE.valueSerde().serializer(),
        PROCESSOR);
    return topology;
  }
}
