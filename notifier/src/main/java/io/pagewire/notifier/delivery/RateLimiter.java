package io.pagewire.notifier.delivery;

import io.pagewire.platform.config.PagewireConfig;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sliding-window limits on messages per person and per channel (GoAlert's per-contact-method
 * throttle): at most {@code count} messages in any window of {@code per}. It does not drop
 * anything; it says when the next message may go, and the notifier holds the pages until then and
 * sends them as one digest. Time is an input. Held in memory: after a restart the windows start
 * empty, so a person may get one extra window's worth of messages.
 */
public final class RateLimiter {

  private final PagewireConfig.RateLimit perPerson;
  private final PagewireConfig.RateLimit perChannel;
  private final Map<String, Deque<Instant>> sent = new HashMap<>();

  public RateLimiter(PagewireConfig.RateLimit perPerson, PagewireConfig.RateLimit perChannel) {
    this.perPerson = perPerson;
    this.perChannel = perChannel;
  }

  /** When a message to {@code person} through {@code channel} may go: {@code now} if at once. */
  public Instant nextFree(String person, String channel, Instant now) {
    Instant a = nextFree("person:" + person, perPerson, now);
    Instant b = nextFree("channel:" + channel, perChannel, now);
    return a.isAfter(b) ? a : b;
  }

  /** Counts one message sent now. */
  public void record(String person, String channel, Instant now) {
    for (String key : List.of("person:" + person, "channel:" + channel)) {
      sent.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(now);
    }
  }

  private Instant nextFree(String key, PagewireConfig.RateLimit limit, Instant now) {
    Deque<Instant> times = sent.get(key);
    if (times == null) {
      return now;
    }
    Instant windowStart = now.minus(limit.per());
    while (!times.isEmpty() && !times.peekFirst().isAfter(windowStart)) {
      times.pollFirst();
    }
    if (times.size() < limit.count()) {
      return now;
    }
    // The oldest of the last `count` messages leaves the window first.
    return times.stream().skip(times.size() - limit.count()).findFirst().orElseThrow().plus(limit.per());
  }
}
