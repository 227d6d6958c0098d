package io.pagewire.schemas.serde;

import io.pagewire.schemas.Schemas;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for generated Avro records, in one of two wire formats chosen for the whole process
 * ({@link #useRegistry}):
 *
 * <ul>
 *   <li>embedded (the default): Avro's single-object encoding, a two-byte marker ({@code C3 01}),
 *       the writer schema's 64-bit fingerprint, then the binary record. Readers resolve older
 *       writer schemas through {@link ReleasedSchemas}, so no schema registry is needed.
 *   <li>with a schema registry: the Confluent wire format ({@link ConfluentWireFormat}) that
 *       Kafka Connect, ksqlDB, Flink, Spark and the Kafka UIs read, schemas registered under
 *       {@code <topic>-value}.
 * </ul>
 *
 * Readers tell the two apart by the first byte ({@code 0} against {@code C3}) and read both, so a
 * topic switched to a registry stays readable from its first record. A Confluent-format record
 * read without a registry is refused with a message that says so.
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

  /** Single-object encoding's header: the marker {@code C3 01}, then the fingerprint, little-endian. */
  private static final int SINGLE_OBJECT_HEADER = 10;
  private static final VarHandle FINGERPRINT = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The registry every serde of this process writes to; null: the embedded encoding. */
  private static volatile SchemaRegistryClient registry;

  private final Class<T> type;
  private final SpecificData model;
  private final RecordWriter<T> writer;
  /** The single-object header: marker and the current schema's fingerprint. */
  private final byte[] header;
  /** A reader from each writer schema seen to the current schema, by the writer's fingerprint. */
  private final Map<Long, DatumReader<T>> readerByFingerprint = new ConcurrentHashMap<>();
  private volatile ConfluentWireFormat<T> confluent;

  private AvroSerde(Class<T> type) {
    this.type = type;
    this.model = SpecificData.getForClass(type);
    Schema current = Schemas.current(type);
    this.writer = new RecordWriter<>(current, model);
    this.header = new byte[SINGLE_OBJECT_HEADER];
    header[0] = (byte) 0xC3;
    header[1] = (byte) 0x01;
    FINGERPRINT.set(header, 2, ReleasedSchemas.fingerprint(current));
  }

  /**
   * Chooses the wire format every serde of this process writes: the Confluent format with this
   * registry, or with null the embedded single-object encoding. Set once at start-up, from the
   * configuration (platform's {@code KafkaSettings}).
   */
  public static void useRegistry(SchemaRegistryClient client) {
    registry = client;
  }

  /** The registry values are written with; null when they use the embedded encoding. */
  public static SchemaRegistryClient registry() {
    return registry;
  }

  public static <T extends SpecificRecordBase> AvroSerde<T> of(Class<T> type) {
    return new AvroSerde<>(type);
  }

  /**
   * Encodes for {@code topic} in the process's wire format.
   *
   * @param topic names the registry subject ({@code <topic>-value}); ignored when embedded
   */
  public byte[] encode(String topic, T value) {
    SchemaRegistryClient client = registry;
    if (value == null || client == null) {
      return encode(value);
    }
    return confluent(client).encode(topic, value);
  }

  /** Encodes in the embedded single-object encoding, whatever the process's wire format. */
  public byte[] encode(T value) {
    if (value == null) {
      return null;
    }
    try {
      return writer.write(header, value);
    } catch (IOException e) {
      throw new SerializationException("cannot encode " + type.getSimpleName(), e);
    }
  }

  public T decode(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      if (ConfluentWireFormat.isConfluent(bytes)) {
        SchemaRegistryClient client = registry;
        if (client == null) {
          throw new SerializationException("written in the Confluent wire format (schema id "
              + ConfluentWireFormat.id(bytes) + ") and no schema registry is configured (kafka.schemaRegistry.url)");
        }
        return confluent(client).decode(bytes);
      }
      return decodeSingleObject(bytes);
    } catch (SerializationException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "not a readable " + type.getSimpleName() + " (" + bytes.length + " bytes): " + e.getMessage(), e);
    }
  }

  /**
   * Reads the single-object encoding as Avro's {@code BinaryMessageDecoder} does, but straight
   * from the array: its decoder reads every byte through an {@code InputStream}, which was most
   * of a report replay's decoding time.
   */
  private T decodeSingleObject(byte[] bytes) throws IOException {
    if (bytes.length < SINGLE_OBJECT_HEADER || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
      throw new BadHeaderException(bytes.length < SINGLE_OBJECT_HEADER ? "Not enough header bytes"
          : String.format("Unrecognized header bytes: 0x%02X 0x%02X", bytes[0], bytes[1]));
    }
    long fingerprint = (long) FINGERPRINT.get(bytes, 2);
    DatumReader<T> reader = readerByFingerprint.computeIfAbsent(fingerprint, this::readerFrom);
    if (reader == null) {
      throw new MissingSchemaException("Cannot resolve schema for fingerprint: " + fingerprint);
    }
    return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, SINGLE_OBJECT_HEADER,
        bytes.length - SINGLE_OBJECT_HEADER, null));
  }

  /** A reader of records written with the schema of this fingerprint; null when no release has it. */
  @SuppressWarnings("unchecked")
  private DatumReader<T> readerFrom(long fingerprint) {
    Schema current = Schemas.current(type);
    Schema writer = ReleasedSchemas.fingerprint(current) == fingerprint ? current
        : ReleasedSchemas.get().findByFingerprint(fingerprint);
    return writer == null ? null : (DatumReader<T>) model.createDatumReader(writer, current);
  }

  @Override
  public Serializer<T> serializer() {
    return this::encode;
  }

  private ConfluentWireFormat<T> confluent(SchemaRegistryClient client) {
    ConfluentWireFormat<T> format = confluent;
    if (format == null || format.registry() != client) {
      format = new ConfluentWireFormat<>(client, Schemas.current(type), model);
      confluent = format;
    }
    return format;
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> decode(bytes);
  }
}
