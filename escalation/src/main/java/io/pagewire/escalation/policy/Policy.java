package io.pagewire.escalation.policy;

import java.time.Duration;
import java.util.List;

/**
 * An escalation policy: its steps run in order, and the whole list {@code repeat} more times, so
 * an unacknowledged incident receives {@link #totalPages()} pages at most. Page 1 is step 1 when
 * the incident opens; page {@code p} pages step {@code ((p - 1) mod steps) + 1}; page {@code p + 1}
 * follows {@link #waitAfter(int) waitAfter(p)} later.
 *
 * @param name the policy's name in {@code escalation.policies}, or {@link EscalationPolicies#LEVELS}
 * @param steps at least one
 * @param repeat how many more times the steps run after the last one
 * @param firstWait when not null, the wait after page 1 instead of step 1's delay: the
 *     {@code escalation.levels} policy waits the priority's {@code acknowledgeWithin} after the
 *     first page and {@code escalateEvery} after every other page, including step 1 of a repeat
 */
public record Policy(String name, List<Step> steps, int repeat, Duration firstWait) {

  public Policy {
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a policy needs a step");
    }
    steps = List.copyOf(steps);
  }

  public int totalPages() {
    return steps.size() * (repeat + 1);
  }

  /** The 1-based step number of page {@code page} (1-based). */
  public int stepNumber(int page) {
    return (page - 1) % steps.size() + 1;
  }

  /** The step paged by page {@code page} (1-based). */
  public Step stepOfPage(int page) {
    return steps.get(stepNumber(page) - 1);
  }

  /** How long after page {@code page} the next page follows, if it is unacknowledged and {@code page < totalPages()}. */
  public Duration waitAfter(int page) {
    return page == 1 && firstWait != null ? firstWait : stepOfPage(page).delay();
  }
}
