package io.pagewire.schemas.serde;

import io.pagewire.schemas.Schemas;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for generated Avro records in Avro's single-object encoding: a two-byte marker,
 * the writer schema's 64-bit fingerprint, then the binary record. Readers resolve older writer
 * schemas through {@link ReleasedSchemas}, so no schema registry is needed.
 *
 * <p>A null value (a tombstone) stays null in both directions.
 */
public final class AvroSerde<T extends SpecificRecordBase> implements Serde<T> {

  static {
    // Avro 1.12 instantiates only classes it trusts while reading; trust our generated records.
    ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
        previous, type -> type.getName().startsWith("io.pagewire.schemas.")));
  }

  private final Class<T> type;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  private AvroSerde(Class<T> type) {
    this.type = type;
    SpecificData model = SpecificData.getForClass(type);
    this.encoder = new BinaryMessageEncoder<>(model, Schemas.current(type));
    this.decoder = new BinaryMessageDecoder<>(model, Schemas.current(type), ReleasedSchemas.get());
  }

  public static <T extends SpecificRecordBase> AvroSerde<T> of(Class<T> type) {
    return new AvroSerde<>(type);
  }

  public byte[] encode(T value) {
    if (value == null) {
      return null;
    }
    try {
      ByteBuffer buffer = encoder.encode(value);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new SerializationException("cannot encode " + type.getSimpleName(), e);
    }
  }

  public T decode(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return decoder.decode(bytes);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "not a readable " + type.getSimpleName() + " (" + bytes.length + " bytes): " + e.getMessage(), e);
    }
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> encode(value);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> decode(bytes);
  }
}
