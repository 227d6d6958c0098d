package io.pagewire.reports.model;

import java.time.Duration;

/**
 * One response time against its target.
 *
 * @param actual how long it took; null when it has not happened (yet)
 * @param target the SLA target of the incident's priority
 * @param status MET, BREACHED (late, or not done and already past the target), or PENDING
 *     (not done, target not yet passed as of the report's time); NOT_APPLICABLE when the step
 *     never happened because the incident ended first (resolved without acknowledgement, in time)
 */
public record SlaCheck(Duration actual, Duration target, Status status) {

  public enum Status { MET, BREACHED, PENDING, NOT_APPLICABLE }

  /**
   * Judges a step that started at {@code startMillis} and happened at {@code doneMillis} (null if
   * not), where {@code endMillis} is when the incident ended (null if open) and {@code asOfMillis}
   * is the report's time, against the target every hour counts for.
   */
  static SlaCheck judge(long startMillis, Long doneMillis, Long endMillis, long asOfMillis, Duration target) {
    return judge(startMillis, doneMillis, endMillis, asOfMillis, target, startMillis + target.toMillis());
  }

  /**
   * As above, against a deadline {@code dueMillis} computed elsewhere: on the business-hours clock
   * the target counts business time only, so the deadline is later than start plus target.
   */
  static SlaCheck judge(long startMillis, Long doneMillis, Long endMillis, long asOfMillis, Duration target, long dueMillis) {
    if (doneMillis != null) {
      Duration actual = Duration.ofMillis(doneMillis - startMillis);
      return new SlaCheck(actual, target, doneMillis <= dueMillis ? Status.MET : Status.BREACHED);
    }
    long until = endMillis != null ? endMillis : asOfMillis;
    if (until > dueMillis) {
      return new SlaCheck(null, target, Status.BREACHED);
    }
    return new SlaCheck(null, target, endMillis != null ? Status.NOT_APPLICABLE : Status.PENDING);
  }
}
