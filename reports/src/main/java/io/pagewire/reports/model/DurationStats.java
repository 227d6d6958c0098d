package io.pagewire.reports.model;

import java.time.Duration;
import java.util.Collection;

/**
 * Mean, median and 90th percentile of some durations, to the millisecond.
 *
 * <p>The mean is rounded down; the median of an even count is the mean of the two middle values
 * (rounded down); p90 is the nearest-rank percentile: the smallest value that at least 90% of
 * the values do not exceed (index {@code ceil(0.9 n) - 1} of the sorted values), so it is always
 * a value that occurred.
 */
public record DurationStats(int count, Duration mean, Duration median, Duration p90) {

  public static DurationStats of(Collection<Duration> durations) {
    long[] millis = durations.stream().mapToLong(Duration::toMillis).sorted().toArray();
    int n = millis.length;
    if (n == 0) {
      return new DurationStats(0, null, null, null);
    }
    long sum = 0;
    for (long m : millis) {
      sum += m;
    }
    long median = n % 2 == 1 ? millis[n / 2] : Math.floorDiv(millis[n / 2 - 1] + millis[n / 2], 2);
    int p90Index = (int) Math.ceil(0.9 * n) - 1;
    return new DurationStats(n, Duration.ofMillis(Math.floorDiv(sum, n)), Duration.ofMillis(median),
        Duration.ofMillis(millis[p90Index]));
  }
}
