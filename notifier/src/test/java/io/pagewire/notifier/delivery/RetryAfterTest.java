package io.pagewire.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {

  private static final Instant NOW = Instant.parse("2015-10-21T07:28:00Z");

  @Test
  void shouldReadDelaySeconds() {
    assertThat(RetryAfter.parse("120", NOW)).contains(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse(" 0 ", NOW)).contains(Duration.ZERO);
  }

  @Test
  void shouldMeasureAnHttpDateFromNow() {
    assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:45 GMT", NOW)).contains(Duration.ofSeconds(45));
    assertThat(RetryAfter.parse("Wed, 21 Oct 2015 08:28:00 GMT", NOW.minusSeconds(1))).contains(Duration.ofSeconds(3601));
  }

  @Test
  void shouldNotWaitForADateInThePast() {
    assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:27:00 GMT", NOW)).contains(Duration.ZERO);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "  ", "soon", "-5", "1.5", "Wednesday 21 Oct", "99999999999999999999999"})
  void shouldLeaveAbsentOrUnreadableValuesToTheBackoff(String value) {
    assertThat(RetryAfter.parse(value, NOW)).isEmpty();
  }
}
