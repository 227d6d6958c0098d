package io.pagewire.notifier.channel.webhook;

import static io.pagewire.testsupport.WebhookReceiver.Answer.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.notifier.TestRequests;
import io.pagewire.testsupport.WebhookReceiver;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.platform.config.Secret;
import io.pagewire.platform.http.Json;
import io.pagewire.schemas.NotificationRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookChannelTest {

  private static final Instant NOW = Instant.parse("2025-01-31T10:16:00Z");
  private static final String SECRET_PATH = "/hooks/T000/s3cr3t-token";

  private final WebhookReceiver receiver = new WebhookReceiver();

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  private WebhookChannel channel(String url, Map<String, Secret> headers, Duration timeout) {
    return new WebhookChannel("ops-webhook", new WebhookConfig(Secret.of(url), headers, timeout), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private WebhookChannel channel() {
    return channel(receiver.url(SECRET_PATH), Map.of(), null);
  }

  @Test
  void shouldPostTheDocumentedJsonBodyWithNotificationIdAndConfiguredHeaders() throws IOException {
    NotificationRequest request = TestRequests.page("inc-42/1/1", "ops-webhook");
    WebhookChannel channel = channel(receiver.url(SECRET_PATH), Map.of("Authorization", Secret.of("Bearer t0ken")), null);

    assertThat(channel.send(request)).isEqualTo(Delivery.delivered());

    assertThat(receiver.received()).hasSize(1);
    WebhookReceiver.Received post = receiver.received().get(0);
    assertThat(post.method()).isEqualTo("POST");
    assertThat(post.path()).isEqualTo(SECRET_PATH);
    assertThat(post.header("Content-Type")).isEqualTo("application/json");
    assertThat(post.header("X-Pagewire-Notification-Id")).isEqualTo("inc-42/1/1");
    assertThat(post.header("Authorization")).isEqualTo("Bearer t0ken");
    JsonNode body = Json.MAPPER.readTree(post.body());
    assertThat(body.get("notificationId").asText()).isEqualTo("inc-42/1/1");
    assertThat(body.get("incidentId").asText()).isEqualTo("inc-42");
    assertThat(body.get("kind").asText()).isEqualTo("PAGE");
    assertThat(body.get("level").asInt()).isEqualTo(1);
    assertThat(body.get("recipient").asText()).isEqualTo("primary-oncall");
    assertThat(body.get("title").asText()).isEqualTo("Checkout down");
    assertThat(body.get("summary").asText()).isEqualTo("5xx above 20%");
    assertThat(body.get("priority").asText()).isEqualTo("P0");
    assertThat(body.get("severity").asText()).isEqualTo("SEV-1");
    assertThat(body.get("labels").get("service").asText()).isEqualTo("checkout");
    assertThat(body.get("labels").get("alertname").asText()).isEqualTo("HighErrorRate");
    assertThat(body.get("links").get("acknowledge").asText()).isEqualTo("http://pagewire.local/ack/inc-42");
    assertThat(body.get("createdAt").asText()).isEqualTo("2025-01-31T10:15:30.123Z");
    assertThat(body.size()).isEqualTo(12);
  }

  @Test
  void shouldSignTheTimestampAndBodySoTheReceiverCanVerifyIt() {
    String key = "0123456789abcdef-signing-key";
    WebhookChannel channel = new WebhookChannel("ops-webhook",
        new WebhookConfig(Secret.of(receiver.url(SECRET_PATH)), Map.of(), null, Secret.of(key)), Clock.fixed(NOW, ZoneOffset.UTC));

    channel.send(TestRequests.page("inc-42/1/1", "ops-webhook"));

    WebhookReceiver.Received post = receiver.received().get(0);
    byte[] body = post.body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(post.header("X-Pagewire-Timestamp")).isEqualTo(Long.toString(NOW.getEpochSecond()));
    assertThat(post.header("X-Pagewire-Signature")).matches("sha256=[0-9a-f]{64}");
    // What a receiver does, independently of WebhookSignature: HMAC-SHA256 over "timestamp.body".
    assertThat(post.header("X-Pagewire-Signature")).isEqualTo("sha256=" + hmac(key, post.header("X-Pagewire-Timestamp") + "." + post.body()));
    assertThat(WebhookSignature.verify(key, post.header("X-Pagewire-Timestamp"), post.header("X-Pagewire-Signature"), body, NOW.getEpochSecond()))
        .isTrue();
    assertThat(WebhookSignature.verify("another-key-0123456789", post.header("X-Pagewire-Timestamp"), post.header("X-Pagewire-Signature"), body,
        NOW.getEpochSecond())).isFalse();
    assertThat(WebhookSignature.verify(key, post.header("X-Pagewire-Timestamp"), post.header("X-Pagewire-Signature"),
        post.body().replace("Checkout", "Checkin").getBytes(java.nio.charset.StandardCharsets.UTF_8), NOW.getEpochSecond())).isFalse();
    assertThat(WebhookSignature.verify(key, post.header("X-Pagewire-Timestamp"), post.header("X-Pagewire-Signature"), body,
        NOW.getEpochSecond() + 301)).isFalse();
  }

  private static String hmac(String key, String text) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(key.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
      return java.util.HexFormat.of().formatHex(mac.doFinal(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void shouldSendNullSeverityForPrioritiesWithoutOne() throws IOException {
    NotificationRequest request = TestRequests.page("n-1", "ops-webhook");
    request.setSeverity(null);

    channel().send(request);

    assertThat(Json.MAPPER.readTree(receiver.received().get(0).body()).get("severity").isNull()).isTrue();
  }

  @Test
  void shouldClassifyServerErrorsAsRetryable() {
    receiver.answer(SECRET_PATH, status(500), status(503));

    assertThat(channel().send(TestRequests.page("n-1"))).isEqualTo(Delivery.retryable("HTTP 500", Optional.empty()));
    assertThat(channel().send(TestRequests.page("n-1"))).isEqualTo(Delivery.retryable("HTTP 503", Optional.empty()));
  }

  @Test
  void shouldHonourRetryAfterSecondsOnTooManyRequests() {
    receiver.answer(SECRET_PATH, status(429).withHeader("Retry-After", "7"));

    assertThat(channel().send(TestRequests.page("n-1"))).isEqualTo(Delivery.retryable("HTTP 429", Optional.of(Duration.ofSeconds(7))));
  }

  @Test
  void shouldHonourRetryAfterDateOnTooManyRequests() {
    receiver.answer(SECRET_PATH, status(429).withHeader("Retry-After", "Fri, 31 Jan 2025 10:17:30 GMT"));

    assertThat(channel().send(TestRequests.page("n-1"))).isEqualTo(Delivery.retryable("HTTP 429", Optional.of(Duration.ofSeconds(90))));
  }

  @Test
  void shouldClassifyOtherClientErrorsAsPermanentWithTheReceiversWords() {
    receiver.answer(SECRET_PATH, status(400).withBody("invalid_payload\n"));
    receiver.answer(SECRET_PATH, status(404));

    assertThat(channel().send(TestRequests.page("n-1"))).isEqualTo(Delivery.permanent("HTTP 400: invalid_payload"));
    assertThat(channel().send(TestRequests.page("n-1"))).isEqualTo(Delivery.permanent("HTTP 404"));
  }

  @Test
  void shouldNeverPutTheUrlOrHeaderSecretsInAReason() {
    receiver.answer(SECRET_PATH, status(403).withBody("no access to " + SECRET_PATH + " with Bearer t0ken"));
    WebhookChannel channel = channel(receiver.url(SECRET_PATH), Map.of("Authorization", Secret.of("Bearer t0ken")), null);

    Delivery delivery = channel.send(TestRequests.page("n-1"));

    assertThat(delivery).isInstanceOf(Delivery.Permanent.class);
    String reason = ((Delivery.Permanent) delivery).reason();
    assertThat(reason).startsWith("HTTP 403: no access to ****").doesNotContain("s3cr3t").doesNotContain("t0ken");
  }

  @Test
  void shouldClassifyRefusedConnectionsAsRetryable() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort + SECRET_PATH;

    Delivery delivery = channel(url, Map.of(), Duration.ofSeconds(2)).send(TestRequests.page("n-1"));

    assertThat(delivery).isInstanceOf(Delivery.Retryable.class);
    Delivery.Retryable retryable = (Delivery.Retryable) delivery;
    assertThat(retryable.reason()).startsWith("connection failed: ").doesNotContain("s3cr3t");
    assertThat(retryable.retryAfter()).isEmpty();
  }

  @Test
  void shouldClassifyATimeoutAsRetryable() {
    CountDownLatch release = new CountDownLatch(1);
    receiver.answer(SECRET_PATH, status(200).heldUntil(release));
    try {
      Delivery delivery = channel(receiver.url(SECRET_PATH), Map.of(), Duration.ofMillis(200)).send(TestRequests.page("n-1"));

      assertThat(delivery).isEqualTo(Delivery.retryable("timed out after 200 ms"));
    } finally {
      release.countDown();
    }
  }

  /**
   * A lane's thread waits for its answer anyway; an asynchronous send would hand each answer on
   * through a thread started for it alone wherever the common pool has one thread (2 cores).
   */
  @Test
  void shouldStartNoThreadPerPost() {
    WebhookChannel channel = channel();
    assertThat(channel.send(TestRequests.page("warm-up", "ops-webhook"))).isEqualTo(Delivery.delivered());
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getTotalStartedThreadCount();

    for (int i = 0; i < 100; i++) {
      assertThat(channel.send(TestRequests.page("n-" + i, "ops-webhook"))).isEqualTo(Delivery.delivered());
    }

    assertThat(threads.getTotalStartedThreadCount() - before).isLessThan(10);
  }
}
