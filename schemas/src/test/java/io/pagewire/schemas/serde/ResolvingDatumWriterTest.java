package io.pagewire.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertAction;
import io.pagewire.schemas.CommandType;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.NoteKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class ResolvingDatumWriterTest {

  @Test
  void writesOptionalFieldsAsAvrosWriterDoesWhetherSetOrNull() throws IOException {
    Alert unset = AvroSerdeTest.alert();
    Alert set = AvroSerdeTest.alert();
    set.setEndsAt(Instant.parse("2026-11-22T21:00:00.123Z"));
    set.setAction(AlertAction.ACKNOWLEDGE);

    assertSameBytes(Alert.getClassSchema(), unset);
    assertSameBytes(Alert.getClassSchema(), set);
  }

  @Test
  void writesLogicalTypesInsideOptionalFieldsAsAvrosWriterDoes() throws IOException {
    IncidentCommand command = IncidentCommand.newBuilder()
        .setCommandId("c-1").setIncidentId("i-1").setType(CommandType.ADD_NOTE).setActor("alice")
        .setAt(Instant.parse("2026-11-22T20:14:18.295Z")).setNote("rotate the certificate")
        .setNoteKind(NoteKind.ACTION_ITEM).setOwner("bob").setDue(LocalDate.parse("2026-12-24")).setDurationMillis(60_000L)
        .build();

    assertSameBytes(IncidentCommand.getClassSchema(), command);
  }

  @Test
  void leavesOtherUnionsAndUnconvertedLogicalValuesToAvro() throws IOException {
    Schema timestamp = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
    Schema schema = SchemaBuilder.record("Mixed").namespace("io.pagewire.test").fields()
        .name("three").type().unionOf().nullType().and().longType().and().stringType().endUnion().nullDefault()
        .name("nullLast").type().unionOf().stringType().and().nullType().endUnion().stringDefault("x")
        .name("raw").type(timestamp).noDefault()
        .endRecord();
    for (Object three : new Object[] {null, 42L, "forty-two"}) {
      for (String nullLast : new String[] {null, "set"}) {
        GenericRecord record = new GenericData.Record(schema);
        record.put("three", three);
        record.put("nullLast", nullLast);
        record.put("raw", 1_764_000_000_000L); // a Long, not the Instant the model converts
        // The model of a generated record: it converts timestamp-millis to Instant.
        assertSameBytes(SpecificData.getForClass(Alert.class), schema, record);
      }
    }
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> void assertSameBytes(Schema schema, T value)
      throws IOException {
    assertSameBytes(SpecificData.getForClass(value.getClass()), schema, value);
  }

  private static <T> void assertSameBytes(SpecificData model, Schema schema, T value) throws IOException {
    assertThat(write(new ResolvingDatumWriter<>(schema, model), value))
        .isEqualTo(write(new SpecificDatumWriter<>(schema, model), value));
  }

  private static <T> byte[] write(DatumWriter<T> writer, T value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    writer.write(value, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
