package io.pagewire.reports.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How many incidents met a target. Pending and not-applicable checks are left out of the
 * percentage: only decided checks count.
 */
public record Compliance(int met, int breached, int pending) {

  static Compliance of(Iterable<SlaCheck> checks) {
    int met = 0;
    int breached = 0;
    int pending = 0;
    for (SlaCheck check : checks) {
      switch (check.status()) {
        case MET -> met++;
        case BREACHED -> breached++;
        case PENDING -> pending++;
        case NOT_APPLICABLE -> { }
      }
    }
    return new Compliance(met, breached, pending);
  }

  /** Percentage of decided checks that met the target, with one decimal; null when none decided. */
  @JsonProperty("percent")
  public Double percent() {
    int decided = met + breached;
    return decided == 0 ? null : Math.round(1000.0 * met / decided) / 10.0;
  }
}
