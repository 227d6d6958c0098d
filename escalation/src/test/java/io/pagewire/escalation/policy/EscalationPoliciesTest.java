package io.pagewire.escalation.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.config.PolicyConfig;
import io.pagewire.schemas.Priority;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EscalationPoliciesTest {

  static final PagewireConfig CONFIG = ConfigLoader.parse("policies.yaml", """
      users: {alice: {}, bob: {}, carol: {}}
      escalation:
        schedules:
          primary: {layers: [{users: [alice, bob]}]}
        teams:
          payments: {members: [alice, bob, carol]}
        policies:
          payments:
            steps:
              - {delay: 15m, targets: [{schedule: primary}]}
              - {delay: 30m, targets: [{team: payments}, {user: carol}], channels: [console]}
            repeat: 2
          low:
            steps:
              - {delay: 1d, targets: [{user: alice}]}
        defaultPolicies: {P3: low}
      """);

  private final EscalationPolicies policies = new EscalationPolicies(CONFIG);

  @Test
  void aRouteNamedPolicyWinsOverThePriorityDefault() {
    Policy policy = policies.forIncident("payments", Priority.P3);

    assertThat(policy.name()).isEqualTo("payments");
    assertThat(policy.steps()).extracting(Step::targets).containsExactly(
        List.of(Target.schedule("primary")), List.of(Target.team("payments"), Target.user("carol")));
    assertThat(policy.steps().get(1).channels()).containsExactly("console");
    assertThat(policy.totalPages()).isEqualTo(6);
    assertThat(policy.waitAfter(1)).isEqualTo(Duration.ofMinutes(15));
    assertThat(policy.waitAfter(2)).isEqualTo(Duration.ofMinutes(30));
    assertThat(policy.stepNumber(3)).as("the first repeat starts over at step 1").isEqualTo(1);
    assertThat(policy.waitAfter(3)).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void withoutARoutePolicyThePriorityDefaultApplies() {
    assertThat(policies.forIncident(null, Priority.P3).name()).isEqualTo("low");
    assertThat(policies.forIncident(null, Priority.P3).totalPages()).isEqualTo(1);
  }

  @Test
  void anUnknownRoutePolicyFallsBackToThePriorityPolicyRatherThanPagingNobody() {
    assertThat(policies.forIncident("deleted-since", Priority.P3).name()).isEqualTo("low");
  }

  @Test
  void withNothingConfiguredTheLevelsAndTheSlaTableAreThePolicy() {
    EscalationPolicies defaults = new EscalationPolicies(PagewireConfig.defaults());
    Policy p1 = defaults.forIncident(null, Priority.P1);

    assertThat(p1.name()).isEqualTo(EscalationPolicies.LEVELS);
    assertThat(p1.steps()).extracting(Step::name).containsExactly("primary-oncall", "secondary-oncall", "engineering-manager");
    assertThat(p1.steps()).allSatisfy(step -> assertThat(step.channels()).containsExactly("console"));
    assertThat(p1.totalPages()).as("levels run twice: escalation.repeat is 1").isEqualTo(6);
    // P3: acknowledge within 8h, escalate every 16h (one and two business days), also for step 1 of the repeat.
    Policy p3 = defaults.forIncident(null, Priority.P3);
    assertThat(p3.waitAfter(1)).isEqualTo(Duration.ofHours(8));
    assertThat(p3.waitAfter(2)).isEqualTo(Duration.ofHours(16));
    assertThat(p3.waitAfter(3)).isEqualTo(Duration.ofHours(16));
    assertThat(p3.waitAfter(4)).isEqualTo(Duration.ofHours(16));
    assertThat(policies.forIncident(null, Priority.P0).name()).as("P0 has no default here").isEqualTo(EscalationPolicies.LEVELS);
  }

  @Test
  void refusesAConfigurationThatNamesAnUnknownUser() {
    PagewireConfig broken = CONFIG.withEscalation(new PagewireConfig.Escalation(null, 0, null, null, null, null,
        Map.of("p", new PolicyConfig(List.of(new PolicyConfig.Step(Duration.ofMinutes(5),
            List.of(new PolicyConfig.Target("zoe", null, null)), null)), null)), null, null));

    assertThatThrownBy(() -> new EscalationPolicies(broken))
        .hasMessage("escalation.policies.p.steps[0].targets[0].user: unknown user 'zoe' (known: alice, bob, carol)");
  }
}
