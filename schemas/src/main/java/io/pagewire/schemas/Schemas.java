package io.pagewire.schemas;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/** Every top-level record Pagewire writes to Kafka, as topic values or state store values. */
public final class Schemas {

  public static final List<Class<? extends SpecificRecordBase>> RECORDS = List.of(
      Alert.class,
      Heartbeat.class,
      HeartbeatState.class,
      IncidentEvent.class,
      IncidentCommand.class,
      NotificationRequest.class,
      NotificationReceipt.class,
      TimelineEvent.class,
      IncidentState.class,
      RouterIncident.class,
      RouterAlert.class,
      IncidentTimeline.class,
      DeliveryLogEntry.class,
      ScheduleOverride.class,
      Silence.class,
      UnroutableAlert.class,
      IncidentStatusUpdate.class);

  private Schemas() {}

  /** The schema the generated class was built from. */
  public static Schema current(Class<? extends SpecificRecordBase> type) {
    try {
      return (Schema) type.getField("SCHEMA$").get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("not an Avro generated class: " + type, e);
    }
  }
}
