package io.pagewire.schemas;

import io.pagewire.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic Pagewire reads or writes. Everything about one incident is keyed by incident id,
 * so it lands on the same partition number of each incident topic (co-partitioning); alerts
 * are keyed by fingerprint and re-keyed by the router.
 */
public final class Topics {

  private static final Duration DAYS_90 = Duration.ofDays(90);
  private static final Duration DAYS_400 = Duration.ofDays(400);

  public static final Topic<String, Alert> ALERTS = new Topic<>(
      "pagewire.alerts", "alert fingerprint",
      Serdes.String(), AvroSerde.of(Alert.class), false, DAYS_400);

  public static final Topic<String, IncidentEvent> INCIDENT_EVENTS = new Topic<>(
      "pagewire.incident-events", "incident id",
      Serdes.String(), AvroSerde.of(IncidentEvent.class), false, DAYS_90);

  public static final Topic<String, IncidentCommand> INCIDENT_COMMANDS = new Topic<>(
      "pagewire.incident-commands", "incident id",
      Serdes.String(), AvroSerde.of(IncidentCommand.class), false, DAYS_90);

  public static final Topic<String, NotificationRequest> NOTIFICATION_REQUESTS = new Topic<>(
      "pagewire.notification-requests", "incident id",
      Serdes.String(), AvroSerde.of(NotificationRequest.class), false, DAYS_90);

  public static final Topic<String, NotificationReceipt> NOTIFICATION_RECEIPTS = new Topic<>(
      "pagewire.notification-receipts", "incident id",
      Serdes.String(), AvroSerde.of(NotificationReceipt.class), false, DAYS_400);

  public static final Topic<String, TimelineEvent> INCIDENT_TIMELINE = new Topic<>(
      "pagewire.incident-timeline", "incident id",
      Serdes.String(), AvroSerde.of(TimelineEvent.class), false, DAYS_400);

  /**
   * Records no service could read or process: the original key and value bytes, with headers
   * naming the source topic, partition, offset and the reason (Kafka Streams' dead-letter
   * headers {@code __streams.errors.*}, or {@code pagewire.dlq.*} from the notifier).
   */
  public static final Topic<byte[], byte[]> DEAD_LETTERS = new Topic<>(
      "pagewire.dead-letters", "original key",
      Serdes.ByteArray(), Serdes.ByteArray(), false, DAYS_90);

  public static final List<Topic<?, ?>> ALL = List.of(
      ALERTS, INCIDENT_EVENTS, INCIDENT_COMMANDS, NOTIFICATION_REQUESTS,
      NOTIFICATION_RECEIPTS, INCIDENT_TIMELINE, DEAD_LETTERS);

  private Topics() {}
}
