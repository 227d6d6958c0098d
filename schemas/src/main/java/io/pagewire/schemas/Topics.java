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

  /**
   * The urgent lane of {@link #ALERTS}: the same records, keyed and partitioned the same way, for
   * the firing alerts that may open an incident (the first webhook of an Alertmanager group the
   * ingest has not seen lately, a missed heartbeat). The router reads both topics in one task
   * per partition and takes this one's records first, so a new incident's first alert does not
   * wait behind a storm of alerts joining incidents that are open already. Readers of the alert
   * history read both.
   */
  public static final Topic<String, Alert> ALERTS_URGENT = new Topic<>(
      "pagewire.alerts-urgent", "alert fingerprint",
      Serdes.String(), AvroSerde.of(Alert.class), false, DAYS_400);

  /** Both lanes of the alerts, routine first. */
  public static final List<Topic<String, Alert>> ALERT_LANES = List.of(ALERTS, ALERTS_URGENT);

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
   * The notifier's delivery log (compacted): per notification and target, PENDING (with what to
   * send and when) or DONE. Written to the same partition number as the request it came from,
   * so the instance owning a request partition owns its log partition.
   */
  public static final Topic<String, DeliveryLogEntry> NOTIFIER_DELIVERY_LOG = new Topic<>(
      "pagewire.notifier.delivery-log", "notificationId|target",
      Serdes.String(), AvroSerde.of(DeliveryLogEntry.class), true, DAYS_400);

  /**
   * Temporary on-call schedule overrides (compacted), keyed by override id; a tombstone deletes
   * one. Every escalation instance reads all of it (a global store).
   */
  public static final Topic<String, ScheduleOverride> SCHEDULE_OVERRIDES = new Topic<>(
      "pagewire.schedule-overrides", "override id",
      Serdes.String(), AvroSerde.of(ScheduleOverride.class), true, DAYS_400);

  /**
   * Silences and maintenance windows (compacted), keyed by silence id; written by the router's
   * {@code /api/v1/silences}, read by every router instance as a global store. Expired silences
   * stay (with their {@code endsAt}) as history.
   */
  public static final Topic<String, Silence> SILENCES = new Topic<>(
      "pagewire.silences", "silence id",
      Serdes.String(), AvroSerde.of(Silence.class), true, DAYS_400);

  /** Alerts the router could not route (no labels; no matching route when routes are required), with the reason. */
  public static final Topic<String, UnroutableAlert> UNROUTABLE = new Topic<>(
      "pagewire.unroutable", "alert fingerprint",
      Serdes.String(), AvroSerde.of(UnroutableAlert.class), false, DAYS_90);

  /**
   * The firing alerts that can inhibit others (they match an inhibit rule's source matchers),
   * compacted, keyed by fingerprint; a tombstone when one resolves. Written and read by the
   * router: every instance reads all of it as a global store, because an inhibiting alert and
   * its targets have different incident keys and so live on different partitions.
   */
  public static final Topic<String, Alert> INHIBITING_ALERTS = new Topic<>(
      "pagewire.inhibiting-alerts", "alert fingerprint",
      Serdes.String(), AvroSerde.of(Alert.class), true, DAYS_400);

  /**
   * Records no service could read or process: the original key and value bytes, with headers
   * naming the source topic, partition, offset and the reason (Kafka Streams' dead-letter
   * headers {@code __streams.errors.*}, or {@code pagewire.dlq.*} from the notifier).
   */
  public static final Topic<byte[], byte[]> DEAD_LETTERS = new Topic<>(
      "pagewire.dead-letters", "original key",
      Serdes.ByteArray(), Serdes.ByteArray(), false, DAYS_90);

  /**
   * Each incident's current status with a version (compacted), keyed by incident id; written by
   * escalation on every status change, tombstoned when the incident leaves escalation's hot
   * stores. The router learns from it that a person resolved an incident; the notifier re-checks
   * a page against it at the moment of sending.
   */
  public static final Topic<String, IncidentStatusUpdate> INCIDENT_STATUS = new Topic<>(
      "pagewire.incident-status", "incident id",
      Serdes.String(), AvroSerde.of(IncidentStatusUpdate.class), true, DAYS_400);

  /**
   * Beats of the heartbeat monitors, keyed by monitor name: from {@code POST /api/v1/heartbeats/{name}}
   * and from firing alerts that match a monitor (Prometheus' always-firing Watchdog).
   */
  public static final Topic<String, Heartbeat> HEARTBEATS = new Topic<>(
      "pagewire.heartbeats", "monitor name",
      Serdes.String(), AvroSerde.of(Heartbeat.class), false, Duration.ofDays(7));

  public static final List<Topic<?, ?>> ALL = List.of(
      ALERTS, ALERTS_URGENT, INCIDENT_EVENTS, INCIDENT_COMMANDS, NOTIFICATION_REQUESTS,
      NOTIFICATION_RECEIPTS, INCIDENT_TIMELINE, DEAD_LETTERS,
      NOTIFIER_DELIVERY_LOG, SCHEDULE_OVERRIDES,
      SILENCES, UNROUTABLE, INHIBITING_ALERTS, INCIDENT_STATUS, HEARTBEATS);

  private Topics() {}
}
