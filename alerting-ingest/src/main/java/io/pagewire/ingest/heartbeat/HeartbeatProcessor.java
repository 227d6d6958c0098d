package io.pagewire.ingest.heartbeat;

import io.pagewire.platform.config.Durations;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.Heartbeat;
import io.pagewire.schemas.HeartbeatState;
import io.pagewire.schemas.HeartbeatStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each monitor's last beat and turns silence into an alert. A beat stores the monitor
 * ALIVE (and, when it was MISSED, emits the resolved alert). The wall-clock punctuator emits the
 * firing alert of every ALIVE monitor whose last beat is more than interval + grace ago and marks
 * it MISSED; it reads only the store (one record per monitor) and catches up on everything overdue,
 * so a punctuation skipped while the instance was down fires at the next one after the restart.
 * Time comes from the beats' timestamps and the punctuation, never from the clock.
 */
final class HeartbeatProcessor implements Processor<String, Heartbeat, String, Alert> {

  private static final Logger log = LoggerFactory.getLogger(HeartbeatProcessor.class);

  private final Map<String, PagewireConfig.Heartbeat> monitors;
  private final Duration checkEvery;
  private ProcessorContext<String, Alert> context;
  private KeyValueStore<String, HeartbeatState> states;

  HeartbeatProcessor(Map<String, PagewireConfig.Heartbeat> monitors, Duration checkEvery) {
    this.monitors = monitors;
    this.checkEvery = checkEvery;
  }

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    this.context = context;
    this.states = context.getStateStore(HeartbeatTopology.STORE);
    context.schedule(checkEvery, PunctuationType.WALL_CLOCK_TIME, ms -> sweep(Instant.ofEpochMilli(ms)));
  }

  @Override
  public void process(Record<String, Heartbeat> record) {
    Heartbeat beat = record.value();
    PagewireConfig.Heartbeat monitor = beat == null ? null : monitors.get(record.key());
    if (monitor == null) {
      log.warn("beat of an unknown heartbeat monitor dropped: name={} at {}", record.key(), coordinates());
      return;
    }
    Instant at = beat.getAt();
    HeartbeatState state = states.get(monitor.name());
    if (state != null && state.getLastBeatAt().isAfter(at)) {
      return; // an older beat, late: the newer one counts
    }
    if (state != null && state.getStatus() == HeartbeatStatus.MISSED) {
      log.info("heartbeat {} is back: beat at {} after missing since {}", monitor.name(), at, state.getMissedAt());
      context.forward(new Record<>(HeartbeatMonitors.fingerprint(monitor.name()),
          HeartbeatMonitors.alert(monitor, AlertStatus.RESOLVED, state.getLastBeatAt(), state.getMissedAt(), at), record.timestamp()));
    } else if (state == null) {
      log.info("heartbeat {} armed by its first beat at {} ({})", monitor.name(), at, beat.getSource());
    }
    states.put(monitor.name(), HeartbeatState.newBuilder().setName(monitor.name()).setLastBeatAt(at)
        .setStatus(HeartbeatStatus.ALIVE).setMissedAt(null).build());
  }

  /** Fires every monitor overdue at {@code now}. */
  private void sweep(Instant now) {
    List<KeyValue<String, HeartbeatState>> overdue = new ArrayList<>();
    try (KeyValueIterator<String, HeartbeatState> all = states.all()) {
      while (all.hasNext()) {
        KeyValue<String, HeartbeatState> entry = all.next();
        PagewireConfig.Heartbeat monitor = monitors.get(entry.key);
        if (monitor != null && entry.value.getStatus() == HeartbeatStatus.ALIVE
            && !entry.value.getLastBeatAt().plus(monitor.deadline()).isAfter(now)) {
          overdue.add(entry);
        }
      }
    }
    for (KeyValue<String, HeartbeatState> entry : overdue) {
      PagewireConfig.Heartbeat monitor = monitors.get(entry.key);
      Instant missedAt = entry.value.getLastBeatAt().plus(monitor.deadline());
      log.warn("heartbeat {} missed: no beat since {} (interval {} + grace {})", monitor.name(),
          entry.value.getLastBeatAt(), Durations.format(monitor.interval()), Durations.format(monitor.grace()));
      states.put(entry.key, HeartbeatState.newBuilder(entry.value).setStatus(HeartbeatStatus.MISSED)
          .setMissedAt(missedAt).build());
      context.forward(new Record<>(HeartbeatMonitors.fingerprint(monitor.name()),
          HeartbeatMonitors.alert(monitor, AlertStatus.FIRING, entry.value.getLastBeatAt(), missedAt, now), now.toEpochMilli()));
    }
  }

  private String coordinates() {
    return context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("?");
  }

  static Map<String, String> labels(PagewireConfig.Heartbeat monitor) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", HeartbeatMonitors.ALERT_NAME);
    labels.put("heartbeat", monitor.name());
    labels.put("priority", monitor.priority().name());
    if (monitor.team() != null) {
      labels.put("team", monitor.team());
    }
    if (monitor.service() != null) {
      labels.put("service", monitor.service());
    }
    return labels;
  }
}
