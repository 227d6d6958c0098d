package io.pagewire.escalation.state;

import io.pagewire.escalation.policy.EscalationPolicies;
import io.pagewire.escalation.policy.Policy;
import io.pagewire.escalation.policy.Step;
import io.pagewire.escalation.policy.Target;
import io.pagewire.escalation.schedule.OnCall;
import io.pagewire.schemas.IncidentState;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The escalation plan of the configured policies ({@link EscalationPolicies#forIncident}, by the
 * incident's {@code policy} and priority): a step of the {@code escalation.levels} policy pages
 * the level itself through its channels; any other step pages every user its targets resolve to
 * through {@link OnCall} at the time of the page, each once, through the step's channels (none:
 * the notifier uses each user's contact methods).
 */
public final class PolicyPlan implements EscalationPlan {

  private final EscalationPolicies policies;
  private final OnCall onCall;

  public PolicyPlan(EscalationPolicies policies, OnCall onCall) {
    this.policies = policies;
    this.onCall = onCall;
  }

  private Policy policy(IncidentState incident) {
    return policies.forIncident(incident.getPolicy(), incident.getPriority());
  }

  @Override
  public int totalSteps(IncidentState incident) {
    return policy(incident).totalPages();
  }

  @Override
  public int levelOfStep(IncidentState incident, int step) {
    return policy(incident).stepNumber(step);
  }

  @Override
  public Duration waitAfter(IncidentState incident, int step) {
    return policy(incident).waitAfter(step);
  }

  @Override
  public List<Recipient> recipients(IncidentState incident, int step, Instant now) {
    Step target = policy(incident).stepOfPage(step);
    if (target.targets().isEmpty()) {
      return List.of(new Recipient(target.name(), target.channels()));
    }
    Set<String> users = new LinkedHashSet<>();
    for (Target t : target.targets()) {
      users.addAll(onCall.usersFor(t, now));
    }
    return users.stream().map(user -> new Recipient(user, target.channels())).toList();
  }
}
