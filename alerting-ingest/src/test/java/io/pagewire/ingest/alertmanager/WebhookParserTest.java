package io.pagewire.ingest.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.platform.config.PagewireConfig.IngestLimits;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

class WebhookParserTest {

  private static final Instant RECEIVED = Instant.parse("2026-11-22T20:20:00.123456Z");
  private static final String REQUEST_ID = "req-1";

  private static List<Alert> parse(String json) throws InvalidWebhookException {
    return WebhookParser.parse(json.getBytes(StandardCharsets.UTF_8), RECEIVED, REQUEST_ID);
  }

  /** A minimal valid webhook around one alert object. */
  private static String webhook(String alertJson) {
    return "{\"version\":\"4\",\"alerts\":[" + alertJson + "]}";
  }

  @Test
  void shouldReadEveryFieldOfAFiringAlertmanagerAlert() throws Exception {
    List<Alert> alerts = WebhookParser.parse(
        Fixtures.bytes("alertmanager-0.25-1-firing-one-critical.json"), RECEIVED, REQUEST_ID);

    assertThat(alerts).hasSize(1);
    Alert alert = alerts.get(0);
    assertThat(alert.getFingerprint()).isEqualTo("c75f68922c9ebc87");
    assertThat(alert.getStatus()).isEqualTo(AlertStatus.FIRING);
    assertThat(alert.getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "alertname", "HighLatency", "service", "checkout", "severity", "critical"));
    assertThat(alert.getAnnotations()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "runbook", "http://runbooks.local/high-latency", "summary", "p99 above 500ms"));
    assertThat(alert.getStartsAt()).isEqualTo(Instant.parse("2026-11-22T20:14:18.295Z"));
    assertThat(alert.getEndsAt()).as("Go's zero time means no end").isNull();
    assertThat(alert.getGeneratorUrl()).isEmpty();
    assertThat(alert.getReceiver()).isEqualTo("webhook");
    assertThat(alert.getExternalUrl()).isEqualTo("http://vm:19093");
    assertThat(alert.getReceivedAt()).isEqualTo(Instant.parse("2026-11-22T20:20:00.123Z"));
    assertThat(alert.getRequestId()).isEqualTo(REQUEST_ID);
  }

  @Test
  void shouldKeepPerAlertStatusWhenTheGroupIsStillFiring() throws Exception {
    List<Alert> alerts = WebhookParser.parse(
        Fixtures.bytes("alertmanager-0.25-3-one-resolved-one-firing.json"), RECEIVED, REQUEST_ID);

    assertThat(alerts).extracting(Alert::getFingerprint, Alert::getStatus, Alert::getEndsAt).containsExactly(
        tuple("c75f68922c9ebc87", AlertStatus.RESOLVED, Instant.parse("2026-11-22T20:14:32.175Z")),
        tuple("158b4cbced280641", AlertStatus.FIRING, null));
    assertThat(alerts.get(1).getGeneratorUrl()).isEqualTo("http://pipeline.local/rule/42");
  }

  static Stream<String> fixtures() {
    return Fixtures.ALL.stream();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void shouldTurnEveryCapturedWebhookIntoOneAlertPerEntryInOrder(String fixture) throws Exception {
    JsonNode sent = Fixtures.tree(fixture);
    List<Alert> alerts = WebhookParser.parse(Fixtures.bytes(fixture), RECEIVED, REQUEST_ID);

    assertThat(alerts).hasSize(sent.get("alerts").size());
    for (int i = 0; i < alerts.size(); i++) {
      JsonNode expected = sent.get("alerts").get(i);
      Alert alert = alerts.get(i);
      assertThat(alert.getFingerprint()).isEqualTo(expected.get("fingerprint").asText());
      assertThat(alert.getStatus().name().toLowerCase()).isEqualTo(expected.get("status").asText());
      assertThat(alert.getLabels()).hasSize(expected.get("labels").size());
      assertThat(alert.getStartsAt()).isEqualTo(
          Instant.parse(expected.get("startsAt").asText()).truncatedTo(ChronoUnit.MILLIS));
      assertThat(alert.getExternalUrl()).isEqualTo(sent.get("externalURL").asText());
    }
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void shouldComputeTheSameFingerprintAsAlertmanager(String fixture) throws Exception {
    for (JsonNode sent : Fixtures.tree(fixture).get("alerts")) {
      Map<String, String> labels = new LinkedHashMap<>();
      sent.get("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));

      assertThat(WebhookParser.fingerprintOf(labels)).isEqualTo(sent.get("fingerprint").asText());
    }
  }

  @Test
  void shouldComputeAFingerprintIndependentOfLabelOrderWhenTheClientSendsNone() throws Exception {
    Alert forward = parse(webhook("{\"labels\":{\"a\":\"1\",\"b\":\"2\"},\"startsAt\":\"2026-11-22T20:00:00Z\"}")).get(0);
    Alert backward = parse(webhook("{\"labels\":{\"b\":\"2\",\"a\":\"1\"},\"startsAt\":\"2026-11-22T20:00:00Z\"}")).get(0);
    Alert other = parse(webhook("{\"labels\":{\"a\":\"1\",\"b\":\"3\"},\"startsAt\":\"2026-11-22T20:00:00Z\"}")).get(0);

    assertThat(forward.getFingerprint()).matches("[0-9a-f]{16}").isEqualTo(backward.getFingerprint());
    assertThat(other.getFingerprint()).isNotEqualTo(forward.getFingerprint());
    assertThat(forward.getFingerprint()).isEqualTo(WebhookParser.fingerprintOf(new TreeMap<>(Map.of("a", "1", "b", "2"))));
  }

  @Test
  void shouldIgnoreFieldsItDoesNotKnow() throws Exception {
    List<Alert> alerts = parse("""
        {"version":"4","notification_reason":"new","routeLabels":{"team":"x"},"groupKey":"{}:{a=\\"b\\"}",
         "truncatedAlerts":0,"somethingNew":[1,{"deep":true}],
         "alerts":[{"labels":{"alertname":"A"},"startsAt":"2026-11-22T20:00:00Z","fingerprint":"0123456789abcdef",
                    "silencedBy":[],"inhibitedBy":null,"extra":{"x":1}}]}
        """);

    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.getFingerprint()).isEqualTo("0123456789abcdef");
      assertThat(a.getLabels()).containsExactly(Map.entry("alertname", "A"));
    });
  }

  @Test
  void shouldAcceptAWebhookWithoutAlerts() throws Exception {
    assertThat(parse("{\"alerts\":[]}")).isEmpty();
  }

  @Test
  void shouldReadNanosecondsAndOffsetsAsRfc3339Allows() throws Exception {
    Alert alert = parse(webhook("{\"labels\":{\"a\":\"1\"},\"startsAt\":\"2026-11-22T22:00:00.123456789+02:00\","
        + "\"endsAt\":\"2026-11-22t20:30:00.5z\",\"status\":\"resolved\"}")).get(0);

    assertThat(alert.getStartsAt()).isEqualTo(Instant.parse("2026-11-22T20:00:00.123Z"));
    assertThat(alert.getEndsAt()).isEqualTo(Instant.parse("2026-11-22T20:30:00.500Z"));
  }

  @Test
  void shouldTakeTheStatusFromEndsAtRelativeToTheReceiveTimeWhenItIsAbsent() throws Exception {
    String ended = "{\"labels\":{\"a\":\"1\"},\"startsAt\":\"2026-11-22T20:00:00Z\",\"endsAt\":\"2026-11-22T20:19:00Z\"}";
    String endsLater = "{\"labels\":{\"a\":\"2\"},\"startsAt\":\"2026-11-22T20:00:00Z\",\"endsAt\":\"2026-11-22T20:25:00Z\"}";
    String endsNow = "{\"labels\":{\"a\":\"3\"},\"startsAt\":\"2026-11-22T20:00:00Z\",\"endsAt\":\"2026-11-22T20:20:00.123456Z\"}";
    String noEnd = "{\"labels\":{\"a\":\"4\"},\"startsAt\":\"2026-11-22T20:00:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\"}";
    String nothing = "{\"labels\":{\"a\":\"5\"},\"startsAt\":\"2026-11-22T20:00:00Z\"}";

    List<Alert> alerts = parse("{\"alerts\":[" + String.join(",", ended, endsLater, endsNow, noEnd, nothing) + "]}");

    assertThat(alerts).extracting(Alert::getStatus).containsExactly(
        AlertStatus.RESOLVED, AlertStatus.FIRING, AlertStatus.RESOLVED, AlertStatus.FIRING, AlertStatus.FIRING);
  }

  @Test
  void shouldTreatMissingOptionalFieldsAsEmpty() throws Exception {
    Alert alert = parse("{\"alerts\":[{\"labels\":{\"a\":\"1\"},\"startsAt\":\"2026-11-22T20:00:00Z\","
        + "\"annotations\":null,\"endsAt\":\"\",\"generatorURL\":null}]}").get(0);

    assertThat(alert.getAnnotations()).isEmpty();
    assertThat(alert.getEndsAt()).isNull();
    assertThat(alert.getGeneratorUrl()).isEmpty();
    assertThat(alert.getReceiver()).isEmpty();
    assertThat(alert.getExternalUrl()).isEmpty();
  }

  static final List<Arguments> INVALID = List.of(
      Arguments.of("{\"alerts\": [", "body: is not valid JSON at line 1, column"),
      Arguments.of("", "body: is empty"),
      Arguments.of("{\"alerts\":[]} trailing", "body: is not valid JSON"),
      Arguments.of("{\"alerts\":[],\"alerts\":[]}", "body: is not valid JSON"),
      Arguments.of("[]", "body: expected a JSON object, got an array"),
      Arguments.of("{\"receiver\":\"r\"}", "alerts: is missing"),
      Arguments.of("{\"alerts\":null}", "alerts: is missing"),
      Arguments.of("{\"alerts\":{}}", "alerts: expected an array, got an object"),
      Arguments.of("{\"alerts\":[],\"receiver\":7}", "receiver: expected a string, got a number (7)"),
      Arguments.of("{\"alerts\":[],\"externalURL\":[]}", "externalURL: expected a string, got an array"),
      Arguments.of("{\"alerts\":[\"x\"]}", "alerts[0]: expected an alert object, got \"x\""),
      Arguments.of(webhook("{\"startsAt\":\"2026-11-22T20:00:00Z\"}"), "alerts[0].labels: is missing"),
      Arguments.of(webhook("{\"labels\":[],\"startsAt\":\"2026-11-22T20:00:00Z\"}"),
          "alerts[0].labels: expected an object of strings, got an array"),
      Arguments.of(webhook("{\"labels\":{},\"startsAt\":\"2026-11-22T20:00:00Z\"}"), "alerts[0].labels: is empty"),
      Arguments.of(webhook("{\"labels\":{\"a\":\"1\",\"port\":9090},\"startsAt\":\"2026-11-22T20:00:00Z\"}"),
          "alerts[0].labels.port: expected a string, got a number (9090)"),
      Arguments.of(webhook("{\"labels\":{\"a\":null},\"startsAt\":\"2026-11-22T20:00:00Z\"}"),
          "alerts[0].labels.a: expected a string, got null"),
      Arguments.of(webhook("{\"labels\":{\"a\":\"1\"},\"annotations\":{\"n\":true},\"startsAt\":\"2026-11-22T20:00:00Z\"}"),
          "alerts[0].annotations.n: expected a string, got a boolean (true)"),
      Arguments.of(webhook("{\"labels\":{\"a\":\"1\"}}"), "alerts[0].startsAt: is missing"),
      Arguments.of("{\"alerts\":[{\"labels\":{\"a\":\"1\"},\"startsAt\":\"2026-11-22T20:00:00Z\"},"
          + "{\"labels\":{\"a\":\"2\"},\"startsAt\":\"yesterday\"}]}",
          "alerts[1].startsAt: \"yesterday\" is not an RFC 3339 timestamp"),
      Arguments.of(webhook("{\"labels\":{\"a\":\"1\"},\"startsAt\":1732300000}"),
          "alerts[0].startsAt: a number (1732300000) is not an RFC 3339 timestamp"),
      Arguments.of(webhook("{\"labels\":{\"a\":\"1\"},\"startsAt\":\"2026-11-22T20:00Z\"}"),
          "alerts[0].startsAt: \"2026-11-22T20:00Z\" is not an RFC 3339 timestamp"),
      Arguments.of(webhook("{\"labels\":{\"a\":\"1\"},\"startsAt\":\"2026-11-22T20:00:00\"}"),
          "alerts[0].startsAt: \"2026-11-22T20:00:00\" is not an RFC 3339 timestamp"),
      Arguments.of(webhook("{\"labels\":{\"a\":\"1\"},\"startsAt\":\"2026-02-30T20:00:00Z\"}"),
          "alerts[0].startsAt: \"2026-02-30T20:00:00Z\" is not an RFC 3339 timestamp"),
      Arguments.of(webhook("{\"labels\":{\"a\":\"1\"},\"startsAt\":\"0001-01-01T00:00:00Z\"}"),
          "alerts[0].startsAt: is Go's zero time"),
      Arguments.of(webhook("{\"labels\":{\"a\":\"1\"},\"startsAt\":\"2026-11-22T20:00:00Z\",\"endsAt\":\"soon\"}"),
          "alerts[0].endsAt: \"soon\" is not an RFC 3339 timestamp"),
      Arguments.of(webhook("{\"labels\":{\"a\":\"1\"},\"startsAt\":\"2026-11-22T20:00:00Z\",\"status\":\"pending\"}"),
          "alerts[0].status: \"pending\" is neither \"firing\" nor \"resolved\""),
      Arguments.of(webhook("{\"labels\":{\"a\":\"1\"},\"startsAt\":\"2026-11-22T20:00:00Z\",\"fingerprint\":42}"),
          "alerts[0].fingerprint: expected a string, got a number (42)"),
      Arguments.of(webhook("{\"labels\":{\"a\":\"1\"},\"startsAt\":\"2026-11-22T20:00:00Z\",\"generatorURL\":{}}"),
          "alerts[0].generatorURL: expected a string, got an object"));

  @ParameterizedTest
  @FieldSource("INVALID")
  void shouldRejectABodyThatCanNeverBeValidNamingTheJsonPath(String body, String expectedMessageStart) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(InvalidWebhookException.class)
        .hasMessageStartingWith(expectedMessageStart);
  }

  @Test
  void shouldQuoteOnlyAShortExcerptOfAnOffendingValue() {
    String longValue = "x".repeat(5_000);

    assertThatThrownBy(() -> parse(webhook("{\"labels\":{\"a\":\"1\"},\"startsAt\":\"" + longValue + "\"}")))
        .isInstanceOfSatisfying(InvalidWebhookException.class, e -> {
          assertThat(e.path()).isEqualTo("alerts[0].startsAt");
          assertThat(e.getMessage()).hasSizeLessThan(200);
        });
  }

  // ---- limits (ingest.limits) ----

  private static final String STARTS = "\"startsAt\":\"2026-11-22T20:00:00Z\"";

  /** {@code count} entries {@code "<prefix>i": "<value>"} as the inside of a JSON object. */
  private static String entries(String prefix, int count, String value) {
    return IntStream.range(0, count).mapToObj(i -> "\"" + prefix + i + "\":\"" + value + "\"")
        .collect(Collectors.joining(","));
  }

  @Test
  void shouldAcceptALargeButRealisticAlertWithinTheDefaultLimits() throws Exception {
    // Kubernetes-style alerts carry a few dozen labels; descriptions with logs run to a few KiB.
    String body = "{\"receiver\":\"team-payments-pager\",\"externalURL\":\"https://alertmanager.example.com\","
        + "\"alerts\":[{\"labels\":{" + entries("label_", 40, "v".repeat(200)) + "},"
        + "\"annotations\":{\"description\":\"" + "d".repeat(12_000) + "\"," + entries("note_", 10, "n".repeat(1_000))
        + "},\"generatorURL\":\"https://prometheus.example.com/graph?g0.expr=" + "e".repeat(3_000) + "\"," + STARTS + "}]}";

    List<Alert> alerts = parse(body);

    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.getLabels()).hasSize(40);
      assertThat(WebhookParser.encodedSize(a)).isBetween(30_000, IngestLimits.DEFAULTS.maxAlertBytes());
    });
  }

  @Test
  void shouldBoundTheEncodedSizeFromAboveSoOnlyAlertsNearTheLimitAreEncodedToCheckIt() throws Exception {
    java.util.Random random = new java.util.Random(42);
    String[] alphabet = {"a", "Z", "9", "é", "€", "😀", "\\u0000", " "};
    for (int run = 0; run < 200; run++) {
      StringBuilder labels = new StringBuilder();
      for (int i = 0; i < 1 + random.nextInt(30); i++) {
        StringBuilder value = new StringBuilder();
        for (int c = random.nextInt(300); c > 0; c--) {
          value.append(alphabet[random.nextInt(alphabet.length)]);
        }
        labels.append(i == 0 ? "" : ",").append("\"l").append(i).append("\":\"").append(value).append('"');
      }
      Alert alert = parse(webhook("{\"labels\":{" + labels + "}," + STARTS + "}")).get(0);
      int encoded = WebhookParser.encodedSize(alert);

      assertThat(WebhookParser.mayExceed(alert, encoded - 1)).as("run %d: bound below the %d bytes", run, encoded).isTrue();
    }
    Alert small = parse(webhook("{\"labels\":{\"alertname\":\"X\"}," + STARTS + "}")).get(0);
    assertThat(WebhookParser.mayExceed(small, IngestLimits.DEFAULTS.maxAlertBytes())).isFalse();
  }

  @Test
  void shouldAcceptValuesExactlyAtTheirLimit() throws Exception {
    String body = webhook("{\"labels\":{\"a\":\"" + "x".repeat(2048) + "\"},\"annotations\":{\"" + "n".repeat(256)
        + "\":\"" + "y".repeat(16 * 1024) + "\"}," + STARTS + "}");

    assertThat(parse(body)).hasSize(1);
  }

  static final List<Arguments> OVER_LIMIT = List.of(
      Arguments.of(webhook("{\"labels\":{" + entries("l", 65, "v") + "}," + STARTS + "}"),
          "alerts[0].labels", "alerts[0].labels: has 65 labels, over the limit of 64 (ingest.limits.maxLabels)"),
      Arguments.of(webhook("{\"labels\":{\"a\":\"1\"},\"annotations\":{" + entries("n", 65, "v") + "}," + STARTS + "}"),
          "alerts[0].annotations",
          "alerts[0].annotations: has 65 annotations, over the limit of 64 (ingest.limits.maxAnnotations)"),
      Arguments.of(webhook("{\"labels\":{\"a\":\"" + "x".repeat(2049) + "\"}," + STARTS + "}"),
          "alerts[0].labels.a",
          "alerts[0].labels.a: is 2049 bytes, over the limit of 2048 bytes (ingest.limits.maxLabelValueBytes)"),
      // Bytes, not characters: 1100 two-byte characters are 2200 bytes.
      Arguments.of(webhook("{\"labels\":{\"a\":\"" + "\u00e9".repeat(1100) + "\"}," + STARTS + "}"),
          "alerts[0].labels.a",
          "alerts[0].labels.a: is 2200 bytes, over the limit of 2048 bytes (ingest.limits.maxLabelValueBytes)"),
      Arguments.of(webhook("{\"labels\":{\"" + "n".repeat(257) + "\":\"1\"}," + STARTS + "}"),
          "alerts[0].labels", "alerts[0].labels: has a name of 257 bytes (\"nnnn"),
      Arguments.of("{\"alerts\":[{\"labels\":{\"a\":\"1\"}," + STARTS + "},{\"labels\":{\"a\":\"1\"},"
          + "\"annotations\":{\"summary\":\"s\",\"description\":\"" + "x".repeat(16 * 1024 + 1) + "\"}," + STARTS + "}]}",
          "alerts[1].annotations.description", "alerts[1].annotations.description: is 16385 bytes, over the limit of "
              + "16384 bytes (ingest.limits.maxAnnotationValueBytes)"),
      Arguments.of(webhook("{\"labels\":{\"a\":\"1\"},\"generatorURL\":\"http://p/" + "g".repeat(8 * 1024) + "\"," + STARTS + "}"),
          "alerts[0].generatorURL",
          "alerts[0].generatorURL: is 8201 bytes, over the limit of 8192 bytes (ingest.limits.maxUrlBytes)"),
      Arguments.of("{\"externalURL\":\"" + "u".repeat(8193) + "\",\"alerts\":[]}",
          "externalURL", "externalURL: is 8193 bytes, over the limit of 8192 bytes (ingest.limits.maxUrlBytes)"),
      Arguments.of("{\"receiver\":\"" + "r".repeat(1025) + "\",\"alerts\":[]}",
          "receiver", "receiver: is 1025 bytes, over the limit of 1024 bytes (ingest.limits.maxReceiverBytes)"));

  @ParameterizedTest
  @FieldSource("OVER_LIMIT")
  void shouldRejectAnAlertBeyondALimitNamingTheFieldAndTheLimit(String body, String path, String expectedMessageStart) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOfSatisfying(InvalidWebhookException.class, e -> {
          assertThat(e.path()).isEqualTo(path);
          assertThat(e.getMessage()).startsWith(expectedMessageStart).hasSizeLessThan(300);
        });
  }

  @Test
  void shouldRejectAnAlertWhoseValuesEachFitButTogetherEncodeOverMaxAlertBytes() {
    String body = webhook("{\"labels\":{\"a\":\"1\"},\"annotations\":{" + entries("n", 8, "x".repeat(10_000)) + "},"
        + STARTS + "}");

    assertThatThrownBy(() -> parse(body))
        .isInstanceOfSatisfying(InvalidWebhookException.class, e -> assertThat(e.path()).isEqualTo("alerts[0]"))
        .hasMessageMatching("alerts\\[0\\]: encodes to 80\\d\\d\\d bytes, over the limit of 65536 bytes for one alert "
            + "\\(ingest.limits.maxAlertBytes\\).*");
  }

  @Test
  void shouldEnforceTheConfiguredLimitsInsteadOfTheDefaults() throws Exception {
    IngestLimits strict = new IngestLimits(2, null, null, 10, null, null, null, 1024);
    byte[] twoShortLabels = webhook("{\"labels\":{\"a\":\"0123456789\",\"b\":\"1\"}," + STARTS + "}")
        .getBytes(StandardCharsets.UTF_8);
    byte[] threeLabels = webhook("{\"labels\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}," + STARTS + "}")
        .getBytes(StandardCharsets.UTF_8);
    byte[] longValue = webhook("{\"labels\":{\"a\":\"01234567890\"}," + STARTS + "}").getBytes(StandardCharsets.UTF_8);
    byte[] largeAlert = webhook("{\"labels\":{\"a\":\"1\"},\"annotations\":{\"d\":\"" + "x".repeat(1_100) + "\"},"
        + STARTS + "}").getBytes(StandardCharsets.UTF_8);

    assertThat(WebhookParser.parse(twoShortLabels, RECEIVED, REQUEST_ID, strict)).hasSize(1);
    assertThatThrownBy(() -> WebhookParser.parse(threeLabels, RECEIVED, REQUEST_ID, strict))
        .hasMessage("alerts[0].labels: has 3 labels, over the limit of 2 (ingest.limits.maxLabels)");
    assertThatThrownBy(() -> WebhookParser.parse(longValue, RECEIVED, REQUEST_ID, strict))
        .hasMessage("alerts[0].labels.a: is 11 bytes, over the limit of 10 bytes (ingest.limits.maxLabelValueBytes)");
    assertThatThrownBy(() -> WebhookParser.parse(largeAlert, RECEIVED, REQUEST_ID, strict))
        .hasMessageStartingWith("alerts[0]: encodes to ").hasMessageContaining("over the limit of 1024 bytes");
  }
}
