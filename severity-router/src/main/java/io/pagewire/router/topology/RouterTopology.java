package io.pagewire.router.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.GlobalTopicStore;
import io.pagewire.router.incident.IncidentLifecycle;
import io.pagewire.router.mute.Suppressions;
import io.pagewire.router.route.AlertRouter;
import io.pagewire.schemas.Alert;
import io.pagewire.platform.kafka.TimeIndex;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentStatus;
import io.pagewire.schemas.RouterAlert;
import io.pagewire.schemas.RouterIncident;
import io.pagewire.schemas.Topics;
import io.pagewire.schemas.serde.AvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The severity router: alerts in, incident events out.
 *
 * <pre>
 * pagewire.alerts, pagewire.alerts-urgent (key fingerprint): two lanes through the same nodes
 *                      and stores; a task takes the urgent lane's records first ({@link Lane})
 *   → labels           a label-less PagerDuty resolve/acknowledge takes the labels of its
 *                      fingerprint's last firing record; store {@value #PAGERDUTY_STORE}
 *   → dedup            drop HA duplicates and resends; store {@value #DEDUP_STORE} by fingerprint,
 *                      forgotten after classification.dedupRetention ({@value #DEDUP_EXPIRY_STORE})
 *   ├→ unroutable      no labels / no route (when required) → pagewire.unroutable, with the reason
 *   ├→ inhibiting      alerts matching an inhibit rule's source → pagewire.inhibiting-alerts
 *   │                  (compacted; tombstone when resolved)
 *   → route            one record per matched route, keyed by its incident key
 *   → repartition      {@value #REPARTITION} ({@value #URGENT_REPARTITION} for the urgent lane), so one
 *                      key's alerts meet on one task
 * pagewire.incident-status (key incident id; escalation's authoritative status)
 *   → resolved         RESOLVED updates, re-keyed by incident key
 *   → repartition      {@value #RESOLUTIONS}, to the task of the key's alerts
 * both
 *   → incidents        open / add / raise / resolve, silence, inhibit, flap, end the group of an
 *                      incident a person resolved; stores {@value #INCIDENT_STORE} (one small
 *                      record per open incident), {@value #ALERT_STORE} (one record per firing
 *                      alert, {@code Ids.groupMember(incidentKey, fingerprint)}), {@value #CHANGES_STORE},
 *                      {@value #PENDING_STORE} (incidents holding coalesced changes back);
 *                      global stores {@value #SILENCE_STORE} (pagewire.silences) and
 *                      {@value #INHIBITING_STORE} (pagewire.inhibiting-alerts)
 * pagewire.incident-events (key incident id)
 * pagewire.incident-commands (key incident id): an acknowledge of a PagerDuty alert, as the
 *                      command of its integration, for the open incident holding the alert
 * </pre>
 *
 * <p>Why global stores: an inhibiting alert and the alerts it inhibits have different incident
 * keys, so they are processed on different partitions, and a silence applies to every partition.
 * Every instance therefore reads all silences and all firing inhibiting alerts. The inhibiting
 * alerts reach the global store through their own topic (a topic cannot feed both a stream and a
 * global store), one commit after the router read them: an inhibiting alert and its target that
 * arrive within that moment may let the target open unmuted, and the next re-check (within
 * {@code classification.recheckInterval}) mutes it (as Alertmanager, which relies on
 * {@code group_wait} for the same race).
 *
 * <p>Processor, store and repartition names are fixed, so internal topic names
 * ({@code <application.id>-alerts-by-incident-repartition}, {@code <application.id>-open-incidents-changelog}, ...)
 * stay stable across versions. Records that cannot be read or processed are left to the
 * streams configuration ({@code KafkaSettings.streams}): logged, counted, dead-lettered.
 */
public final class RouterTopology {

  /** Last firing record of each open PagerDuty alert, by fingerprint ({@link LabelsProcessor}). */
  public static final String PAGERDUTY_STORE = "pagerduty-alerts";
  /** Last {@code status@startsAt} per fingerprint. */
  public static final String DEDUP_STORE = "alert-dedup";
  /** When each dedup entry expires: a {@link TimeIndex}. */
  public static final String DEDUP_EXPIRY_STORE = "alert-dedup-expiry";
  /** Open incident per incident key ({@link RouterIncident}). */
  public static final String INCIDENT_STORE = "open-incidents";
  /** Firing alerts of the open incidents ({@link RouterAlert}), by {@code Ids.groupMember(incidentKey, fingerprint)}. */
  public static final String ALERT_STORE = "open-incident-alerts";
  /** Recent state changes per incident key, for flapping (comma-separated epoch millis). */
  public static final String CHANGES_STORE = "incident-state-changes";
  /** Incident keys whose incident holds routine changes back (classification.coalesceAlertEvents). */
  public static final String PENDING_STORE = "incidents-pending-events";
  /** Global: every silence by id. */
  public static final String SILENCE_STORE = "silences";
  /** Global: every firing alert that can inhibit, by fingerprint. */
  public static final String INHIBITING_STORE = "inhibiting-alerts";
  /** Name of the repartition by incident key. */
  public static final String REPARTITION = "alerts-by-incident";
  /** Name of the urgent lane's repartition by incident key ({@link Lane}). */
  public static final String URGENT_REPARTITION = "urgent-alerts-by-incident";
  /** Name of the repartition of people's resolutions by incident key. */
  public static final String RESOLUTIONS = "resolutions-by-incident";

  private RouterTopology() {}

  /** The topology with its metrics in a throwaway registry. */
  public static Topology build(PagewireConfig config) {
    return build(config, new SimpleMeterRegistry());
  }

  /** The topology, counting into {@code registry}. */
  public static Topology build(PagewireConfig config, MeterRegistry registry) {
    RouterMetrics metrics = new RouterMetrics(registry);
    PagewireConfig.Classification classification = config.classification();
    AlertRouter router = new AlertRouter(classification);
    Suppressions suppressions = new Suppressions(classification.inhibitRules());
    IncidentLifecycle lifecycle = new IncidentLifecycle(classification.flapping(), classification.coalesceAlertEvents());

    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(DEDUP_STORE), Serdes.String(), Serdes.String()));
    builder.addStateStore(TimeIndex.storeBuilder(DEDUP_EXPIRY_STORE));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(PAGERDUTY_STORE), Serdes.String(), AvroSerde.of(Alert.class)));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(INCIDENT_STORE), Serdes.String(), AvroSerde.of(RouterIncident.class))
        // In a storm every alert of a group rewrites its one incident record: the cache folds
        // those writes into one changelog record per commit.
        .withCachingEnabled());
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(ALERT_STORE), Serdes.String(), AvroSerde.of(RouterAlert.class)));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(CHANGES_STORE), Serdes.String(), Serdes.String()).withCachingEnabled());
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(PENDING_STORE), Serdes.String(), Serdes.String()).withCachingEnabled());
    GlobalTopicStore.addTo(builder, Topics.SILENCES, SILENCE_STORE);
    GlobalTopicStore.addTo(builder, Topics.INHIBITING_ALERTS, INHIBITING_STORE);

    // Both lanes of one partition are inputs of one task: they share its stores, and the task
    // takes the urgent lane's records first (Lane).
    int partitions = config.topics().partitions();
    KStream<String, SpecificRecord> byKey = null;
    for (Lane lane : Lane.values()) {
      KStream<String, SpecificRecord> routed = intake(builder, lane, partitions, router, suppressions, classification, metrics);
      byKey = byKey == null ? routed : byKey.merge(routed, Named.as(lane.prefix + "alert-inputs"));
    }

    KStream<String, SpecificRecord> resolutions = builder.stream(Topics.INCIDENT_STATUS.name(),
            Consumed.with(Topics.INCIDENT_STATUS.keySerde(), Topics.INCIDENT_STATUS.valueSerde())
                .withName("incident-status"))
        .filter((incidentId, update) -> update != null && update.getStatus() == IncidentStatus.RESOLVED,
            Named.as("resolved"))
        .selectKey((incidentId, update) -> update.getIncidentKey(), Named.as("by-incident-key"))
        .repartition(Repartitioned.with(Topics.INCIDENT_STATUS.keySerde(), Topics.INCIDENT_STATUS.valueSerde())
            .withName(RESOLUTIONS).withNumberOfPartitions(partitions))
        .mapValues(update -> (SpecificRecord) update, Named.as("resolution-input"));

    KStream<String, SpecificRecord> outputs = byKey.merge(resolutions, Named.as("incident-inputs"))
        .process(() -> new IncidentProcessor(router, lifecycle, suppressions, classification.recheckInterval(),
                classification.flapping().within(), metrics),
            Named.as("incidents"), INCIDENT_STORE, ALERT_STORE, CHANGES_STORE, PENDING_STORE);
    outputs.filter((incidentId, value) -> value instanceof IncidentCommand, Named.as("commands"))
        .mapValues(value -> (IncidentCommand) value, Named.as("as-command"))
        .to(Topics.INCIDENT_COMMANDS.name(),
            Produced.with(Topics.INCIDENT_COMMANDS.keySerde(), Topics.INCIDENT_COMMANDS.valueSerde())
                .withName("incident-commands"));
    outputs.filter((incidentId, value) -> value instanceof IncidentEvent, Named.as("events"))
        .mapValues(value -> (IncidentEvent) value, Named.as("as-event"))
        .to(Topics.INCIDENT_EVENTS.name(),
            Produced.with(Topics.INCIDENT_EVENTS.keySerde(), Topics.INCIDENT_EVENTS.valueSerde())
                .withName("incident-events"));
    return builder.build();
  }

  /**
   * One lane of the alerts: labels, dedup, the unroutable and inhibiting outputs, routing, and
   * the repartition by incident key, ending on the incidents processor's task.
   */
  private static KStream<String, SpecificRecord> intake(StreamsBuilder builder, Lane lane, int partitions,
      AlertRouter router, Suppressions suppressions, PagewireConfig.Classification classification, RouterMetrics metrics) {
    String p = lane.prefix;
    KStream<String, Alert> alerts = lane.restore(builder.stream(lane.topic.name(), lane.consumed()), "alerts")
        .processValues(() -> new LabelsProcessor(metrics), Named.as(p + "labels"), PAGERDUTY_STORE)
        .processValues(() -> new DedupProcessor(classification.dedupRetention(), metrics), Named.as(p + "dedup"),
            DEDUP_STORE, DEDUP_EXPIRY_STORE);

    alerts.processValues(() -> new UnroutableProcessor(router, metrics), Named.as(p + "unroutable"))
        .to(Topics.UNROUTABLE.name(), Produced.with(Topics.UNROUTABLE.keySerde(), Topics.UNROUTABLE.valueSerde())
            .withName(p + "unroutable-alerts"));

    alerts.filter((fingerprint, alert) -> alert.getAction() == null && suppressions.canInhibit(alert.getLabels()),
            Named.as(p + "inhibiting"))
        .mapValues(alert -> alert.getStatus() == AlertStatus.FIRING ? alert : null, Named.as(p + "inhibiting-or-tombstone"))
        .to(Topics.INHIBITING_ALERTS.name(),
            Produced.with(Topics.INHIBITING_ALERTS.keySerde(), Topics.INHIBITING_ALERTS.valueSerde())
                .withName(p + "inhibiting-alerts"));

    // Both inputs of the incidents processor have the same partition count, so one key's
    // alerts and resolutions meet on one task.
    KStream<String, Alert> routed = alerts.flatMap((fingerprint, alert) -> router.route(alert).stream()
        .map(routing -> KeyValue.pair(routing.incidentKey(), alert)).toList(), Named.as(p + "route"));
    KStream<String, Alert> repartitioned = lane.headStart(routed)
        .repartition(Repartitioned.with(Topics.ALERTS.keySerde(), Topics.ALERTS.valueSerde())
            .withName(lane.repartition).withNumberOfPartitions(partitions));
    return lane.restore(repartitioned, lane.repartition)
        .mapValues(alert -> (SpecificRecord) alert, Named.as(p + "alert-input"));
  }
}
