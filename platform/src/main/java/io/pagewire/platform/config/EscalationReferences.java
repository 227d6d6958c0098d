package io.pagewire.platform.config;

import io.pagewire.schemas.Priority;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Cross-reference checks of the escalation section (see {@link PagewireConfig.Escalation#referenceProblem}). */
final class EscalationReferences {

  private EscalationReferences() {}

  static String problem(PagewireConfig.Escalation escalation, Set<String> users, Set<String> channels) {
    for (Map.Entry<String, ScheduleConfig> schedule : new java.util.TreeMap<>(escalation.schedules()).entrySet()) {
      List<ScheduleConfig.Layer> layers = schedule.getValue().layers();
      for (int i = 0; i < layers.size(); i++) {
        String p = unknown("escalation.schedules." + schedule.getKey() + ".layers[" + i + "].users",
            "user", layers.get(i).users(), users);
        if (p != null) {
          return p;
        }
      }
    }
    for (Map.Entry<String, TeamConfig> team : new java.util.TreeMap<>(escalation.teams()).entrySet()) {
      String key = "escalation.teams." + team.getKey();
      String p = unknown(key + ".members", "user", team.getValue().members(), users);
      if (p == null && team.getValue().schedule() != null) {
        p = unknown(key + ".schedule", "schedule", List.of(team.getValue().schedule()), escalation.schedules().keySet());
      }
      if (p != null) {
        return p;
      }
    }
    for (Map.Entry<String, PolicyConfig> policy : new java.util.TreeMap<>(escalation.policies()).entrySet()) {
      List<PolicyConfig.Step> steps = policy.getValue().steps();
      for (int s = 0; s < steps.size(); s++) {
        String stepKey = "escalation.policies." + policy.getKey() + ".steps[" + s + "]";
        List<PolicyConfig.Target> targets = steps.get(s).targets();
        for (int t = 0; t < targets.size(); t++) {
          PolicyConfig.Target target = targets.get(t);
          String key = stepKey + ".targets[" + t + "]";
          String p = target.user() != null ? unknown(key + ".user", "user", List.of(target.user()), users)
              : target.schedule() != null
                  ? unknown(key + ".schedule", "schedule", List.of(target.schedule()), escalation.schedules().keySet())
                  : unknown(key + ".team", "team", List.of(target.team()), escalation.teams().keySet());
          if (p != null) {
            return p;
          }
        }
        String p = unknown(stepKey + ".channels", "notifier channel", steps.get(s).channels(), channels);
        if (p != null) {
          return p;
        }
      }
    }
    for (Map.Entry<Priority, String> entry : new java.util.TreeMap<>(escalation.defaultPolicies()).entrySet()) {
      String p = unknown("escalation.defaultPolicies." + entry.getKey(), "policy", List.of(entry.getValue()),
          escalation.policies().keySet());
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  private static String unknown(String key, String what, List<String> names, Set<String> known) {
    for (String name : names) {
      if (!known.contains(name)) {
        return key + ": unknown " + what + " '" + name + "' ("
            + (known.isEmpty() ? "none is configured" : "known: " + String.join(", ", new TreeSet<>(known))) + ")";
      }
    }
    return null;
  }
}
