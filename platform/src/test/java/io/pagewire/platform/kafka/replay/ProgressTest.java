package io.pagewire.platform.kafka.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressTest {

  @Test
  void shouldShowCountRateAndTimeLeft() {
    assertThat(Progress.line(500, 1000, Duration.ofSeconds(2)))
        .isEqualTo("[###############               ]  50% 500/1000 records, 250/s, 2s left");
    assertThat(Progress.line(1000, 100_000, Duration.ofSeconds(1))).endsWith("1000/s, 1m39s left");
  }

  @Test
  void shouldNotKnowTimeLeftBeforeAnythingWasRead() {
    assertThat(Progress.line(0, 10, Duration.ZERO)).endsWith("0/10 records, 0/s, ? left");
  }
}
