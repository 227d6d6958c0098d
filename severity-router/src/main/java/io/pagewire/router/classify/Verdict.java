package io.pagewire.router.classify;

import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Severity;
import java.util.Objects;

/**
 * What the {@link Classifier} decided about one alert.
 *
 * @param priority the alert's response priority
 * @param severity the incident severity that priority declares; null for P3 and P4
 * @param reason why, for people: {@code "label severity=critical"}, {@code "no severity label: default P2"}
 */
public record Verdict(Priority priority, Severity severity, String reason) {

  public Verdict {
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(reason, "reason");
  }
}
