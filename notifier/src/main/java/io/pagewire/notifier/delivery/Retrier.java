package io.pagewire.notifier.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pagewire.notifier.channel.Channel;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.notifier.channel.Message;
import io.pagewire.notifier.template.Templates;
import io.pagewire.platform.config.Durations;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.DeliveryOutcome;
import io.pagewire.schemas.NotificationRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one notification on one channel, retrying what is retryable: exponential backoff with
 * full jitter ({@link Backoff}) from {@code retry.initialBackoff} up to {@code retry.maxBackoff},
 * except that a receiver's {@code Retry-After} is honoured instead; it gives up when the next
 * attempt would start more than {@code retry.giveUpAfter} after the first. A permanent failure
 * ends at once.
 *
 * <p>Each failed attempt that will be retried is logged at WARN with notificationId, channel,
 * attempt and reason, but a run of identical failures is logged only on its first attempt and
 * every {@value #LOG_EVERY}th after (DEBUG in between), so an hour-long outage does not flood
 * the log. The final failure is the caller's to log, with the result. A channel that throws
 * fails permanently.
 *
 * <p>Counts every attempt in {@code pagewire.notifier.attempts}, tagged channel.
 */
public final class Retrier {

  private static final Logger log = LoggerFactory.getLogger(Retrier.class);
  static final int LOG_EVERY = 10;

  /** How a delivery ended, after all its attempts. */
  public record Result(DeliveryOutcome outcome, int attempts, String reason) {
    public static Result delivered(int attempts) {
      return new Result(DeliveryOutcome.DELIVERED, attempts, null);
    }

    public static Result failed(int attempts, String reason) {
      return new Result(DeliveryOutcome.FAILED, attempts, Objects.requireNonNull(reason));
    }

    public boolean delivered() {
      return outcome == DeliveryOutcome.DELIVERED;
    }
  }

  private final PagewireConfig.Retry policy;
  private final Clock clock;
  private final DoubleSupplier jitter;
  private final MeterRegistry metrics;

  /**
   * @param jitter numbers in {@code [0, 1)} for the backoff's jitter
   */
  public Retrier(PagewireConfig.Retry policy, Clock clock, DoubleSupplier jitter, MeterRegistry metrics) {
    this.policy = policy;
    this.clock = clock;
    this.jitter = jitter;
    this.metrics = metrics;
  }

  /**
   * Sends until delivered, permanently failed, or given up.
   *
   * @param waiter waits between attempts; whatever it throws ends the delivery and is passed on
   */
  public Result deliver(Channel channel, NotificationRequest request, Waiter waiter) {
    return deliver(channel, Templates.defaults().render(request, null), waiter);
  }

  /**
   * Sends one message (a notification or a digest) until delivered, permanently failed, or given up.
   *
   * @param waiter waits between attempts; whatever it throws ends the delivery and is passed on
   */
  public Result deliver(Channel channel, Message message, Waiter waiter) {
    NotificationRequest request = message.request();
    Counter attempts = metrics.counter("pagewire.notifier.attempts", "channel", channel.name());
    Instant deadline = clock.instant().plus(policy.giveUpAfter());
    String previousReason = null;
    for (int attempt = 1; ; attempt++) {
      attempts.increment();
      Delivery delivery = send(channel, message);
      if (delivery instanceof Delivery.Permanent permanent) {
        return Result.failed(attempt, permanent.reason());
      }
      if (!(delivery instanceof Delivery.Retryable retryable)) {
        return Result.delivered(attempt);
      }
      int failed = attempt;
      Duration wait = retryable.retryAfter().orElseGet(() -> Backoff.fullJitter(
          failed, policy.initialBackoff(), policy.maxBackoff(), jitter.getAsDouble()));
      if (clock.instant().plus(wait).isAfter(deadline)) {
        String reason = "gave up after " + attempt + (attempt == 1 ? " attempt" : " attempts")
            + " within " + Durations.format(policy.giveUpAfter()) + ", last: " + retryable.reason();
        return Result.failed(attempt, reason);
      }
      boolean repeated = retryable.reason().equals(previousReason);
      if (!repeated || attempt % LOG_EVERY == 0) {
        log.warn("delivery attempt failed, will retry: notificationId={} incidentId={} channel={} attempt={} reason={} retryIn={}",
            request.getNotificationId(), request.getIncidentId(), channel.name(), attempt, retryable.reason(), wait);
      } else {
        log.debug("delivery attempt failed again, will retry: notificationId={} channel={} attempt={} reason={} retryIn={}",
            request.getNotificationId(), channel.name(), attempt, retryable.reason(), wait);
      }
      previousReason = retryable.reason();
      waiter.await(wait);
    }
  }

  /** A channel that throws has a bug, which retrying will not fix; the message may hold a secret, so only the type is kept. */
  private static Delivery send(Channel channel, Message message) {
    NotificationRequest request = message.request();
    try {
      return channel.send(message);
    } catch (RuntimeException e) {
      String reason = "channel error: " + e.getClass().getName();
      log.error("channel threw instead of classifying the failure: notificationId={} channel={} reason={}",
          request.getNotificationId(), channel.name(), reason);
      log.debug("channel {} threw", channel.name(), e);
      return Delivery.permanent(reason);
    }
  }
}
