package io.pagewire.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
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
  private final SpecificDatumWriter<T> writer;
  private final Map<String, Integer> idByTopic = new ConcurrentHashMap<>();
  private final Map<Integer, DatumReader<T>> readerById = new ConcurrentHashMap<>();

  ConfluentWireFormat(SchemaRegistryClient registry, Schema schema, SpecificData model) {
    this.registry = registry;
    this.schema = schema;
    this.model = model;
    this.writer = new SpecificDatumWriter<>(schema, model);
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
    int id = idByTopic.computeIfAbsent(topic, t -> registry.register(subject(t), schema));
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    out.write(MAGIC);
    out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
    try {
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      writer.write(value, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("cannot encode " + schema.getName() + " for " + topic + ": " + e.getMessage(), e);
    }
    return out.toByteArray();
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
