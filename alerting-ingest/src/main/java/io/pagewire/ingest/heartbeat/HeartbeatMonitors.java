package io.pagewire.ingest.heartbeat;

import io.pagewire.platform.config.Durations;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import java.time.Instant;
import java.util.Map;

/** The alert a missed heartbeat fires: the same labels while it fires and when it resolves. */
public final class HeartbeatMonitors {

  public static final String ALERT_NAME = "HeartbeatMissed";

  private HeartbeatMonitors() {}

  public static String fingerprint(String monitor) {
    return HeartbeatTopology.FINGERPRINT_PREFIX + monitor;
  }

  /**
   * The alert of {@code monitor}: labels {@code alertname=HeartbeatMissed}, {@code heartbeat},
   * {@code priority}, {@code team} and {@code service}; startsAt {@code missedAt} (last beat +
   * interval + grace), so the firing and the resolved record are one alert to the router's dedup.
   */
  static Alert alert(PagewireConfig.Heartbeat monitor, AlertStatus status, Instant lastBeat, Instant missedAt, Instant at) {
    String summary = "No heartbeat from " + monitor.name() + " since " + lastBeat + " (expected every "
        + Durations.format(monitor.interval()) + ", grace " + Durations.format(monitor.grace()) + ")";
    return Alert.newBuilder()
        .setFingerprint(fingerprint(monitor.name()))
        .setStatus(status)
        .setLabels(HeartbeatProcessor.labels(monitor))
        .setAnnotations(Map.of("summary", summary))
        .setStartsAt(missedAt)
        .setEndsAt(status == AlertStatus.RESOLVED ? at : null)
        .setReceiver("heartbeat")
        .setReceivedAt(at)
        .build();
  }
}
