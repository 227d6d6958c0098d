package io.pagewire.ingest.lane;

import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.Topic;
import io.pagewire.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which lane a webhook's alerts take. A firing alert takes the urgent lane ({@link Topics#ALERTS_URGENT})
 * when its group was not seen within {@link #WINDOW} and it is the first alert of the webhook
 * with its values of the {@linkplain io.pagewire.platform.config.PagewireConfig.Classification#decidingLabels
 * labels that decide incident and priority}: such an alert may open an incident and page, and must
 * not wait behind a storm. The other alerts of that webhook would only join the incidents those
 * opened, so they take {@link Topics#ALERTS} with every other alert and every resolved one; so
 * does any alert beyond {@link #MAX_URGENT_PER_WEBHOOK}, which bounds the urgent lane's share of
 * a storm of new groups. The lane only decides what the router reads first; the router drops a
 * record overtaken by a later one of the same alert.
 *
 * <p>A group is an Alertmanager webhook's {@code groupKey}, else the alert's fingerprint.
 * Remembers at most {@link #MAX_GROUPS} groups by a 64-bit hash of the key (a long key costs no
 * more memory), the least recently seen forgotten first; a forgotten group's next webhook takes the
 * urgent lane once more. Thread-safe; one {@link Webhook} per webhook.
 */
public final class NewGroups {

  /** How long a group stays known after its last webhook: longer than Alertmanager's default {@code group_interval} (5m). */
  public static final Duration WINDOW = Duration.ofMinutes(10);
  /** How many groups are remembered, about 8 MB. */
  public static final int MAX_GROUPS = 100_000;
  /** At most this many alerts of one webhook take the urgent lane. */
  public static final int MAX_URGENT_PER_WEBHOOK = 32;

  private final List<String> decidingLabels;

  private final Map<Long, Long> lastSeen = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
      return size() > MAX_GROUPS;
    }
  };

  /** @param decidingLabels the labels whose values tell the alerts of a new group apart ({@code Classification.decidingLabels}) */
  public NewGroups(Collection<String> decidingLabels) {
    this.decidingLabels = List.copyOf(decidingLabels);
  }

  /** The lanes of one webhook's alerts, of {@code group}, received {@code now}: {@link #isNew} once. */
  public Webhook webhook(String group, Instant now) {
    return new Webhook(isNew(group, now));
  }

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

  /**
   * The topic of {@code alert} of a group that is new or not, alone: the urgent lane when the
   * group is new and the alert fires.
   */
  public static Topic<String, Alert> topicOf(Alert alert, boolean newGroup) {
    return newGroup && alert.getStatus() == AlertStatus.FIRING && alert.getAction() == null
        ? Topics.ALERTS_URGENT : Topics.ALERTS;
  }

  /** The lane choice for the alerts of one webhook, in the order they are sent. Not thread-safe. */
  public final class Webhook {
    private final boolean newGroup;
    /** The deciding label values of the alerts sent urgent so far; at most {@link #MAX_URGENT_PER_WEBHOOK}. */
    private final Set<List<String>> urgent = new HashSet<>();

    private Webhook(boolean newGroup) {
      this.newGroup = newGroup;
    }

    /** The topic of the webhook's next alert. */
    public Topic<String, Alert> topicOf(Alert alert) {
      if (NewGroups.topicOf(alert, newGroup) == Topics.ALERTS || urgent.size() >= MAX_URGENT_PER_WEBHOOK) {
        return Topics.ALERTS;
      }
      List<String> values = new ArrayList<>(decidingLabels.size());
      for (String label : decidingLabels) {
        values.add(alert.getLabels().get(label));
      }
      return urgent.add(values) ? Topics.ALERTS_URGENT : Topics.ALERTS;
    }
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
