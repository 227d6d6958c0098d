package io.pagewire.ingest.lane;

import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.Topic;
import io.pagewire.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which lane a webhook's alerts take. The firing alerts of a group this ingest has not seen within
 * {@link #WINDOW} take the urgent lane ({@link Topics#ALERTS_URGENT}): they may open an incident
 * and page, and must not wait behind a storm of alerts that join incidents already open. Every
 * other alert, and every resolved one, takes {@link Topics#ALERTS}. The lane only decides what the
 * router reads first; the router drops a record overtaken by a later one of the same alert.
 *
 * <p>A group is an Alertmanager webhook's {@code groupKey}, else the alert's fingerprint.
 * Remembers at most {@link #MAX_GROUPS} groups by a 64-bit hash of the key (a long key costs no
 * more memory), the least recently seen forgotten first; a forgotten group's next webhook takes the
 * urgent lane once more. Thread-safe; one decision per webhook.
 */
public final class NewGroups {

  /** How long a group stays known after its last webhook: longer than Alertmanager's default {@code group_interval} (5m). */
  public static final Duration WINDOW = Duration.ofMinutes(10);
  /** How many groups are remembered, about 8 MB. */
  public static final int MAX_GROUPS = 100_000;

  private final Map<Long, Long> lastSeen = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
      return size() > MAX_GROUPS;
    }
  };

  /** True when {@code group} was not seen within {@link #WINDOW} before {@code now}; remembers it as seen now. */
  public boolean isNew(String group, Instant now) {
    long key = hash(group);
    long at = now.toEpochMilli();
    Long last;
    synchronized (lastSeen) {
      last = lastSeen.put(key, at);
    }
    return last == null || at - last >= WINDOW.toMillis();
  }

  /** The topic of {@code alert}, of a webhook whose group was new ({@link #isNew}) or not. */
  public static Topic<String, Alert> topicOf(Alert alert, boolean newGroup) {
    return newGroup && alert.getStatus() == AlertStatus.FIRING && alert.getAction() == null
        ? Topics.ALERTS_URGENT : Topics.ALERTS;
  }

  /** FNV-1a, 64 bits, of the UTF-8 bytes. */
  private static long hash(String group) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : group.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return hash;
  }
}
