package io.pagewire.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bug is never a silent drop: with Pagewire's Streams settings ({@link KafkaSettings#streams}),
 * a record whose processing throws, or that cannot be deserialized, is skipped, dead-lettered
 * with the exception, and counted, and the next record is processed.
 */
class DeadLetterHandlersTopologyTest {

  private static final String INPUT = "in";
  private static final String OUTPUT = "out";

  private final MeterRegistry metrics = new SimpleMeterRegistry();
  private final RecordErrors errors = new RecordErrors("test-service");
  private TopologyTestDriver driver;
  private TestInputTopic<String, String> input;
  private TestInputTopic<String, byte[]> rawInput;
  private TestOutputTopic<String, String> output;
  private TestOutputTopic<byte[], byte[]> deadLetters;

  /** Upper-cases values; "boom" is the bug, a value starting with byte 0 does not deserialize. */
  static Topology topology() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.serdeFrom(new StringSerializer(), strict())))
        .mapValues(value -> {
          if (value.equals("boom")) {
            throw new IllegalStateException("a bug met " + value);
          }
          return value.toUpperCase();
        })
        .to(OUTPUT, Produced.with(Serdes.String(), Serdes.String()));
    return builder.build();
  }

  private static Deserializer<String> strict() {
    StringDeserializer plain = new StringDeserializer();
    return (topic, bytes) -> {
      if (bytes != null && bytes.length > 0 && bytes[0] == 0) {
        throw new IllegalArgumentException("not text: starts with byte 0");
      }
      return plain.deserialize(topic, bytes);
    };
  }

  @TempDir
  Path stateDir;

  @BeforeEach
  void startDriver() {
    errors.bindTo(metrics);
    startDriver(KafkaSettings.streams(PagewireConfig.defaults().withKafka("unused:9092", stateDir),
        "dead-letter-test", null));
  }

  private void startDriver(Properties props) {
    if (driver != null) {
      driver.close();
    }
    props.put(RecordErrors.CONFIG, errors);
    driver = new TopologyTestDriver(topology(), props);
    input = driver.createInputTopic(INPUT, new StringSerializer(), new StringSerializer());
    rawInput = driver.createInputTopic(INPUT, new StringSerializer(), Serdes.ByteArray().serializer());
    output = driver.createOutputTopic(OUTPUT, new StringDeserializer(), new StringDeserializer());
    deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(), Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer());
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  @Test
  void shouldSkipDeadLetterAndCountARecordWhoseProcessingThrowsAndProcessTheNext() {
    input.pipeInput("k1", "first");
    input.pipeInput("k2", "boom");
    input.pipeInput("k3", "third");

    assertThat(output.readKeyValuesToList()).extracting(kv -> kv.key + "=" + kv.value)
        .containsExactly("k1=FIRST", "k3=THIRD");
    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead).singleElement().satisfies(letter -> {
      assertThat(text(letter.key())).isEqualTo("k2");
      assertThat(text(letter.value())).isEqualTo("boom");
      assertThat(header(letter.headers(), "__streams.errors.exception")).isEqualTo(IllegalStateException.class.getName());
      assertThat(header(letter.headers(), "__streams.errors.message")).isEqualTo("a bug met boom");
      assertThat(header(letter.headers(), "__streams.errors.stacktrace")).contains("IllegalStateException");
      assertThat(header(letter.headers(), "__streams.errors.topic")).isEqualTo(INPUT);
      assertThat(header(letter.headers(), "__streams.errors.offset")).isEqualTo("1");
    });
    assertThat(count("processing")).isEqualTo(1.0);
    assertThat(count("deserialization")).isZero();
  }

  @Test
  void shouldSkipDeadLetterAndCountARecordThatCannotBeDeserializedAndProcessTheNext() {
    // Streams decodes a record as the driver enqueues it, and under exactly-once the driver then
    // clears what was sent but not yet committed (MockProducer.clear()), this dead letter among it;
    // on a broker it is committed with the transaction. At-least-once shows what the handler sends.
    Properties props = KafkaSettings.streams(PagewireConfig.defaults().withKafka("unused:9092", stateDir),
        "dead-letter-test", null);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    startDriver(props);

    rawInput.pipeInput("k1", new byte[] {0, 1, 2});
    input.pipeInput("k2", "second");

    assertThat(output.readKeyValuesToList()).extracting(kv -> kv.key + "=" + kv.value).containsExactly("k2=SECOND");
    assertThat(deadLetters.readRecordsToList()).singleElement().satisfies(letter -> {
      assertThat(letter.value()).containsExactly(0, 1, 2);
      assertThat(header(letter.headers(), "__streams.errors.message")).isEqualTo("not text: starts with byte 0");
      assertThat(header(letter.headers(), "__streams.errors.partition")).isEqualTo("0");
    });
    assertThat(count("deserialization")).isEqualTo(1.0);
    assertThat(count("processing")).isZero();
  }

  @Test
  void shouldExportTheCountersAtZeroBeforeAnyErrorWithTheServiceTag() {
    assertThat(metrics.find("pagewire.processing.errors").tag("service", "test-service").functionCounters())
        .hasSize(2)
        .allSatisfy(counter -> assertThat(counter.count()).isZero());
  }

  @Test
  void shouldCutAnOversizedMessageHeaderAtACharacterBoundary() {
    byte[] text = ("é".repeat(DeadLetterHandlers.MAX_MESSAGE_BYTES)).getBytes(StandardCharsets.UTF_8);

    byte[] cut = DeadLetterHandlers.cut(text, DeadLetterHandlers.MAX_MESSAGE_BYTES);

    assertThat(cut.length).isLessThanOrEqualTo(DeadLetterHandlers.MAX_MESSAGE_BYTES);
    String decoded = text(cut);
    assertThat(decoded).startsWith("ééé").endsWith("(cut, " + text.length + " bytes in all)").doesNotContain("\uFFFD");
  }

  private double count(String stage) {
    return metrics.get("pagewire.processing.errors").tag("service", "test-service").tag("stage", stage)
        .functionCounter().count();
  }

  private static String header(Headers headers, String key) {
    Header header = headers.lastHeader(key);
    assertThat(header).as("header %s", key).isNotNull();
    return text(header.value());
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
