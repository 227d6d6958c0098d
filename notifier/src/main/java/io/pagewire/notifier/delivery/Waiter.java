package io.pagewire.notifier.delivery;

import java.time.Duration;

/**
 * Waits between attempts. The notifier's waiter keeps its Kafka consumer polling (paused) while
 * it waits, so a long retry does not make it leave its group; it may also end the wait by
 * throwing, which abandons the delivery (shutdown, partition revoked).
 */
@FunctionalInterface
public interface Waiter {

  void await(Duration delay);

  /** Plain sleeping; an interrupt ends the wait by throwing. */
  Waiter SLEEP = delay -> {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to retry", e);
    }
  };
}
