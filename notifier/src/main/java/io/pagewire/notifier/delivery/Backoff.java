package io.pagewire.notifier.delivery;

import java.time.Duration;

/**
 * Exponential backoff with full jitter (the AWS architecture blog's "full jitter"): before
 * attempt {@code n + 1} wait a uniformly random time in {@code [0, min(max, initial * 2^(n-1)))}.
 * Randomness spreads the retries of many notifications that failed together, so a receiver
 * coming back is not hit by all of them at once.
 */
public final class Backoff {

  private Backoff() {}

  /**
   * @param failedAttempt the attempt that just failed, 1-based
   * @param random a number in {@code [0, 1)}, the jitter
   * @return how long to wait before the next attempt
   */
  public static Duration fullJitter(int failedAttempt, Duration initial, Duration max, double random) {
    if (failedAttempt < 1) {
      throw new IllegalArgumentException("attempts count from 1, got " + failedAttempt);
    }
    if (random < 0 || random >= 1) {
      throw new IllegalArgumentException("jitter must be in [0, 1), got " + random);
    }
    return Duration.ofMillis((long) (random * ceiling(failedAttempt, initial, max).toMillis()));
  }

  /** {@code min(max, initial * 2^(failedAttempt-1))}, without overflowing on long retry runs. */
  public static Duration ceiling(int failedAttempt, Duration initial, Duration max) {
    long maxMillis = max.toMillis();
    long millis = initial.toMillis();
    for (int i = 1; i < failedAttempt && millis < maxMillis; i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, maxMillis));
  }
}
