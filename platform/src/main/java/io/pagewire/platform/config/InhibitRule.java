package io.pagewire.platform.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Alertmanager's inhibition rule: while an alert matching {@code sourceMatchers} fires, alerts
 * matching {@code targetMatchers} that have the same values for every {@code equal} label (a label
 * missing on both counts as equal, as in Alertmanager) are recorded but page nobody. An alert
 * never inhibits itself.
 *
 * @param name shown in events and logs; default {@code inhibitRules[i]}
 * @param sourceMatchers what the inhibiting alert matches; must not be empty
 * @param targetMatchers what the inhibited alert matches; must not be empty
 * @param equal labels whose values must be equal on source and target
 */
public record InhibitRule(String name, Matchers sourceMatchers, Matchers targetMatchers, List<String> equal) {

  public InhibitRule {
    if (sourceMatchers == null || sourceMatchers.isEmpty() || targetMatchers == null || targetMatchers.isEmpty()) {
      throw new IllegalArgumentException("an inhibit rule needs sourceMatchers and targetMatchers"
          + " (an empty list would inhibit every alert)");
    }
    equal = equal != null ? List.copyOf(equal) : List.of();
  }

  /** True when {@code source} (firing) inhibits {@code target} by this rule. */
  public boolean inhibits(Map<String, String> source, Map<String, String> target) {
    if (!targetMatchers.matches(target) || !sourceMatchers.matches(source)) {
      return false;
    }
    for (String label : equal) {
      if (!Objects.equals(source.getOrDefault(label, ""), target.getOrDefault(label, ""))) {
        return false;
      }
    }
    return true;
  }
}
