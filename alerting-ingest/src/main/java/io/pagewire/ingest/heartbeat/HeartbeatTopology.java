package io.pagewire.ingest.heartbeat;

import io.pagewire.ingest.lane.NewGroups;
import io.pagewire.platform.config.Matchers;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.Heartbeat;
import io.pagewire.schemas.HeartbeatState;
import io.pagewire.schemas.Topic;
import io.pagewire.schemas.Topics;
import io.pagewire.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The heartbeat monitors ({@code heartbeats} in the configuration).
 *
 * <pre>
 * pagewire.alerts (key fingerprint)
 *   → watchdogs   firing alerts matching a monitor's matchers, as beats of that monitor
 *   → pagewire.heartbeats (key monitor name), beside the beats of POST /api/v1/heartbeats/{name}
 * pagewire.heartbeats
 *   → monitors    last beat and status per monitor in {@value #STORE}; a wall-clock punctuator
 *                 every {@link #checkEvery} marks each monitor without a beat within
 *                 interval + grace MISSED and emits its firing HeartbeatMissed alert; the next
 *                 beat emits the resolved one
 *   → pagewire.alerts (key fingerprint heartbeat:NAME)
 * </pre>
 *
 * <p>Why a missed heartbeat is an alert, not an incident of its own: the alert takes the
 * normal path (route, priority, silences, maintenance windows, grouping, escalation, pages,
 * reports) with nothing added downstream, exactly as Prometheus' Watchdog would if it stopped,
 * and the next beat resolves it as any resolved alert resolves its incident.
 *
 * <p>A monitor is armed by its first beat (as Healthchecks.io's "new" and GoAlert's inactive
 * heartbeats): one that never beat is listed as {@code waiting} and does not page, so adding
 * a monitor before its sender is deployed pages nobody.
 */
public final class HeartbeatTopology {

  public static final String STORE = "heartbeat-monitors";
  /** Fingerprint prefix of the alerts the monitors fire; never counted as beats. */
  public static final String FINGERPRINT_PREFIX = "heartbeat:";

  private HeartbeatTopology() {}

  /** How often overdue monitors are looked for: a quarter of the shortest interval, between 100 ms and 1 s. */
  static Duration checkEvery(PagewireConfig config) {
    Duration shortest = config.heartbeats().stream().map(PagewireConfig.Heartbeat::interval)
        .min(Duration::compareTo).orElse(Duration.ofSeconds(1));
    Duration quarter = shortest.dividedBy(4);
    return quarter.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100)
        : quarter.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : quarter;
  }

  public static Topology build(PagewireConfig config) {
    Map<String, PagewireConfig.Heartbeat> monitors = new LinkedHashMap<>();
    config.heartbeats().forEach(h -> monitors.put(h.name(), h));
    Map<String, Matchers> watchdogs = new LinkedHashMap<>();
    config.heartbeats().stream().filter(h -> !h.matchers().isEmpty())
        .forEach(h -> watchdogs.put(h.name(), Matchers.parse(h.matchers())));

    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(STORE), Serdes.String(), AvroSerde.of(HeartbeatState.class)));

    if (!watchdogs.isEmpty()) {
      builder.stream(Topics.ALERT_LANES.stream().map(Topic::name).toList(),
              Consumed.with(Topics.ALERTS.keySerde(), Topics.ALERTS.valueSerde()).withName("alerts"))
          .flatMap((fingerprint, alert) -> beats(alert, watchdogs), Named.as("watchdogs"))
          .to(Topics.HEARTBEATS.name(), Produced.with(Topics.HEARTBEATS.keySerde(), Topics.HEARTBEATS.valueSerde())
              .withName("watchdog-beats"));
    }

    builder.stream(Topics.HEARTBEATS.name(), Consumed.with(Topics.HEARTBEATS.keySerde(), Topics.HEARTBEATS.valueSerde())
            .withName("heartbeats"))
        .process(() -> new HeartbeatProcessor(monitors, checkEvery(config)), Named.as("monitors"), STORE)
        // A missed beat opens an incident: the urgent lane (NewGroups); the next beat resolves it.
        .to((name, alert, context) -> NewGroups.topicOf(alert, true).name(),
            Produced.with(Topics.ALERTS.keySerde(), Topics.ALERTS.valueSerde()).withName("heartbeat-alerts"));
    return builder.build();
  }

  private static List<KeyValue<String, Heartbeat>> beats(Alert alert, Map<String, Matchers> watchdogs) {
    if (alert == null || alert.getStatus() != AlertStatus.FIRING || alert.getAction() != null
        || alert.getLabels().isEmpty() || alert.getFingerprint().startsWith(FINGERPRINT_PREFIX)) {
      return List.of();
    }
    List<KeyValue<String, Heartbeat>> beats = new ArrayList<>(1);
    watchdogs.forEach((name, matchers) -> {
      if (matchers.matches(alert.getLabels())) {
        beats.add(KeyValue.pair(name, Heartbeat.newBuilder().setName(name).setAt(alert.getReceivedAt())
            .setSource("alert:" + alert.getFingerprint()).setRequestId(alert.getRequestId()).build()));
      }
    });
    return beats;
  }
}
