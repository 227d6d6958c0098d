package io.pagewire.reports.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DurationStatsTest {

  private static List<Duration> minutes(long... values) {
    return java.util.Arrays.stream(values).mapToObj(Duration::ofMinutes).toList();
  }

  @Test
  void shouldTakeTheMiddleValueAsMedianOfAnOddCount() {
    assertThat(DurationStats.of(minutes(30, 10, 20)))
        .isEqualTo(new DurationStats(3, Duration.ofMinutes(20), Duration.ofMinutes(20), Duration.ofMinutes(30)));
  }

  @Test
  void shouldAverageTheTwoMiddleValuesAsMedianOfAnEvenCount() {
    DurationStats stats = DurationStats.of(minutes(40, 10, 20, 30));
    assertThat(stats.median()).isEqualTo(Duration.ofMinutes(25));
    assertThat(stats.mean()).isEqualTo(Duration.ofMinutes(25));
  }

  @Test
  void shouldTakeP90ByNearestRank() {
    // 10 values 1..10: ceil(0.9*10) = 9th -> 9; 11 values 1..11: ceil(9.9) = 10th -> 10.
    assertThat(DurationStats.of(minutes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)).p90()).isEqualTo(Duration.ofMinutes(9));
    assertThat(DurationStats.of(minutes(11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)).p90()).isEqualTo(Duration.ofMinutes(10));
    assertThat(DurationStats.of(minutes(7)).p90()).isEqualTo(Duration.ofMinutes(7));
  }

  @Test
  void shouldRoundMeanDownToTheMillisecond() {
    assertThat(DurationStats.of(List.of(Duration.ofMillis(1), Duration.ofMillis(2))).mean()).isEqualTo(Duration.ofMillis(1));
  }

  @Test
  void shouldHaveNoFiguresWithoutDurations() {
    assertThat(DurationStats.of(List.of())).isEqualTo(new DurationStats(0, null, null, null));
  }
}
