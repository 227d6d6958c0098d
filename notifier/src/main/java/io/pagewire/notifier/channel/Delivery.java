package io.pagewire.notifier.channel;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The classified outcome of one attempt to send a notification (Alertmanager's retrier
 * classification): it arrived; it may arrive if tried again later (5xx, 429, connection errors,
 * timeouts); or it never will (any other 4xx, a refused configuration), so retrying would only
 * repeat the failure.
 */
public sealed interface Delivery {

  static Delivery delivered() {
    return Delivered.INSTANCE;
  }

  /**
   * @param retryAfter how long the receiver asked us to wait (HTTP {@code Retry-After}); empty
   *     when it did not say, so the caller's backoff decides
   */
  static Delivery retryable(String reason, Optional<Duration> retryAfter) {
    return new Retryable(reason, retryAfter);
  }

  static Delivery retryable(String reason) {
    return new Retryable(reason, Optional.empty());
  }

  static Delivery permanent(String reason) {
    return new Permanent(reason);
  }

  /** The receiver accepted the notification. */
  enum Delivered implements Delivery {
    INSTANCE
  }

  /** Worth another attempt, after {@code retryAfter} if the receiver named one. */
  record Retryable(String reason, Optional<Duration> retryAfter) implements Delivery {
    public Retryable {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(retryAfter, "retryAfter");
    }
  }

  /** Will never succeed as configured; goes to the dead-letter topic. */
  record Permanent(String reason) implements Delivery {
    public Permanent {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
