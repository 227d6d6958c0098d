package io.pagewire.escalation.policy;

import java.time.Duration;
import java.util.List;

/**
 * One step of an escalation {@link Policy}.
 *
 * @param name for people to read: the level name of the {@code escalation.levels} policy, {@code step N} otherwise
 * @param delay how long this step waits for an acknowledgement before the next step is paged
 * @param targets who is paged; empty for a step of the {@code escalation.levels} policy, whose
 *     recipient is the level itself ({@code name}) on {@code channels}
 * @param channels notifier channels to page through; empty leaves the choice to the notifier
 *     (each user's contact methods)
 */
public record Step(String name, Duration delay, List<Target> targets, List<String> channels) {
  public Step {
    targets = List.copyOf(targets);
    channels = List.copyOf(channels);
  }
}
