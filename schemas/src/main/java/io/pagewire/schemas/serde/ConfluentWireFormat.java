package io.pagewire.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: magic byte 0, the writer schema's registry id as 4 bytes big-endian,
 * then the record in Avro binary encoding. The schema is registered under {@code <topic>-value}
 * (the default TopicNameStrategy) on first use per topic; a reader resolves each writer id once.
 * One instance serves one registry.
 */
final class ConfluentWireFormat<T extends SpecificRecordBase> {

  static final byte MAGIC = 0;
  static final int HEADER = 5;

  private final SchemaRegistryClient registry;
  private final Schema schema;
  private final SpecificData model;
  private final RecordWriter<T> writer;
  /** The header of each topic's records: the magic byte and the id its subject gave the schema. */
  private final Map<String, byte[]> headerByTopic = new ConcurrentHashMap<>();
  private final Map<Integer, DatumReader<T>> readerById = new ConcurrentHashMap<>();

  ConfluentWireFormat(SchemaRegistryClient registry, Schema schema, SpecificData model) {
    this.registry = registry;
    this.schema = schema;
    this.model = model;
    this.writer = new RecordWriter<>(schema, model);
  }

  SchemaRegistryClient registry() {
    return registry;
  }

  static String subject(String topic) {
    return topic + "-value";
  }

  byte[] encode(String topic, T value) {
    if (topic == null) {
      throw new SerializationException("the Confluent wire format needs the topic to name the subject");
    }
    byte[] header = headerByTopic.computeIfAbsent(topic,
        t -> ByteBuffer.allocate(HEADER).put(MAGIC).putInt(registry.register(subject(t), schema)).array());
    try {
      return writer.write(header, value);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("cannot encode " + schema.getName() + " for " + topic + ": " + e.getMessage(), e);
    }
  }

  static boolean isConfluent(byte[] bytes) {
    return bytes.length >= HEADER && bytes[0] == MAGIC;
  }

  static int id(byte[] bytes) {
    return ByteBuffer.wrap(bytes, 1, 4).getInt();
  }

  T decode(byte[] bytes) throws IOException {
    int id = id(bytes);
    DatumReader<T> reader = readerById.computeIfAbsent(id,
        i -> new SpecificDatumReader<>(registry.schema(i), schema, model));
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER, null);
    return reader.read(null, decoder);
  }
}
