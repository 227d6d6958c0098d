package io.pagewire.notifier;

import io.pagewire.schemas.NotificationKind;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Notification requests as the escalation service writes them. */
public final class TestRequests {

  public static final Instant CREATED_AT = Instant.parse("2025-01-31T10:15:30.123Z");

  private TestRequests() {}

  public static NotificationRequest page(String notificationId, String... channels) {
    return NotificationRequest.newBuilder()
        .setNotificationId(notificationId)
        .setIncidentId("inc-42")
        .setKind(NotificationKind.PAGE)
        .setLevel(1)
        .setRecipient("primary-oncall")
        .setChannels(List.of(channels))
        .setTitle("Checkout down")
        .setSummary("5xx above 20%")
        .setPriority(Priority.P0)
        .setSeverity(Severity.SEV_1)
        .setLabels(Map.of("service", "checkout", "alertname", "HighErrorRate"))
        .setLinks(Map.of("acknowledge", "http://pagewire.local/ack/inc-42"))
        .setCreatedAt(CREATED_AT)
        .build();
  }
}
