package io.pagewire.escalation.api;

import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.Severity;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * An incident as the HTTP API shows it. Times are ISO-8601 UTC strings or null; {@code priority}
 * is {@code P0}..{@code P4}, {@code severity} {@code SEV-1}..{@code SEV-3} or null, {@code status}
 * {@code triggered}, {@code acknowledged} or {@code resolved}; {@code level} is the last
 * escalation level paged (1-based).
 */
public record IncidentView(
    String id,
    String title,
    String priority,
    String severity,
    String status,
    int level,
    Instant openedAt,
    Instant acknowledgedAt,
    String acknowledgedBy,
    Instant resolvedAt,
    String resolvedBy,
    Instant nextEscalationAt,
    Map<String, String> labels,
    Map<String, String> links) {

  public static IncidentView of(IncidentState state) {
    Severity severity = state.getSeverity();
    return new IncidentView(
        state.getIncidentId(),
        state.getTitle(),
        state.getPriority().name(),
        severity != null ? severity.name().replace('_', '-') : null,
        state.getStatus().name().toLowerCase(Locale.ROOT),
        state.getLevel(),
        state.getOpenedAt(),
        state.getAcknowledgedAt(),
        state.getAcknowledgedBy(),
        state.getResolvedAt(),
        state.getResolvedBy(),
        state.getNextEscalationAt(),
        state.getLabels(),
        state.getLinks());
  }
}
