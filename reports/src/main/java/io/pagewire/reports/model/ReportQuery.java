package io.pagewire.reports.model;

import io.pagewire.schemas.Priority;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * What a report covers. Either one incident ({@code incidentId}) or the incidents opened in
 * {@code [from, to)}, narrowed by team, service and priority (each null for "any").
 *
 * @param incidentId one incident; the other filters are then ignored
 * @param from first instant of the period; null for "since the topics begin"
 * @param to end of the period, exclusive; null for "up to the end of the topics when the replay
 *     started". Also the "as of" time at which still-open SLA clocks are judged, when given
 * @param team the incident's team (the {@code team} label of its first alert, else "unassigned")
 * @param service one of the incident's services (the {@code service} labels of its alerts)
 * @param priority the incident's highest priority
 * @param zone business hours (Mon-Fri 09:00-17:00) and displayed times are in this zone
 */
public record ReportQuery(
    String incidentId, Instant from, Instant to, String team, String service, Priority priority, ZoneId zone) {

  public ReportQuery {
    zone = zone != null ? zone : ZoneId.of("UTC");
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("--from must be before --to");
    }
  }

  public static ReportQuery all() {
    return new ReportQuery(null, null, null, null, null, null, null);
  }

  public static ReportQuery incident(String incidentId) {
    return new ReportQuery(incidentId, null, null, null, null, null, null);
  }

  public ReportQuery withZone(ZoneId newZone) {
    return new ReportQuery(incidentId, from, to, team, service, priority, newZone);
  }

  public Optional<String> single() {
    return Optional.ofNullable(incidentId);
  }

  /** True when the alert time {@code at} falls in the period. */
  public boolean covers(Instant at) {
    return (from == null || !at.isBefore(from)) && (to == null || at.isBefore(to));
  }

  /** True when the incident is one this report is about. */
  public boolean selects(IncidentFacts incident) {
    if (incidentId != null) {
      return incidentId.equals(incident.incidentId());
    }
    return covers(incident.openedAt())
        && (team == null || team.equals(incident.team()))
        && (service == null || incident.services().contains(service))
        && (priority == null || priority == incident.priority());
  }
}
