package io.pagewire.bench;

import java.util.List;

/** One line per measured number, and PASS or FAIL where there is a target. */
final class Report {

  private Report() {}

  static boolean target(String what, String measured, String target, boolean pass) {
    System.out.printf("  %-46s %-34s target %-8s %s%n", what + ":", measured, target, pass ? "PASS" : "FAIL");
    return pass;
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
