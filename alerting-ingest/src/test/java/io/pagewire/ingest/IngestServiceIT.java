package io.pagewire.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.ingest.alertmanager.Fixtures;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.config.Secret;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.kafka.TopicAdmin;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.Topics;
import io.pagewire.testsupport.FreePorts;
import io.pagewire.testsupport.TopicReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The webhook end to end: a real HTTP server with the ingest route, a real broker, and a
 * read_committed consumer of {@code pagewire.alerts}.
 */
class IngestServiceIT {

  private static final long MAX_BODY_BYTES = 16 * 1024;
  private static final String TOKEN = "s3cret-token";
  private static final String USER = "alertmanager";
  private static final String PASSWORD = "s3cret-password";

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static EmbeddedKafka kafka;
  private static MeterRegistry metrics;
  private static IngestService service;
  private static HttpApi openApi;
  private static HttpApi bearerApi;
  private static HttpApi basicApi;
  private static TopicReader<String, Alert> alertsTopic;

  @BeforeAll
  static void startBrokerAndApis() throws IOException {
    kafka = EmbeddedKafka.startTemporary();
    PagewireConfig config = config(kafka.bootstrapServers(), Duration.ofSeconds(10), new PagewireConfig.Auth(null, null, null));
    TopicAdmin.ensureTopics(config);
    metrics = new SimpleMeterRegistry();
    service = new IngestService(config, metrics);
    service.start();
    openApi = startApi(config.http(), service);
    bearerApi = startApi(config(kafka.bootstrapServers(), Duration.ofSeconds(10),
        new PagewireConfig.Auth(Secret.of(TOKEN), null, null)).http(), service);
    basicApi = startApi(config(kafka.bootstrapServers(), Duration.ofSeconds(10),
        new PagewireConfig.Auth(null, USER, Secret.of(PASSWORD))).http(), service);

    alertsTopic = TopicReader.lanes(config, Topics.ALERT_LANES);
  }

