package io.pagewire.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  private final AvroSerde<Alert> serde = AvroSerde.of(Alert.class);

  static Alert alert() {
    return Alert.newBuilder()
        .setFingerprint("c75f68922c9ebc87")
        .setStatus(AlertStatus.FIRING)
        .setLabels(Map.of("alertname", "HighLatency", "severity", "critical"))
        .setAnnotations(Map.of("summary", "p99 above 500ms"))
        .setStartsAt(Instant.parse("2026-11-22T20:14:18.295Z"))
        .setReceivedAt(Instant.parse("2026-11-22T20:14:20Z"))
        .build();
  }

  @Test
  void roundTripsARecordInSingleObjectEncoding() {
    byte[] bytes = serde.encode(alert());

    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(serde.decode(bytes)).isEqualTo(alert());
  }

  @Test
  void writesTheBytesOfAvrosOwnSingleObjectEncoder() throws Exception {
    java.nio.ByteBuffer avro = new BinaryMessageEncoder<Alert>(org.apache.avro.specific.SpecificData.getForClass(Alert.class),
        Alert.getClassSchema()).encode(alert());
    byte[] expected = new byte[avro.remaining()];
    avro.get(expected);

    assertThat(serde.encode(alert())).isEqualTo(expected);
  }

  @Test
  void writesWholeRecordsAfterAWriteThatFailedHalfway() {
    Alert broken = alert();
    broken.setAnnotations(null); // not nullable: the writer fails after the fields before it
    assertThatThrownBy(() -> serde.encode(broken)).isInstanceOf(RuntimeException.class);

    assertThat(serde.decode(serde.encode(alert()))).isEqualTo(alert());
  }

  @Test
  void writesARecordLargerThanTheBufferKeptPerThread() {
    Alert large = alert();
    large.setAnnotations(Map.of("description", "x".repeat(2 << 20)));

    assertThat(serde.decode(serde.encode(large))).isEqualTo(large);
    assertThat(serde.decode(serde.encode(alert()))).isEqualTo(alert());
  }

  @Test
  void keepsTombstonesNull() {
    assertThat(serde.encode(null)).isNull();
    assertThat(serde.decode(null)).isNull();
  }

  @Test
  void rejectsBytesThatAreNotARecordWithASerializationException() {
    assertThatThrownBy(() -> serde.decode("{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("not a readable Alert");
  }

  @Test
  void readsARecordWrittenWithAnOlderReleasedSchemaFoundByItsFingerprint() throws Exception {
    Schema v1 = ReleasedSchemas.get().versions(TimelineEvent.class).get(0);
    GenericRecord old = new GenericData.Record(v1);
    old.put("eventId", "inc-1/opened");
    old.put("incidentId", "inc-1");
    old.put("type", new GenericData.EnumSymbol(v1.getField("type").schema(), "OPENED"));
    old.put("level", 2);
    old.put("detail", "opened");
    old.put("at", Instant.parse("2026-11-22T20:14:18Z").toEpochMilli());
    byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

    TimelineEvent event = AvroSerde.of(TimelineEvent.class).decode(bytes);

    assertThat(event.getIncidentId()).isEqualTo("inc-1");
    assertThat(event.getType()).isEqualTo(TimelineEventType.OPENED);
    assertThat(event.getLevel()).isEqualTo(2);
    assertThat(event.getAt()).isEqualTo(Instant.parse("2026-11-22T20:14:18Z"));
    assertThat(event.getStep()).isNull();
  }

  @Test
  void rejectsAHeaderTooShortToHoldAFingerprint() {
    assertThatThrownBy(() -> serde.decode(new byte[] {(byte) 0xC3, 0x01, 1, 2}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("not a readable Alert");
  }

  @Test
  void rejectsARecordWrittenWithAnUnknownSchema() throws Exception {
    Schema stranger = SchemaBuilder.record("Stranger").fields().requiredString("x").endRecord();
    GenericRecord record = new GenericData.Record(stranger);
    record.put("x", "y");
    byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), stranger).encode(record).array();

    assertThatThrownBy(() -> serde.decode(bytes)).isInstanceOf(SerializationException.class)
        .hasMessageContaining("Cannot resolve schema for fingerprint");
  }
}
