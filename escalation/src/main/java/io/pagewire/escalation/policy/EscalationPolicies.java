package io.pagewire.escalation.policy;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.config.PolicyConfig;
import io.pagewire.schemas.Priority;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The escalation policies of the configuration, and which one an incident follows:
 * the policy its route named ({@code IncidentEvent.escalationPolicy}); else
 * {@code escalation.defaultPolicies} for its priority; else the {@value #LEVELS} policy built from
 * {@code escalation.levels} and the priority's SLA ({@code acknowledgeWithin} after the first
 * page, {@code escalateEvery} after the others; {@code escalation.repeat} repeats) — the
 * behaviour before policies existed.
 *
 * <p>Immutable and thread-safe.
 */
public final class EscalationPolicies {

  private static final Logger log = LoggerFactory.getLogger(EscalationPolicies.class);

  /** The name of the policy built from {@code escalation.levels}. */
  public static final String LEVELS = "levels";

  private final Map<String, Policy> named = new TreeMap<>();
  private final Map<Priority, Policy> byPriority = new EnumMap<>(Priority.class);

  /**
   * @throws IllegalArgumentException when the escalation section refers to an unknown user,
   *     schedule, team, channel or policy (the configuration loader reports the same, with the file)
   */
  public EscalationPolicies(PagewireConfig config) {
    PagewireConfig.Escalation escalation = config.escalation();
    String problem = escalation.referenceProblem(config.users().keySet(), config.notifier().channels().keySet());
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    escalation.policies().forEach((name, policy) -> named.put(name, compile(name, policy)));
    for (Priority priority : Priority.values()) {
      String name = escalation.defaultPolicies().get(priority);
      byPriority.put(priority, name != null ? named.get(name) : levels(config, priority));
    }
  }

  /** The configured policies by name (not the {@value #LEVELS} policy). */
  public Map<String, Policy> named() {
    return Map.copyOf(named);
  }

  /**
   * The policy of an incident. A name that is not configured (a route changed since the incident
   * opened) falls back to the priority's policy, with a warning: paging someone beats paging nobody.
   *
   * @param policyName the incident's {@code escalationPolicy}, or null
   */
  public Policy forIncident(String policyName, Priority priority) {
    if (policyName != null) {
      Policy policy = named.get(policyName);
      if (policy != null) {
        return policy;
      }
      log.warn("unknown escalation policy {}: using the {} default policy", policyName, priority);
    }
    return byPriority.get(priority);
  }

  private static Policy compile(String name, PolicyConfig config) {
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < config.steps().size(); i++) {
      PolicyConfig.Step step = config.steps().get(i);
      steps.add(new Step("step " + (i + 1), step.delay(),
          step.targets().stream().map(Target::of).toList(), step.channels()));
    }
    return new Policy(name, steps, config.repeat(), null);
  }

  private static Policy levels(PagewireConfig config, Priority priority) {
    PagewireConfig.Sla sla = config.sla(priority);
    List<Step> steps = config.escalation().levels().stream()
        .map(level -> new Step(level.name(), sla.escalateEvery(), List.of(), level.channels()))
        .toList();
    return new Policy(LEVELS, steps, config.escalation().repeat(), sla.acknowledgeWithin());
  }
}
