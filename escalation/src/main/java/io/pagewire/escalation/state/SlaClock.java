package io.pagewire.escalation.state;

import java.time.Duration;
import java.time.Instant;

/** Adds an SLA duration to an instant, counting either every hour or business hours only. */
@FunctionalInterface
public interface SlaClock {

  /** Every hour counts: business hours are ignored. */
  SlaClock WALL = (start, duration, businessHours) -> start.plus(duration);

  Instant plus(Instant start, Duration duration, boolean businessHours);
}
