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
        .setStatusVersion(1) // requested while the incident was triggered (version 1)
        .build();
  }

  /**
   * Writes requests and makes sure every one is in Kafka: a broker that has just created its
   * topics may refuse the first sends (leader not ready yet), and a page the test never wrote
   * would look like a page the notifier lost.
   */
  public static void writeAll(org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer, List<NotificationRequest> requests)
      throws InterruptedException {
    String topic = io.pagewire.schemas.Topics.NOTIFICATION_REQUESTS.name();
    List<NotificationRequest> left = requests;
    for (int round = 0; !left.isEmpty(); round++) {
      if (round == 5) {
        throw new IllegalStateException(left.size() + " requests could not be written");
      }
      java.util.Map<NotificationRequest, java.util.concurrent.Future<?>> sent = new java.util.LinkedHashMap<>();
      for (NotificationRequest request : left) {
        sent.put(request, producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic,
            request.getIncidentId().getBytes(java.nio.charset.StandardCharsets.UTF_8),
            io.pagewire.schemas.Topics.NOTIFICATION_REQUESTS.valueSerde().serializer().serialize(topic, request))));
      }
      producer.flush();
      List<NotificationRequest> failed = new java.util.ArrayList<>();
      for (var entry : sent.entrySet()) {
        try {
          entry.getValue().get();
        } catch (java.util.concurrent.ExecutionException e) {
          failed.add(entry.getKey());
        }
      }
      left = failed;
    }
  }

  /** A page with every one-click link, for channels that render them as buttons. */
  public static NotificationRequest pageWithLinks(String notificationId, String... channels) {
    NotificationRequest request = page(notificationId, channels);
    request.setLinks(Map.of(
        "acknowledge", "http://pagewire.local/api/v1/incidents/inc-42/acknowledge",
        "resolve", "http://pagewire.local/api/v1/incidents/inc-42/resolve",
        "incident", "http://pagewire.local/api/v1/incidents/inc-42",
        "runbook", "https://runbooks.local/checkout-5xx"));
    return request;
  }

  /** A page to a user, delivered by that user's notification rules. */
  public static NotificationRequest userPage(String notificationId, String incidentId, String user) {
    NotificationRequest request = page(notificationId);
    request.setIncidentId(incidentId);
    request.setRecipient(user);
    request.setCreatedAt(java.time.Instant.now());
    return request;
  }
}
