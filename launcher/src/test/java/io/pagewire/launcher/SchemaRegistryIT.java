package io.pagewire.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.Topics;
import io.pagewire.testsupport.TopicReader;
import io.pagewire.testsupport.WebhookReceiver;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline in registry mode against a real Apicurio Registry (its Confluent-compatible
 * API): every value on the topics is in the Confluent wire format with a schema the registry
 * holds under {@code <topic>-value}, BACKWARD_TRANSITIVE, and a plain reader that knows nothing
 * of Pagewire decodes a topic from the registry's REST answers alone.
 */
class SchemaRegistryIT {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  /** The first webhook of a group takes the urgent lane: its first firing alert is on pagewire.alerts-urgent. */
  private static final List<String> WRITTEN = List.of(Topics.ALERTS_URGENT.name(), Topics.INCIDENT_EVENTS.name(),
      Topics.INCIDENT_TIMELINE.name(), Topics.NOTIFICATION_REQUESTS.name(), Topics.NOTIFICATION_RECEIPTS.name(),
      Topics.INCIDENT_STATUS.name());

  @AfterEach
  void backToTheEmbeddedEncoding() {
    KafkaSettings.wireFormat(null);
  }

  @Test
  void shouldRunThePipelineInTheConfluentWireFormatWithSchemasInARealRegistry(@TempDir Path dir) throws Exception {
    try (ApicurioRegistry registry = ApicurioRegistry.start(dir.resolve("apicurio.log"));
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        WebhookReceiver receiver = new WebhookReceiver();
        TestPipeline pipeline = new TestPipeline(kafka, dir.resolve("streams"),
            "kafka:\n  schemaRegistry: {url: \"" + registry.ccompat() + "\"}\n" + PipelineIT.config(receiver, "15m"))) {

      assertThat(pipeline.post("/api/v1/alerts/alertmanager", PipelineIT.fixture(1)).statusCode()).isEqualTo(200);
      JsonNode opened = await("checkout incident").atMost(PATIENCE)
          .until(() -> PipelineIT.incident(pipeline, "p99 above 500ms"), i -> i != null);
      String id = opened.path("id").asText();
      await("level-1 page").atMost(PATIENCE).until(() -> receiver.bodies("PAGE").stream()
          .anyMatch(p -> p.path("incidentId").asText().equals(id)));

      Map<String, List<ConsumerRecord<byte[], byte[]>>> records = new HashMap<>();
      for (String topic : WRITTEN) {
        try (TopicReader<byte[], byte[]> reader = TopicReader.raw(pipeline.config, topic)) {
          await(topic + " written").atMost(PATIENCE).until(() -> !reader.poll().isEmpty() || !reader.records().isEmpty());
          reader.poll();
          records.put(topic, reader.records());
        }
      }
      List<String> subjects = new ArrayList<>();
      registry.get("subjects").forEach(s -> subjects.add(s.asText()));
      for (String topic : WRITTEN) {
        assertThat(subjects).as("subjects").contains(topic + "-value");
        assertThat(registry.get("config/" + topic + "-value").path("compatibilityLevel").asText())
            .as(topic).isEqualTo("BACKWARD_TRANSITIVE");
        int registered = registry.get("subjects/" + topic + "-value/versions/latest").path("id").asInt();
        assertThat(records.get(topic)).as(topic).allSatisfy(r -> {
          assertThat(r.value()[0]).as("magic byte").isEqualTo((byte) 0);
          assertThat(ByteBuffer.wrap(r.value(), 1, 4).getInt()).as("schema id").isEqualTo(registered);
        });
      }

      // A reader with nothing of Pagewire: the id from the bytes, the schema from the registry, Avro binary.
      Map<Integer, Schema> schemas = new HashMap<>();
      List<String> types = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : records.get(Topics.INCIDENT_TIMELINE.name())) {
        int schemaId = ByteBuffer.wrap(r.value(), 1, 4).getInt();
        Schema writer = schemas.computeIfAbsent(schemaId,
            i -> new Schema.Parser().parse(registry.get("schemas/ids/" + i).path("schema").asText()));
        GenericRecord event = new GenericDatumReader<GenericRecord>(writer)
            .read(null, DecoderFactory.get().binaryDecoder(r.value(), 5, r.value().length - 5, null));
        assertThat(event.get("incidentId").toString()).isEqualTo(new String(r.key(), StandardCharsets.UTF_8));
        if (event.get("incidentId").toString().equals(id)) {
          types.add(event.get("type").toString());
        }
      }
      assertThat(types).startsWith("OPENED").contains("PAGED");

      // The registry holds Pagewire to its rule: a change that old records cannot satisfy is refused.
      var refused = registry.post("subjects/" + Topics.ALERTS_URGENT.name() + "-value/versions",
          "{\"schema\": " + Json.quote("{\"type\":\"record\",\"name\":\"Alert\",\"namespace\":\"io.pagewire.schemas\","
              + "\"fields\":[{\"name\":\"mandatory\",\"type\":\"string\"}]}") + "}");
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
    }
  }

  /** JSON string quoting for the request body. */
  private static final class Json {
    static String quote(String s) {
      try {
        return io.pagewire.platform.http.Json.MAPPER.writeValueAsString(s);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
