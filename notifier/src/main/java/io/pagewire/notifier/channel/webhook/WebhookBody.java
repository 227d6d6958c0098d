package io.pagewire.notifier.channel.webhook;

import io.pagewire.notifier.channel.Rendering;
import io.pagewire.schemas.NotificationRequest;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON object a webhook channel POSTs, one per notification (version 1; fields are only ever
 * added):
 *
 * <pre>
 * {
 *   "notificationId": "inc-42/1/1",        unique; also sent as header X-Pagewire-Notification-Id,
 *                                          so receivers can drop the rare duplicate
 *   "incidentId": "inc-42",
 *   "kind": "PAGE",                        PAGE or RESOLVED
 *   "level": 1,                            escalation level, 1-based
 *   "recipient": "primary-oncall",
 *   "title": "Checkout down",
 *   "summary": "5xx above 20%",            "" when none
 *   "priority": "P0",                      P0..P4
 *   "severity": "SEV-1",                   SEV-1..SEV-3, or null for P3/P4
 *   "labels": {"service": "checkout"},
 *   "links": {"acknowledge": "http://..."},  runbook, acknowledge, resolve, incident
 *   "createdAt": "2025-01-31T10:15:30.123Z"  ISO-8601, when the notification was requested
 * }
 * </pre>
 */
public record WebhookBody(
    String notificationId,
    String incidentId,
    String kind,
    int level,
    String recipient,
    String title,
    String summary,
    String priority,
    String severity,
    Map<String, String> labels,
    Map<String, String> links,
    Instant createdAt) {

  public static WebhookBody of(NotificationRequest request) {
    return new WebhookBody(
        request.getNotificationId(),
        request.getIncidentId(),
        request.getKind().name(),
        request.getLevel(),
        request.getRecipient(),
        request.getTitle(),
        request.getSummary(),
        request.getPriority().name(),
        Rendering.severity(request.getSeverity()),
        new TreeMap<>(request.getLabels()),
        new TreeMap<>(request.getLinks()),
        request.getCreatedAt());
  }
}
