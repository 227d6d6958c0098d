package io.pagewire.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {

  private static final Duration INITIAL = Duration.ofMillis(500);
  private static final Duration MAX = Duration.ofSeconds(60);

  @ParameterizedTest(name = "after attempt {0} the ceiling is {1} ms")
  @CsvSource({"1, 500", "2, 1000", "3, 2000", "4, 4000", "7, 32000", "8, 60000", "9, 60000"})
  void shouldDoubleTheCeilingPerFailedAttemptUpToMax(int failedAttempt, long ceilingMillis) {
    assertThat(Backoff.ceiling(failedAttempt, INITIAL, MAX)).isEqualTo(Duration.ofMillis(ceilingMillis));
  }

  @Test
  void shouldNotOverflowOnVeryLongRetryRuns() {
    assertThat(Backoff.ceiling(10_000, INITIAL, MAX)).isEqualTo(MAX);
    assertThat(Backoff.fullJitter(10_000, INITIAL, MAX, 0.5)).isEqualTo(Duration.ofSeconds(30));
  }

  @ParameterizedTest(name = "jitter {0} after attempt 3 waits {1} ms")
  @CsvSource({"0.0, 0", "0.25, 500", "0.5, 1000", "0.9999, 1999"})
  void shouldWaitTheJitteredFractionOfTheCeiling(double jitter, long waitMillis) {
    assertThat(Backoff.fullJitter(3, INITIAL, MAX, jitter)).isEqualTo(Duration.ofMillis(waitMillis));
  }

  @Test
  void shouldRejectJitterOutsideTheUnitInterval() {
    assertThatThrownBy(() -> Backoff.fullJitter(1, INITIAL, MAX, 1.0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Backoff.fullJitter(1, INITIAL, MAX, -0.1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Backoff.fullJitter(0, INITIAL, MAX, 0.5)).isInstanceOf(IllegalArgumentException.class);
  }
}
