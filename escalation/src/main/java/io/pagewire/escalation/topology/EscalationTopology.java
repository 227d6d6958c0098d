package io.pagewire.escalation.topology;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.pagewire.escalation.links.LinkSigner;
import io.pagewire.escalation.state.IncidentLifecycle;
import io.pagewire.platform.calendar.BusinessCalendar;
import io.pagewire.escalation.policy.EscalationPolicies;
import io.pagewire.escalation.schedule.OnCall;
import io.pagewire.escalation.schedule.OverrideSource;
import io.pagewire.escalation.schedule.ScheduleOverrides;
import io.pagewire.escalation.state.PolicyPlan;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.IncidentTimeline;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.Topics;
import io.pagewire.schemas.serde.AvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The escalation topology: incident events and incident commands (both keyed by incident id,
 * co-partitioned) flow into one processor that owns each incident's state, its escalation
 * deadline and the escalation timer; it writes notification requests and timeline events, keyed
 * by incident id, and every status change of an incident to the compacted
 * {@code pagewire.incident-status} (a tombstone once the incident left the hot stores).
 *
 * <p>State stores, all persistent and changelogged:
 * <ul>
 *   <li>{@value #INCIDENTS_STORE}: incident id to {@link IncidentState}; queryable (the incidents
 *       API reads it). Resolved incidents stay in it for {@code escalation.resolvedRetention}.</li>
 *   <li>{@value #DEADLINES_STORE}: the deadline index of every timer ({@link DeadlineKey}: 8-byte
 *       big-endian epoch-millis deadline, timer kind, incident id; empty value); one entry per
 *       incident: its next deadline, whatever its kind.</li>
 *   <li>{@value #TIMELINE_EVENTS_STORE}: each event of the bounded timeline copies, by
 *       {@code Ids.groupMember(incidentId, Ids.sequence(n))} ({@link TimelineLog}); queryable.</li>
 *   <li>{@value #TIMELINE_STORE}: the heads ({@link IncidentTimeline}: counts) that older
 *       versions wrote for their copies; kept up to date for those incidents, written for no
 *       other; queryable.</li>
 *   <li>{@value #WATERMARK_STORE}: per task, the deadline below which the index holds nothing, so
 *       a sweep does not rescan the tombstones of deadlines already fired or cancelled; the same
 *       for the retention index.</li>
 *   <li>{@value #OPENED_STORE}: every incident newest first ({@link OpenedIndex}; empty value);
 *       queryable: the incidents API pages through it.</li>
 *   <li>{@value #RETENTION_STORE}: when each resolved incident leaves the stores above
 *       ({@link io.pagewire.platform.kafka.TimeIndex} keys: 8-byte big-endian epoch millis, then the incident id).</li>
 * </ul>
 *
 * <p>A wall-clock punctuator every {@code escalation.sweepInterval} fires what is due by the
 * punctuation time, at most {@code escalation.sweepBatch} deadlines per sweep, then removes at
 * most as many resolved incidents whose retention ended. Schedule overrides that ended longer
 * than the retention ago are tombstoned on {@code pagewire.schedule-overrides}.
 */
public final class EscalationTopology {

  public static final String INCIDENTS_STORE = "escalation-incidents";
  public static final String DEADLINES_STORE = "escalation-deadlines";
  public static final String WATERMARK_STORE = "escalation-watermark";
  public static final String TIMELINE_STORE = "escalation-timeline";
  public static final String TIMELINE_EVENTS_STORE = "escalation-timeline-events";
  public static final String OPENED_STORE = "escalation-opened";
  public static final String RETENTION_STORE = "escalation-retention";

  static final String EVENTS_SOURCE = "incident-events";
  static final String COMMANDS_SOURCE = "incident-commands";
  static final String PROCESSOR = "escalation";
  static final String NOTIFICATIONS_SINK = "notification-requests";
  static final String TIMELINE_SINK = "incident-timeline";
  static final String STATUS_SINK = "incident-status";
  static final String OVERRIDES_SINK = "schedule-overrides";

  private EscalationTopology() {}

  /** The topology with its meters going nowhere (for tests and topology descriptions). */
  public static Topology build(PagewireConfig config) {
    return build(config, new CompositeMeterRegistry(), LinkSigner.forConfig(config));
  }

  /**
   * The topology, its meters registered in {@code metrics} (see {@link EscalationMetrics}), its
   * one-click links signed by {@code links} (the incidents API must verify with the same signer).
   */
  public static Topology build(PagewireConfig config, MeterRegistry metrics, LinkSigner links) {
    EscalationPolicies policies = new EscalationPolicies(config);
    BusinessCalendar calendar = BusinessCalendar.of(config);
    EscalationMetrics meters = new EscalationMetrics(metrics);
    PagewireConfig.Escalation escalation = config.escalation();

    Topology topology = new Topology();
    topology.addSource(EVENTS_SOURCE, Topics.INCIDENT_EVENTS.keySerde().deserializer(),
        Topics.INCIDENT_EVENTS.valueSerde().deserializer(), Topics.INCIDENT_EVENTS.name());
    topology.addSource(COMMANDS_SOURCE, Topics.INCIDENT_COMMANDS.keySerde().deserializer(),
        Topics.INCIDENT_COMMANDS.valueSerde().deserializer(), Topics.INCIDENT_COMMANDS.name());
    topology.addProcessor(PROCESSOR,
        () -> new EscalationProcessor(overrides -> lifecycle(config, policies, calendar, overrides, links),
            escalation.sweepInterval(), escalation.sweepBatch(), escalation.resolvedRetention(), meters),
        EVENTS_SOURCE, COMMANDS_SOURCE);
    // No record cache: the router coalesces an incident's alerts into few events, so a cache folds
    // few writes, while its sorted map cost a fifth of the stream thread's time on openings (JFR).
    // Measured with scripts/bench streams --incidents 80000: escalation 2,411-3,331 -> 4,270-4,282 events/s.
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INCIDENTS_STORE),
        Serdes.String(), AvroSerde.of(IncidentState.class)), PROCESSOR);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEADLINES_STORE),
        Serdes.Bytes(), Serdes.ByteArray()), PROCESSOR);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WATERMARK_STORE),
        Serdes.String(), Serdes.Long()), PROCESSOR);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TIMELINE_STORE),
        Serdes.String(), AvroSerde.of(IncidentTimeline.class)), PROCESSOR);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TIMELINE_EVENTS_STORE),
        Serdes.String(), AvroSerde.of(TimelineEvent.class)), PROCESSOR);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OPENED_STORE),
        Serdes.Bytes(), Serdes.ByteArray()), PROCESSOR);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RETENTION_STORE),
        Serdes.Bytes(), Serdes.ByteArray()), PROCESSOR);
    // Who is on call depends on schedule overrides, which every instance needs in full.
    ScheduleOverrides.addTo(topology);
    topology.addSink(NOTIFICATIONS_SINK, Topics.NOTIFICATION_REQUESTS.name(),
        Topics.NOTIFICATION_REQUESTS.keySerde().serializer(), Topics.NOTIFICATION_REQUESTS.valueSerde().serializer(),
        PROCESSOR);
    topology.addSink(TIMELINE_SINK, Topics.INCIDENT_TIMELINE.name(),
        Topics.INCIDENT_TIMELINE.keySerde().serializer(), Topics.INCIDENT_TIMELINE.valueSerde().serializer(),
        PROCESSOR);
    topology.addSink(STATUS_SINK, Topics.INCIDENT_STATUS.name(),
        Topics.INCIDENT_STATUS.keySerde().serializer(), Topics.INCIDENT_STATUS.valueSerde().serializer(),
        PROCESSOR);
    topology.addSink(OVERRIDES_SINK, Topics.SCHEDULE_OVERRIDES.name(),
        Topics.SCHEDULE_OVERRIDES.keySerde().serializer(), Topics.SCHEDULE_OVERRIDES.valueSerde().serializer(),
        PROCESSOR);
    return topology;
  }

  /**
   * The lifecycle the topology runs: the configured policies with on-call from {@code overrides},
   * SLA clocks on the business calendar, links signed by {@code links}.
   */
  public static IncidentLifecycle lifecycle(PagewireConfig config, EscalationPolicies policies,
      BusinessCalendar calendar, OverrideSource overrides, LinkSigner links) {
    return new IncidentLifecycle(config, new PolicyPlan(policies, new OnCall(config, overrides)), calendar::deadline, links);
  }

  /** {@link #lifecycle(PagewireConfig, EscalationPolicies, BusinessCalendar, OverrideSource, LinkSigner)} without overrides. */
  public static IncidentLifecycle lifecycle(PagewireConfig config, LinkSigner links) {
    return lifecycle(config, new EscalationPolicies(config), BusinessCalendar.of(config), OverrideSource.NONE, links);
  }
}
