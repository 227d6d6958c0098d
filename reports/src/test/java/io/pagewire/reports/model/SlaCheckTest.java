package io.pagewire.reports.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.reports.model.SlaCheck.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlaCheckTest {

  private static final Duration TARGET = Duration.ofMinutes(15);
  private static final long MIN = 60_000;

  @Test
  void shouldMeetTheTargetWhenDoneExactlyAtIt() {
    assertThat(SlaCheck.judge(0, 15 * MIN, null, 99 * MIN, TARGET)).isEqualTo(new SlaCheck(TARGET, TARGET, Status.MET));
  }

  @Test
  void shouldBreachWhenDoneLate() {
    assertThat(SlaCheck.judge(0, 15 * MIN + 1, null, 0, TARGET).status()).isEqualTo(Status.BREACHED);
  }

  @Test
  void shouldBreachWhenNotDoneAndPastTheTargetAsOfTheReport() {
    assertThat(SlaCheck.judge(0, null, null, 16 * MIN, TARGET)).isEqualTo(new SlaCheck(null, TARGET, Status.BREACHED));
  }

  @Test
  void shouldBePendingWhenNotDoneAndTheTargetHasNotPassed() {
    assertThat(SlaCheck.judge(0, null, null, 10 * MIN, TARGET).status()).isEqualTo(Status.PENDING);
  }

  @Test
  void shouldNotApplyWhenTheIncidentEndedInTimeWithoutTheStep() {
    assertThat(SlaCheck.judge(0, null, 10 * MIN, 99 * MIN, TARGET).status()).isEqualTo(Status.NOT_APPLICABLE);
    assertThat(SlaCheck.judge(0, null, 20 * MIN, 99 * MIN, TARGET).status()).isEqualTo(Status.BREACHED);
  }

  @Test
  void shouldCountOnlyDecidedChecksInCompliance() {
    Compliance c = Compliance.of(List.of(
        new SlaCheck(TARGET, TARGET, Status.MET), new SlaCheck(TARGET, TARGET, Status.MET),
        new SlaCheck(null, TARGET, Status.BREACHED), new SlaCheck(null, TARGET, Status.PENDING),
        new SlaCheck(null, TARGET, Status.NOT_APPLICABLE)));
    assertThat(c).isEqualTo(new Compliance(2, 1, 1));
    assertThat(c.percent()).isEqualTo(66.7);
    assertThat(new Compliance(0, 0, 3).percent()).isNull();
  }

  @Test
  void judgesAgainstTheBusinessHoursDeadlineWhenItIsLaterThanStartPlusTarget() {
    long due = 3 * TARGET.toMillis();

    assertThat(SlaCheck.judge(0, 2 * TARGET.toMillis(), null, 0, TARGET, due).status()).isEqualTo(Status.MET);
    assertThat(SlaCheck.judge(0, null, null, 2 * TARGET.toMillis(), TARGET, due).status()).isEqualTo(Status.PENDING);
    assertThat(SlaCheck.judge(0, null, null, due + 1, TARGET, due).status()).isEqualTo(Status.BREACHED);
  }
}
