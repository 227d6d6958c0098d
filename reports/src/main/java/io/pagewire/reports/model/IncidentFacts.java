package io.pagewire.reports.model;

import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the topics say about one incident, as a post-incident report needs it.
 *
 * @param priority the highest priority the incident reached; its SLA is the one judged
 * @param severity the most severe declared severity; null when none was declared (P3, P4)
 * @param team the {@code team} of the incident event, else the {@code team} label of the alert
 *     that opened it, else "unassigned"
 * @param services the distinct {@code service} labels of its alerts, sorted
 * @param alerts its alerts, by name then fingerprint
 * @param impactStart when the first of its alerts started firing (Alertmanager's startsAt)
 * @param impactEnd when it was resolved; null while open
 * @param timeToDetect from impactStart to the incident opening
 * @param acknowledge time to acknowledge (from opening) against the priority's acknowledgeWithin
 * @param resolve time to resolve (from opening) against the priority's resolveWithin
 * @param breaches names of the breached checks: "acknowledge", "resolve"
 * @param pages every page by time (ties by step, then as written), with whom and how its delivery went
 * @param pagesPerPerson pages per recipient, sorted by recipient
 * @param highestLevel the highest escalation level paged (0 if never paged)
 * @param reachedLastLevel true when the last level of the escalation policy was paged
 * @param timeline every timeline event, by time (ties in the order they were written), in a
 *     one-incident report; empty in a period report, which does not show it
 */
public record IncidentFacts(
    String incidentId,
    String title,
    Priority priority,
    Severity severity,
    String team,
    List<String> services,
    List<AlertRef> alerts,
    Instant impactStart,
    Instant openedAt,
    Instant acknowledgedAt,
    String acknowledgedBy,
    Instant impactEnd,
    String resolvedBy,
    Duration impactDuration,
    Duration timeToDetect,
    SlaCheck acknowledge,
    SlaCheck resolve,
    List<String> breaches,
    List<Page> pages,
    Map<String, Long> pagesPerPerson,
    int escalations,
    int highestLevel,
    boolean reachedLastLevel,
    List<Entry> timeline,
    Retrospective retrospective) {

  public static final String UNASSIGNED = "unassigned";

  /** One alert of the incident. */
  public record AlertRef(String alertname, String fingerprint, Instant startsAt) {}

  /**
   * One page.
   *
   * @param step the escalation step (1 = the page when the incident opened; a re-notification
   *     repeats its step); for records older than the step field, the page's place in write order
   * @param delivery the best outcome over its channels (DELIVERED, SUPPRESSED, FAILED), or
   *     NO_RECEIPT when the notifier has not reported on it
   */
  public record Page(int step, Instant at, int level, String recipient, String delivery) {}

  /** One timeline event; {@code actor} null for the system. */
  public record Entry(Instant at, String type, String actor, Integer level, String detail) {}
}
