package io.pagewire.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.Topics;
import io.pagewire.testsupport.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus rules for Pagewire itself ({@code deploy/prometheus/pagewire-rules.yml}) watch
 * metrics the running pipeline really exports, and the processing-errors metric they page on
 * counts a record the router cannot read, which lands in the dead-letter topic.
 */
class PagewireRulesIT {

  private static final Path RULES = Path.of("..", "deploy", "prometheus", "pagewire-rules.yml");
  /** Series Prometheus makes itself for every target, not found on /metrics. */
  private static final Set<String> SYNTHETIC = Set.of("up");
  private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
      "group_left", "group_right", "bool", "offset", "inf", "nan");

  @TempDir
  static Path dir;
  private static EmbeddedKafka kafka;
  private static WebhookReceiver receiver;
  private static TestPipeline pipeline;

  @BeforeAll
  static void startPipeline() throws Exception {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    receiver = new WebhookReceiver();
    pipeline = new TestPipeline(kafka, dir.resolve("streams"), PipelineIT.config(receiver, "15m"));
    // One webhook through to a page, so every lazily registered meter (ingest requests) exists.
    assertThat(pipeline.post("/api/v1/alerts/alertmanager", PipelineIT.fixture(1)).statusCode()).isEqualTo(200);
    await("page").atMost(Duration.ofSeconds(60)).until(() -> !receiver.bodies("PAGE").isEmpty());
  }

  @AfterAll
  static void stopPipeline() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {pipeline, receiver, kafka}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void shouldNameOnlyMetricsTheRunningPipelineExports() throws Exception {
    List<JsonNode> rules = rules();
    Set<String> exported = exportedMetricNames(pipeline.get("/metrics").body());

    Set<String> named = new TreeSet<>();
    for (JsonNode rule : rules) {
      named.addAll(metricNames(rule.path("expr").asText()));
    }

    assertThat(named).as("metrics the rules name").contains(
        "pagewire_processing_errors_total", "pagewire_service_ready", "kafka_stream_client_state",
        "kafka_consumer_fetch_manager_records_lag_max");
    named.removeAll(SYNTHETIC);
    assertThat(exported).as("metrics on /metrics").containsAll(named);
  }

  @Test
  void shouldGiveEveryRuleANameAnExpressionASeverityAndASummary() throws Exception {
    assertThat(rules()).isNotEmpty().allSatisfy(rule -> {
      assertThat(rule.path("alert").asText()).as("alert of %s", rule).matches("Pagewire[A-Za-z]+");
      assertThat(rule.path("expr").asText()).as("expr of %s", rule).isNotBlank();
      assertThat(rule.path("labels").path("severity").asText()).as("severity of %s", rule).isEqualTo("critical");
      assertThat(rule.path("labels").path("component").asText()).as("component of %s", rule).isEqualTo("pagewire");
      assertThat(rule.path("annotations").path("summary").asText()).as("summary of %s", rule).isNotBlank();
    });
  }

  @Test
  void shouldDeadLetterAndCountARecordTheRouterCannotReadOnARealBroker() {
    String scrapeBefore = pipeline.get("/metrics").body();
    assertThat(sample(scrapeBefore, "severity-router", "deserialization")).isZero();
    byte[] key = ("garbage-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
        KafkaSettings.producer(pipeline.config, "rules-it"), new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(Topics.ALERTS.name(), key, "not avro".getBytes(StandardCharsets.UTF_8)));
    }

    await("counted").atMost(Duration.ofSeconds(60))
        .until(() -> sample(pipeline.get("/metrics").body(), "severity-router", "deserialization") == 1.0);
    ConsumerRecord<byte[], byte[]> letter = deadLetter(key);
    assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
    assertThat(letter.headers().lastHeader("__streams.errors.exception")).isNotNull();
    assertThat(new String(letter.headers().lastHeader("__streams.errors.topic").value(), StandardCharsets.UTF_8))
        .isEqualTo(Topics.ALERTS.name());
  }

  private static List<JsonNode> rules() throws Exception {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
    List<JsonNode> rules = new ArrayList<>();
    root.path("groups").forEach(group -> group.path("rules").forEach(rules::add));
    return rules;
  }

  /** The metric names in a PromQL expression: identifiers that are not functions, keywords or label names. */
  static Set<String> metricNames(String expr) {
    String bare = expr
        .replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")          // string literals
        .replaceAll("\\{[^}]*}", "")                              // label matchers
        .replaceAll("\\[[^]]*]", "")                              // range selectors
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " "); // label lists
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\b(\\s*\\()?").matcher(bare);
    while (m.find()) {
      if (m.group(2) == null && !PROMQL_WORDS.contains(m.group(1).toLowerCase())) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  private static Set<String> exportedMetricNames(String scrape) {
    Set<String> names = new TreeSet<>();
    scrape.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
        .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
    return names;
  }

  private static double sample(String scrape, String service, String stage) {
    return scrape.lines()
        .filter(line -> line.startsWith("pagewire_processing_errors_total{") && line.contains("service=\"" + service + "\"")
            && line.contains("stage=\"" + stage + "\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .findFirst().orElseThrow(() -> new AssertionError("no pagewire_processing_errors_total for " + service));
  }

  private static ConsumerRecord<byte[], byte[]> deadLetter(byte[] key) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
        KafkaSettings.consumer(pipeline.config, "rules-it", "rules-it-" + UUID.randomUUID()),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = IntStream.range(0, pipeline.config.topics().partitions())
          .mapToObj(p -> new TopicPartition(Topics.DEAD_LETTERS.name(), p)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
      await("dead letter").atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (r.key() != null && java.util.Arrays.equals(r.key(), key)) {
            found.add(r);
          }
        });
        return !found.isEmpty();
      });
      return found.get(0);
    }
  }
}
