package io.pagewire.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bytes of registry mode, checked the way Confluent's {@code KafkaAvroDeserializer} reads
 * them: magic byte 0, a 4-byte big-endian id that the registry's {@code GET /schemas/ids/{id}}
 * resolves, then Avro binary of that writer schema. The registry here is a small real HTTP server
 * answering the four Schema Registry calls; the IT runs against Apicurio Registry.
 */
class ConfluentWireFormatTest {

  /** Ids start at 0x01020304 so a little-endian or shifted id cannot pass. */
  private static final int FIRST_ID = 0x01020304;
  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpServer server;
  private final Map<Integer, String> schemas = new ConcurrentHashMap<>();
  private final Map<String, String> compatibility = new ConcurrentHashMap<>();
  private final List<String> calls = new ArrayList<>();
  private volatile int refuseWith;

  @BeforeEach
  void startRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::answer);
    server.start();
    AvroSerde.useRegistry(new SchemaRegistryClient(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort()), null, null, Duration.ofSeconds(5)));
  }

  @AfterEach
  void stopRegistry() {
    AvroSerde.useRegistry(null);
    server.stop(0);
  }

  @Test
  void shouldWriteMagicByteThenTheBigEndianRegistryIdThenAvroBinaryOfTheWriterSchema() throws Exception {
    Alert alert = AvroSerdeTest.alert();

    byte[] bytes = AvroSerde.of(Alert.class).serializer().serialize("pagewire.alerts", alert);

    assertThat(bytes[0]).isEqualTo((byte) 0);
    assertThat(Arrays.copyOfRange(bytes, 1, 5)).containsExactly(0x01, 0x02, 0x03, 0x04);
    assertThat(calls).containsExactly("PUT /config/pagewire.alerts-value", "POST /subjects/pagewire.alerts-value/versions");
    assertThat(compatibility).containsEntry("pagewire.alerts-value", "BACKWARD_TRANSITIVE");
    // What a Confluent deserializer does: id -> writer schema from the registry -> Avro binary.
    Schema writer = new Schema.Parser().parse(schemas.get(ByteBuffer.wrap(bytes, 1, 4).getInt()));
    assertThat(writer).isEqualTo(Alert.getClassSchema());
    GenericRecord read = new GenericDatumReader<GenericRecord>(writer)
        .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    assertThat(read.get("fingerprint").toString()).isEqualTo("c75f68922c9ebc87");
    assertThat(read.get("status").toString()).isEqualTo("FIRING");
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(plain, null);
    new org.apache.avro.specific.SpecificDatumWriter<Alert>(writer).write(alert, encoder);
    encoder.flush();
    assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).as("plain Avro binary, nothing else").isEqualTo(plain.toByteArray());
  }

  @Test
  void shouldRegisterOncePerTopicAndReadItsOwnRecordsBack() {
    AvroSerde<Alert> serde = AvroSerde.of(Alert.class);
    byte[] first = serde.serializer().serialize("pagewire.alerts", AvroSerdeTest.alert());
    serde.serializer().serialize("pagewire.alerts", AvroSerdeTest.alert());
    byte[] inhibiting = serde.serializer().serialize("pagewire.inhibiting-alerts", AvroSerdeTest.alert());

    assertThat(calls).filteredOn(c -> c.startsWith("POST")).containsExactly(
        "POST /subjects/pagewire.alerts-value/versions", "POST /subjects/pagewire.inhibiting-alerts-value/versions");
    assertThat(serde.deserializer().deserialize("pagewire.alerts", first)).isEqualTo(AvroSerdeTest.alert());
    assertThat(serde.deserializer().deserialize("pagewire.inhibiting-alerts", inhibiting)).isEqualTo(AvroSerdeTest.alert());
  }

  @Test
  void shouldReadARecordWrittenByAnotherProducerWithAnOlderSchemaVersionResolvedByItsId() throws Exception {
    Schema v1 = ReleasedSchemas.get().versions(TimelineEvent.class).get(0);
    schemas.put(7, v1.toString());
    GenericRecord old = new GenericData.Record(v1);
    old.put("eventId", "inc-1/opened");
    old.put("incidentId", "inc-1");
    old.put("type", new GenericData.EnumSymbol(v1.getField("type").schema(), "OPENED"));
    old.put("actor", null);
    old.put("level", null);
    old.put("detail", "P1 Disk");
    old.put("at", Instant.parse("2024-03-04T10:00:00Z").toEpochMilli());
    ByteArrayOutputStream confluent = new ByteArrayOutputStream();
    confluent.write(0);
    confluent.write(ByteBuffer.allocate(4).putInt(7).array());
    confluent.write(binary(v1, old));

    TimelineEvent event = AvroSerde.of(TimelineEvent.class).deserializer()
        .deserialize("pagewire.incident-timeline", confluent.toByteArray());

    assertThat(event.getIncidentId()).isEqualTo("inc-1");
    assertThat(event.getType()).isEqualTo(TimelineEventType.OPENED);
    assertThat(event.getAt()).isEqualTo(Instant.parse("2024-03-04T10:00:00Z"));
    assertThat(event.getPriority()).isNull(); // a field v1 did not have: its default
    assertThat(calls).containsExactly("GET /schemas/ids/7");
  }

  @Test
  void shouldStillReadTheEmbeddedEncodingSoATopicSwitchedToTheRegistryStaysReadable() {
    AvroSerde<Alert> serde = AvroSerde.of(Alert.class);
    byte[] embedded = serde.encode(AvroSerdeTest.alert());

    assertThat(serde.deserializer().deserialize("pagewire.alerts", embedded)).isEqualTo(AvroSerdeTest.alert());
  }

  @Test
  void shouldRefuseAConfluentRecordWhenNoRegistryIsConfigured() {
    AvroSerde<Alert> serde = AvroSerde.of(Alert.class);
    byte[] bytes = serde.serializer().serialize("pagewire.alerts", AvroSerdeTest.alert());
    AvroSerde.useRegistry(null);

    assertThatThrownBy(() -> serde.deserializer().deserialize("pagewire.alerts", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("schema id " + FIRST_ID)
        .hasMessageContaining("kafka.schemaRegistry.url");
  }

  @Test
  void shouldFailTheWriteWithTheRegistrysAnswerWhenItRefusesTheSchema() {
    refuseWith = 409;

    assertThatThrownBy(() -> AvroSerde.of(Alert.class).serializer().serialize("pagewire.alerts", AvroSerdeTest.alert()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("answered 409")
        .hasMessageContaining("incompatible");
  }

  private static byte[] binary(Schema schema, GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private void answer(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    synchronized (calls) {
      calls.add(method + " " + path);
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    int status = 200;
    Object answer;
    if (method.equals("PUT") && path.startsWith("/config/")) {
      String level = JSON.readTree(body).path("compatibility").asText();
      compatibility.put(path.substring("/config/".length()), level);
      answer = Map.of("compatibility", level);
    } else if (method.equals("POST") && path.startsWith("/subjects/") && path.endsWith("/versions")) {
      if (refuseWith != 0) {
        status = refuseWith;
        answer = Map.of("error_code", 409, "message", "Schema being registered is incompatible with an earlier schema");
      } else {
        String schema = JSON.readTree(body).path("schema").asText();
        int id = schemas.entrySet().stream().filter(e -> e.getValue().equals(schema)).map(Map.Entry::getKey)
            .findFirst().orElseGet(() -> {
              int next = FIRST_ID + schemas.size();
              schemas.put(next, schema);
              return next;
            });
        answer = Map.of("id", id);
      }
    } else if (method.equals("GET") && path.startsWith("/schemas/ids/")) {
      String schema = schemas.get(Integer.parseInt(path.substring("/schemas/ids/".length())));
      status = schema != null ? 200 : 404;
      answer = schema != null ? Map.of("schema", schema) : Map.of("error_code", 40403, "message", "Schema not found");
    } else {
      status = 404;
      answer = Map.of("error_code", 404, "message", "no such call");
    }
    JsonNode json = JSON.valueToTree(answer);
    byte[] out = JSON.writeValueAsBytes(json);
    exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(status, out.length);
    exchange.getResponseBody().write(out);
    exchange.close();
  }

}