  @AfterAll
  static void stopEverything() {
    for (AutoCloseable c : new AutoCloseable[] {openApi, bearerApi, basicApi, service, alertsTopic, kafka}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }

  static PagewireConfig config(String bootstrap, Duration ackTimeout, PagewireConfig.Auth auth) throws IOException {
    return PagewireConfig.defaults()
        .withKafka(bootstrap, Files.createTempDirectory("ingest-it-state"))
        .withHttp(new PagewireConfig.Http("127.0.0.1", 0, MAX_BODY_BYTES, auth, null))
        .withIngest(new PagewireConfig.Ingest(ackTimeout, null, MAX_BODY_BYTES));
  }

  static HttpApi startApi(PagewireConfig.Http http, IngestService ingest) throws IOException {
    HttpApi api = new HttpApi(http);
    ingest.routes(api);
    api.start();
    return api;
  }

  // ---- 200 ----

  @Test
  void shouldAnswer200OnlyWithEveryAlertInKafkaKeyedByFingerprint() throws Exception {
    double alertsBefore = metrics.counter("pagewire.ingest.alerts").count();
    double okBefore = metrics.counter("pagewire.ingest.requests", "status", "200").count();

    HttpResponse<String> response = post(openApi, Fixtures.bytes("alertmanager-0.25-3-one-resolved-one-firing.json"), Map.of());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = Json.MAPPER.readTree(response.body());
    String requestId = body.get("requestId").asText();
    assertThat(body.get("accepted").asInt()).isEqualTo(2);
    assertThat(requestId).isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());

    List<ConsumerRecord<String, Alert>> records = recordsOf(requestId, 2);
    assertThat(records).extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrder("c75f68922c9ebc87", "158b4cbced280641");
    assertThat(records).allSatisfy(r -> {
      assertThat(r.value().getFingerprint()).isEqualTo(r.key());
      assertThat(r.value().getReceiver()).isEqualTo("webhook");
      assertThat(r.value().getExternalUrl()).isEqualTo("http://vm:19093");
      assertThat(r.value().getReceivedAt()).isNotNull();
    });
    Alert resolved = records.stream().map(ConsumerRecord::value)
        .filter(a -> a.getFingerprint().equals("c75f68922c9ebc87")).findFirst().orElseThrow();
    assertThat(resolved.getStatus()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(resolved.getLabels()).containsEntry("service", "checkout");
    assertThat(resolved.getEndsAt()).isEqualTo(Instant.parse("2026-11-22T20:14:32.175Z"));

    assertThat(metrics.counter("pagewire.ingest.alerts").count()).isEqualTo(alertsBefore + 2);
    assertThat(metrics.counter("pagewire.ingest.requests", "status", "200").count()).isEqualTo(okBefore + 1);
    assertThat(metrics.timer("pagewire.ingest.ack.latency").count()).isPositive();
  }

  static Stream<String> fixtures() {
    return Fixtures.ALL.stream();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void shouldAcceptEveryCapturedAlertmanagerWebhook(String fixture) throws Exception {
    int sent = Fixtures.tree(fixture).get("alerts").size();

    HttpResponse<String> response = post(openApi, Fixtures.bytes(fixture), Map.of("User-Agent", "Alertmanager/0.25.0"));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = Json.MAPPER.readTree(response.body());
    assertThat(body.get("accepted").asInt()).isEqualTo(sent);
    assertThat(recordsOf(body.get("requestId").asText(), sent)).hasSize(sent);
  }

  @Test
  void shouldAcceptAWebhookWithZeroAlerts() throws Exception {
    HttpResponse<String> response = post(openApi, "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[]}", Map.of());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(response.body()).get("accepted").asInt()).isZero();
  }

  @Test
  void shouldIgnoreFieldsOfNewerAlertmanagers() throws Exception {
    String body = """
        {"version":"4","notification_reason":"new_alerts","routeLabels":{"team":"db"},"groupKey":"{}:{}",
         "receiver":"webhook","status":"firing","future":{"nested":[1,2]},
         "alerts":[{"status":"firing","labels":{"alertname":"DiskFull","instance":"db-1"},"annotations":{},
                    "startsAt":"2026-11-22T20:14:18.295186559Z","endsAt":"0001-01-01T00:00:00Z",
                    "generatorURL":"","fingerprint":"aaaabbbbccccdddd","silencedBy":[],"newField":true}]}
        """;

    HttpResponse<String> response = post(openApi, body, Map.of());

    assertThat(response.statusCode()).isEqualTo(200);
    String requestId = Json.MAPPER.readTree(response.body()).get("requestId").asText();
    assertThat(recordsOf(requestId, 1)).singleElement()
        .satisfies(r -> assertThat(r.key()).isEqualTo("aaaabbbbccccdddd"));
  }

  // ---- 400 ----

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      {"alerts": [                                                           | body: is not valid JSON
      {"receiver":"webhook"}                                                 | alerts: is missing
      {"alerts":"none"}                                                      | alerts: expected an array
      {"alerts":[{"labels":{"port":9090},"startsAt":"2026-11-22T20:00:00Z"}]} | alerts[0].labels.port: expected a string
      {"alerts":[{"labels":{"a":"b"},"startsAt":"yesterday"}]}               | alerts[0].startsAt: "yesterday" is not an RFC 3339 timestamp
      """)
  void shouldAnswer400NamingTheProblemForABodyThatCanNeverBeValid(String body, String problem) throws Exception {
    double before = metrics.counter("pagewire.ingest.requests", "status", "400").count();

    HttpResponse<String> response = post(openApi, body.strip(), Map.of());

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = Json.MAPPER.readTree(response.body());
    assertThat(error.get("error").asText()).isEqualTo("invalid_payload");
    assertThat(error.get("message").asText()).startsWith(problem);
    assertThat(error.get("requestId").asText()).isNotBlank();
    assertThat(metrics.counter("pagewire.ingest.requests", "status", "400").count()).isEqualTo(before + 1);
  }

  @Test
  void shouldAnswer400NamingTheFieldAndTheLimitForAnAlertBeyondTheIngestLimits() throws Exception {
    double alertsBefore = metrics.counter("pagewire.ingest.alerts").count();
    String body = "{\"version\":\"4\",\"alerts\":["
        + "{\"labels\":{\"alertname\":\"A\"},\"startsAt\":\"2026-11-22T20:00:00Z\"},"
        + "{\"labels\":{\"alertname\":\"B\",\"instance\":\"" + "x".repeat(3_000) + "\"},"
        + "\"startsAt\":\"2026-11-22T20:00:00Z\"}]}";

    HttpResponse<String> response = post(openApi, body, Map.of());

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = Json.MAPPER.readTree(response.body());
    assertThat(error.get("error").asText()).isEqualTo("invalid_payload");
    assertThat(error.get("message").asText()).isEqualTo(
        "alerts[1].labels.instance: is 3000 bytes, over the limit of 2048 bytes (ingest.limits.maxLabelValueBytes)");
    assertThat(error.get("requestId").asText()).isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
    assertThat(metrics.counter("pagewire.ingest.alerts").count()).as("no alert of the webhook is accepted")
        .isEqualTo(alertsBefore);
  }

  // ---- a whole Alertmanager group ----

  /**
   * Alertmanager sends a group in one webhook (with {@code max_alerts: 0}, the default) and drops
   * it for good when answered 4xx. 10,000 alerts shaped like this body measured 7,207,054 bytes as
   * Alertmanager 0.25 sent them; the default {@code ingest.maxBodyBytes} (32 MiB) takes them.
   */
  @Test
  void shouldAcceptAGroupOfTenThousandAlertsWithTheDefaultLimits() throws Exception {
    PagewireConfig defaults = PagewireConfig.defaults()
        .withKafka(kafka.bootstrapServers(), Files.createTempDirectory("ingest-it-group"));
    try (IngestService group = new IngestService(defaults, new SimpleMeterRegistry());
         HttpApi api = new HttpApi(defaults.http().withPort(0))) {
      group.routes(api);
      group.start();
      api.start();
      byte[] body = tenThousandAlerts();

      HttpResponse<String> response = post(api, body, Map.of());

      assertThat(body.length).isGreaterThan(7_000_000);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(Json.MAPPER.readTree(response.body()).get("accepted").asInt()).isEqualTo(10_000);
    }
  }

  private static byte[] tenThousandAlerts() {
    StringBuilder body = new StringBuilder("{\"receiver\":\"pagewire\",\"status\":\"firing\",\"alerts\":[");
    for (int i = 0; i < 10_000; i++) {
      body.append(i > 0 ? "," : "").append("""
          {"status":"firing","labels":{"alertname":"HighCPU","instance":"host-%1$d.prod.example.com:9100","job":"node",\
          "namespace":"prod","pod":"checkout-7d9f8b6c5-%1$05d","service":"checkout","severity":"warning"},\
          "annotations":{"description":"CPU usage on host-%1$d.prod.example.com:9100 has been above 90%% for 5 minutes.",\
          "runbook_url":"https://runbooks.example.com/node/high-cpu","summary":"CPU above 90%% on host-%1$d"},\
          "startsAt":"2026-12-01T23:00:00.000Z","endsAt":"0001-01-01T00:00:00Z",\
          "generatorURL":"http://prometheus.example.com:9090/graph?g0.expr=100+-+%%28avg+by%%28instance%%29+%%28rate%%28node_cpu_seconds_total%%7Bmode%%3D%%22idle%%22%%7D%%5B5m%%5D%%29%%29+%%2A+100%%29+%%3E+90&g0.tab=1",\
          "fingerprint":"%2$016x"}""".formatted(i, i + 1));
    }
    body.append("],\"groupLabels\":{\"alertname\":\"HighCPU\"},\"commonLabels\":{\"alertname\":\"HighCPU\"},")
        .append("\"commonAnnotations\":{},\"externalURL\":\"http://alertmanager:9093\",\"version\":\"4\",")
        .append("\"groupKey\":\"{}:{alertname=\\\"HighCPU\\\"}\",\"truncatedAlerts\":0}");
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  // ---- 413 ----

  @Test
  void shouldAnswer413WhenTheDeclaredBodyIsOverMaxBodyBytes() throws Exception {
    HttpResponse<String> response = post(openApi, oversizedWebhook(), Map.of());

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(Json.MAPPER.readTree(response.body()).get("error").asText()).isEqualTo("payload_too_large");
  }

  @Test
  void shouldAnswer413WhenAChunkedBodyGrowsOverMaxBodyBytes() throws Exception {
    byte[] body = oversizedWebhook().getBytes(StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(uri(openApi))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
        .build();

    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(413);
  }

  private static String oversizedWebhook() {
    return "{\"alerts\":[{\"labels\":{\"a\":\"b\"},\"annotations\":{\"description\":\""
        + "x".repeat((int) MAX_BODY_BYTES) + "\"},\"startsAt\":\"2026-11-22T20:00:00Z\"}]}";
  }

  // ---- 401 ----

  @ParameterizedTest
  @CsvSource(nullValues = "none", value = {
      "bearer, none",
      "bearer, Bearer wrong-token",
      "bearer, Basic YWxlcnRtYW5hZ2VyOnMzY3JldC1wYXNzd29yZA==",
      "basic,  none",
      "basic,  Basic YWxlcnRtYW5hZ2VyOndyb25n",
      "basic,  Bearer s3cret-token"})
  void shouldAnswer401WithoutValidCredentials(String scheme, String authorization) throws Exception {
    HttpApi api = scheme.equals("bearer") ? bearerApi : basicApi;

    HttpResponse<String> response = post(api, Fixtures.bytes("alertmanager-0.25-1-firing-one-critical.json"),
        authorization == null ? Map.of() : Map.of("Authorization", authorization));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(Json.MAPPER.readTree(response.body()).get("error").asText()).isEqualTo("unauthorized");
    assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(response.body()).doesNotContain(TOKEN, PASSWORD);
  }

  @Test
  void shouldAccept200WithTheRightBearerToken() throws Exception {
    HttpResponse<String> response = post(bearerApi, Fixtures.bytes("alertmanager-0.25-1-firing-one-critical.json"),
        Map.of("Authorization", "Bearer " + TOKEN));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(response.body()).get("accepted").asInt()).isEqualTo(1);
  }

  @Test
  void shouldAccept200WithTheRightBasicCredentials() throws Exception {
    String credentials = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> response = post(basicApi, Fixtures.bytes("alertmanager-0.25-1-firing-one-critical.json"),
        Map.of("Authorization", "Basic " + credentials));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(response.body()).get("accepted").asInt()).isEqualTo(1);
  }

  // ---- 503 and readiness ----

  @Test
  void shouldBeReadyOnceItHasFetchedTheAlertsTopicMetadata() {
    await().atMost(Duration.ofSeconds(30)).until(service::ready);
  }

  @Test
  void shouldAnswer503WithinTheAckTimeoutWhenKafkaDoesNotAcknowledge() throws Exception {
    Duration ackTimeout = Duration.ofSeconds(1);
    PagewireConfig unreachable = config("127.0.0.1:" + unusedPort(), ackTimeout, new PagewireConfig.Auth(null, null, null));
    double before = metrics.counter("pagewire.ingest.requests", "status", "503").count();
    try (IngestService cutOff = new IngestService(unreachable, metrics)) {
      cutOff.start();
      try (HttpApi api = startApi(unreachable.http(), cutOff)) {
        long started = System.nanoTime();
        HttpResponse<String> response = post(api, webhookOf(5), Map.of());
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode error = Json.MAPPER.readTree(response.body());
        assertThat(error.get("error").asText()).isEqualTo("kafka_unavailable");
        assertThat(error.get("message").asText()).contains("Alertmanager will retry");
        // The bound covers the whole webhook, not each of its five records.
        assertThat(took).isGreaterThanOrEqualTo(ackTimeout).isLessThan(ackTimeout.multipliedBy(5).dividedBy(2));
        assertThat(cutOff.ready()).isFalse();
        assertThat(metrics.counter("pagewire.ingest.requests", "status", "503").count()).isEqualTo(before + 1);
      }
    }
  }

  private static String webhookOf(int alerts) {
    return IntStream.range(0, alerts)
        .mapToObj(i -> "{\"labels\":{\"alertname\":\"A\",\"i\":\"" + i + "\"},\"startsAt\":\"2026-11-22T20:00:00Z\"}")
        .collect(Collectors.joining(",", "{\"version\":\"4\",\"alerts\":[", "]}"));
  }

  private static int unusedPort() {
    return FreePorts.next();
  }

  // ---- helpers ----

  private static URI uri(HttpApi api) {
    return URI.create("http://127.0.0.1:" + api.port() + IngestService.ROUTE);
  }

  private static HttpResponse<String> post(HttpApi api, String body, Map<String, String> headers) throws Exception {
    return post(api, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  private static HttpResponse<String> post(HttpApi api, byte[] body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(api))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The records of one webhook, read with the read_committed consumer, once {@code expected} of them arrived. */
  private static List<ConsumerRecord<String, Alert>> recordsOf(String requestId, int expected) {
    await().atMost(Duration.ofSeconds(30)).until(() -> matching(requestId).size() >= expected);
    return matching(requestId);
  }

  private static List<ConsumerRecord<String, Alert>> matching(String requestId) {
    return alertsTopic.records().stream().filter(r -> r.value().getRequestId().equals(requestId)).toList();
  }
}
