package io.pagewire.notifier.delivery;

import static io.pagewire.testsupport.WebhookReceiver.Answer.status;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.notifier.TestRequests;
import io.pagewire.testsupport.WebhookReceiver;
import io.pagewire.notifier.channel.Channel;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.notifier.channel.webhook.WebhookChannel;
import io.pagewire.notifier.channel.webhook.WebhookConfig;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.config.Secret;
import io.pagewire.schemas.DeliveryOutcome;
import io.pagewire.schemas.NotificationRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RetrierTest {

  private static final PagewireConfig.Retry TINY = new PagewireConfig.Retry(
      Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(10));

  private final WebhookReceiver receiver = new WebhookReceiver();
  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private final Retrier retrier = new Retrier(TINY, Clock.systemUTC(), () -> 0.5, metrics);

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  private WebhookChannel webhook() {
    return new WebhookChannel("ops", new WebhookConfig(Secret.of(receiver.url("/hook")), Map.of(), Duration.ofSeconds(5)), Clock.systemUTC());
  }

  @Test
  void shouldDeliverAfterRetryingServerErrors() {
    receiver.answer("/hook", status(500), status(500), status(200));

    Retrier.Result result = retrier.deliver(webhook(), TestRequests.page("n-1", "ops"), Waiter.SLEEP);

    assertThat(result).isEqualTo(Retrier.Result.delivered(3));
    assertThat(receiver.received("/hook")).hasSize(3);
    assertThat(metrics.counter("pagewire.notifier.attempts", "channel", "ops").count()).isEqualTo(3.0);
  }

  @Test
  void shouldWaitAtLeastRetryAfterBeforeTheNextAttempt() {
    receiver.answer("/hook", status(429).withHeader("Retry-After", "1"), status(200));

    Retrier.Result result = retrier.deliver(webhook(), TestRequests.page("n-1", "ops"), Waiter.SLEEP);

    assertThat(result).isEqualTo(Retrier.Result.delivered(2));
    List<WebhookReceiver.Received> posts = receiver.received("/hook");
    assertThat(Duration.ofNanos(posts.get(1).arrivedNanos() - posts.get(0).arrivedNanos())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void shouldNotRetryAPermanentFailure() {
    receiver.answer("/hook", status(400).withBody("invalid_payload"));

    Retrier.Result result = retrier.deliver(webhook(), TestRequests.page("n-1", "ops"), Waiter.SLEEP);

    assertThat(result).isEqualTo(Retrier.Result.failed(1, "HTTP 400: invalid_payload"));
    assertThat(receiver.received("/hook")).hasSize(1);
  }

  @Test
  void shouldGiveUpWhenTheNextAttemptWouldStartAfterGiveUpAfter() {
    receiver.answerAlways("/hook", status(503));
    Retrier impatient = new Retrier(new PagewireConfig.Retry(Duration.ofMillis(20), Duration.ofMillis(20), Duration.ofMillis(100)),
        Clock.systemUTC(), () -> 0.99, metrics);

    Retrier.Result result = impatient.deliver(webhook(), TestRequests.page("n-1", "ops"), Waiter.SLEEP);

    assertThat(result.outcome()).isEqualTo(DeliveryOutcome.FAILED);
    assertThat(result.attempts()).isGreaterThan(1).isEqualTo(receiver.received("/hook").size());
    assertThat(result.reason()).isEqualTo("gave up after " + result.attempts() + " attempts within 100ms, last: HTTP 503");
  }

  @Test
  void shouldGiveUpAtOnceWhenRetryAfterIsBeyondTheDeadline() {
    receiver.answer("/hook", status(429).withHeader("Retry-After", "3600"));

    Retrier.Result result = retrier.deliver(webhook(), TestRequests.page("n-1", "ops"), Waiter.SLEEP);

    assertThat(result).isEqualTo(Retrier.Result.failed(1, "gave up after 1 attempt within 10s, last: HTTP 429"));
  }

  @Test
  void shouldWaitTheJitteredBackoffWhenNoRetryAfterIsGiven() {
    AtomicInteger calls = new AtomicInteger();
    Channel flaky = new NamedChannel("flaky", request -> calls.incrementAndGet() < 4 ? Delivery.retryable("HTTP 502") : Delivery.delivered());
    List<Duration> waits = new ArrayList<>();

    Retrier.Result result = retrier.deliver(flaky, TestRequests.page("n-1", "flaky"), waits::add);

    assertThat(result).isEqualTo(Retrier.Result.delivered(4));
    // jitter 0.5 of 10ms, 20ms, 40ms ceilings
    assertThat(waits).containsExactly(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20));
  }

  @Test
  void shouldFailPermanentlyWithoutTheMessageWhenAChannelThrows() {
    Channel broken = new NamedChannel("broken", request -> {
      throw new IllegalStateException("cannot reach https://hooks.example.com/s3cr3t");
    });

    Retrier.Result result = retrier.deliver(broken, TestRequests.page("n-1", "broken"), delay -> { });

    assertThat(result).isEqualTo(Retrier.Result.failed(1, "channel error: java.lang.IllegalStateException"));
  }

  @Test
  void shouldNotRepeatTheSameFailureLineOnEveryAttempt() {
    Logger retrierLog = (Logger) LoggerFactory.getLogger(Retrier.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    retrierLog.addAppender(appender);
    try {
      AtomicInteger calls = new AtomicInteger();
      Channel down = new NamedChannel("down", request -> calls.incrementAndGet() <= 25 ? Delivery.retryable("HTTP 500") : Delivery.delivered());

      retrier.deliver(down, TestRequests.page("n-1", "down"), delay -> { });

      List<String> warnings = appender.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
      assertThat(warnings).hasSize(3);
      assertThat(warnings.get(0)).contains("notificationId=n-1", "channel=down", "attempt=1 ", "reason=HTTP 500");
      assertThat(warnings.get(1)).contains("attempt=10 ");
      assertThat(warnings.get(2)).contains("attempt=20 ");
    } finally {
      retrierLog.detachAppender(appender);
    }
  }

  private record NamedChannel(String name, java.util.function.Function<NotificationRequest, Delivery> behaviour) implements Channel {
    @Override
    public Delivery send(io.pagewire.notifier.channel.Message message) {
      return behaviour.apply(message.request());
    }
  }
}
