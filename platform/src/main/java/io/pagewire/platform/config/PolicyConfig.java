package io.pagewire.platform.config;

import java.time.Duration;
import java.util.List;

/**
 * An escalation policy ({@code escalation.policies.NAME}).
 *
 * <pre>
 * policies:
 *   payments:
 *     steps:
 *       - {delay: 15m, targets: [{schedule: payments-primary}]}
 *       - {delay: 30m, targets: [{schedule: payments-secondary}, {user: carol}]}
 *       - {delay: 1h, targets: [{team: payments}]}
 *     repeat: 2
 * </pre>
 *
 * <p>Step 1 is paged when the incident opens; each step's {@code delay} is how long it waits for
 * an acknowledgement before the next step is paged (after the last step, step 1 again while
 * repeats are left). This is PagerDuty's "escalates after" and GoAlert's step delay.
 *
 * @param steps at least one
 * @param repeat how many more times the policy runs after its last step (default 0)
 */
public record PolicyConfig(List<Step> steps, Integer repeat) {

  public PolicyConfig {
    if (steps == null || steps.isEmpty()) {
      throw new IllegalArgumentException("a policy needs at least one step");
    }
    steps = List.copyOf(steps);
    repeat = repeat != null ? repeat : 0;
    if (repeat < 0) {
      throw new IllegalArgumentException("repeat must be 0 or more");
    }
  }

  /**
   * @param delay how long this step waits for an acknowledgement before the next one; more than zero
   * @param targets who is paged; at least one
   * @param channels notifier channels to page through; empty (the default) leaves the choice to
   *     the notifier (each user's contact methods)
   */
  public record Step(Duration delay, List<Target> targets, List<String> channels) {
    public Step {
      if (delay == null || delay.isNegative() || delay.isZero()) {
        throw new IllegalArgumentException("a step needs a delay greater than zero (e.g. delay: 15m)");
      }
      if (targets == null || targets.isEmpty()) {
        throw new IllegalArgumentException("a step needs at least one target ({user: ID}, {schedule: NAME} or {team: NAME})");
      }
      targets = List.copyOf(targets);
      channels = channels != null ? List.copyOf(channels) : List.of();
    }
  }

  /** Exactly one of a user id, a schedule name or a team name. */
  public record Target(String user, String schedule, String team) {
    public Target {
      int set = (user != null ? 1 : 0) + (schedule != null ? 1 : 0) + (team != null ? 1 : 0);
      if (set != 1) {
        throw new IllegalArgumentException("a target is exactly one of {user: ID}, {schedule: NAME}, {team: NAME}");
      }
    }
  }
}
