package io.pagewire.notifier.channel.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.pagewire.notifier.TestRequests;
import io.pagewire.notifier.channel.Channel;
import io.pagewire.notifier.channel.ChannelRegistry;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.platform.config.ConfigLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every channel's attempt ends within its timeouts against a receiver that accepts the
 * connection and then never answers (the kernel completes the TCP handshake into the listen
 * backlog; nothing ever reads the request), and the attempt is retryable.
 */
class ChannelTimeoutsTest {

  private static final Duration READ = Duration.ofMillis(300);
  /** Far below anything the default timeouts (5s + 10s) would allow, far above the 300ms configured. */
  private static final Duration BOUND = Duration.ofSeconds(3);

  private ServerSocket silent;

  @BeforeEach
  void listenWithoutEverAnswering() throws IOException {
    silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void close() throws IOException {
    silent.close();
  }

  private Map<String, Channel> channels() {
    String url = "http://127.0.0.1:" + silent.getLocalPort() + "/hooks/s3cr3t";
    return ChannelRegistry.create(ConfigLoader.parse("t.yaml", """
        notifier:
          channels:
            hook: {type: webhook, url: "%1$s", connectTimeout: 1s, readTimeout: 300ms}
            slack: {type: slack, url: "%1$s", connectTimeout: 1s, readTimeout: 300ms}
            teams: {type: teams, url: "%1$s", connectTimeout: 1s, readTimeout: 300ms}
            pd: {type: pagerduty, routingKey: k, url: "%1$s", connectTimeout: 1s, readTimeout: 300ms}
        """.formatted(url)).notifier().channels(), Clock.systemUTC());
  }

  @Test
  void shouldFailAsRetryableWithinTheReadTimeoutWhenTheReceiverNeverAnswers() {
    channels().forEach((name, channel) -> {
      long start = System.nanoTime();
      Delivery delivery = assertTimeoutPreemptively(BOUND, () -> channel.send(TestRequests.pageWithLinks("n-1")), name);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(delivery).as(name).isEqualTo(Delivery.retryable("timed out after 300 ms"));
      assertThat(took).as(name).isGreaterThanOrEqualTo(READ).isLessThan(BOUND);
    });
  }

  @Test
  void shouldEndAnAnswerWhoseBodyStallsAfterTheHeadersWithinTheReadTimeout() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    Thread receiver = new Thread(() -> {
      try (Socket socket = silent.accept(); OutputStream out = socket.getOutputStream()) {
        out.write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 10000\r\n\r\nbusy, try".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        done.await();
      } catch (IOException | InterruptedException e) {
        // the test is over
      }
    }, "stalling-receiver");
    receiver.start();
    try {
      Channel hook = channels().get("hook");
      long start = System.nanoTime();
      Delivery delivery = assertTimeoutPreemptively(BOUND, () -> hook.send(TestRequests.page("n-1")));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(delivery).isInstanceOfSatisfying(Delivery.Retryable.class,
          retryable -> assertThat(retryable.reason()).isEqualTo("HTTP 503: busy, try"));
      assertThat(took).isLessThan(BOUND);
    } finally {
      done.countDown();
    }
  }
}
