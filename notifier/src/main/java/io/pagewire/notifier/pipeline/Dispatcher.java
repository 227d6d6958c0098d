package io.pagewire.notifier.pipeline;

import io.pagewire.notifier.channel.Delivery;
import io.pagewire.notifier.channel.Message;
import io.pagewire.notifier.delivery.Backoff;
import io.pagewire.notifier.delivery.RateLimiter;
import io.pagewire.notifier.log.DeliveryLog.Pending;
import io.pagewire.notifier.people.Target;
import io.pagewire.notifier.people.Targets;
import io.pagewire.notifier.template.Templates;
import io.pagewire.platform.config.Durations;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.DeliveryOutcome;
import io.pagewire.schemas.IncidentStatus;
import io.pagewire.schemas.IncidentStatusUpdate;
import io.pagewire.schemas.NotificationKind;
import io.pagewire.schemas.NotificationRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides what happens to due delivery-log entries and to the result of an attempt, from the
 * entry, the incident's authoritative status, the limits and {@code now}: no Kafka, no clock, no
 * I/O, so every rule is a unit test.
 *
 * <ul>
 *   <li><b>suppress</b> a PAGE when the incident was acknowledged, resolved or snoozed <em>after</em>
 *       the page was requested: its status version is higher than the request's
 *       {@code statusVersion} ({@link #suppression}). A re-page after an acknowledgement timeout,
 *       an escalate-now on an acknowledged incident, a snooze's end and an unmute carry the version
 *       of the status they follow, so they are delivered.
 *   <li><b>fail</b> a target whose channel is not configured.
 *   <li><b>hold</b> a page of priority {@code notifier.limitFrom} or lower (P2..P4 by default) while
 *       its recipient or channel is over its rate limit; held pages of one recipient, channel and
 *       address go out together as one digest when the limit allows. P0 and P1 are counted but
 *       never held.
 *   <li><b>send</b> everything else, rendered.
 * </ul>
 *
 * After an attempt ({@link #afterAttempt}): delivered; retry at a later time (exponential
 * backoff with full jitter, or the receiver's {@code Retry-After}), waiting in the delivery log;
 * or failed for good (permanent, or the next attempt would start after {@code retry.giveUpAfter}),
 * with the user's next contact method as fallback.
 */
public final class Dispatcher {

  /** What to do with due entries. */
  public sealed interface Decision {
    List<Pending> items();
  }

  /** Send one message (a digest when {@code items} holds several) through {@code target}'s channel. */
  public record Send(List<Pending> items, Target target, Message message) implements Decision {}

  /** Wait until {@code until} (a rate limit), then be bundled with the recipient's other held pages. */
  public record Hold(List<Pending> items, Instant until) implements Decision {}

  /** Settled without sending: SUPPRESSED or FAILED, with why. */
  public record Settle(List<Pending> items, Target target, DeliveryOutcome outcome, String reason) implements Decision {}

  /** What an attempt leads to. */
  public sealed interface Next {}

  /** Delivered, or failed for good; {@code fallbacks}: for a failure, the users' next contact methods, one per item that has one. */
  public record Done(DeliveryOutcome outcome, int attempts, String reason, Map<Pending, Target> fallbacks) implements Next {}

  /** Try again at {@code at}; the entry waits in the delivery log with its attempt count. */
  public record Retry(Instant at, int attempts, Instant firstAttemptAt, String reason) implements Next {}

  private final PagewireConfig.Notifier config;
  private final Set<String> channels;
  private final Templates templates;
  private final Targets targets;
  private final RateLimiter limiter;

  public Dispatcher(PagewireConfig.Notifier config, Set<String> channels, Templates templates, Targets targets) {
    this.config = config;
    this.channels = Set.copyOf(channels);
    this.templates = templates;
    this.targets = targets;
    this.limiter = new RateLimiter(config.perPerson(), config.perChannel());
  }

  /**
   * Why a PAGE must not be sent now, or empty when it must. Only a status change newer than the
   * request counts. A request carries the version of the status it followed ({@code v}); its own
   * transition may move the status to TRIGGERED at {@code v + 1} (a re-page after an
   * acknowledgement timeout, a snooze's end, an escalate-now). So the page is suppressed when the
   * incident is acknowledged, resolved or snoozed at a version above {@code v}, or when the status
   * changed again after that (a version above {@code v + 1}): leaving TRIGGERED and coming back
   * means escalation has sent a newer page, which supersedes this one. Requests without a version
   * (-1, written before the field existed) compare times instead.
   */
  public static Optional<String> suppression(NotificationRequest request, IncidentStatusUpdate status) {
    if (request.getKind() != NotificationKind.PAGE || status == null) {
      return Optional.empty();
    }
    long requested = request.getStatusVersion();
    boolean closed = status.getStatus() != IncidentStatus.TRIGGERED;
    if (requested < 0) {
      return closed && status.getAt().isAfter(request.getCreatedAt())
          ? Optional.of("incident " + status.getStatus().name().toLowerCase() + " before sending (at " + status.getAt() + ")")
          : Optional.empty();
    }
    if (closed && status.getVersion() > requested) {
      return Optional.of("incident " + status.getStatus().name().toLowerCase() + " before sending (status version "
          + status.getVersion() + ", page requested at version " + requested + ")");
    }
    if (status.getVersion() > requested + 1) {
      return Optional.of("superseded: the incident was triggered again after this page was requested (status version "
          + status.getVersion() + ", page requested at version " + requested + ")");
    }
    return Optional.empty();
  }

  /**
   * Decides the entries due at {@code now}: each is suppressed or failed on its own; the rest are
   * sent, one message each, except that entries held for a digest are bundled per recipient,
   * channel and address.
   *
   * @param status the incident's latest status by incident id (null: none known)
   */
  public List<Decision> decide(List<Pending> due, Function<String, IncidentStatusUpdate> status, Instant now) {
    List<Decision> decisions = new ArrayList<>();
    Map<String, List<Pending>> digests = new LinkedHashMap<>();
    for (Pending pending : due) {
      NotificationRequest request = pending.entry().getRequest();
      Target target = Target.held(pending.entry());
      Optional<String> suppressed = suppression(request, status.apply(request.getIncidentId()));
      if (suppressed.isPresent()) {
        decisions.add(new Settle(List.of(pending), target, DeliveryOutcome.SUPPRESSED, suppressed.get()));
      } else if (!channels.contains(target.channel())) {
        decisions.add(new Settle(List.of(pending), target, DeliveryOutcome.FAILED, "unknown channel '" + target.channel()
            + "' (configured: " + String.join(", ", new java.util.TreeSet<>(channels)) + ")"));
      } else if (pending.digest()) {
        digests.computeIfAbsent(groupKey(pending), k -> new ArrayList<>()).add(pending);
      } else {
        decisions.add(sendOrHold(List.of(pending), target, now));
      }
    }
    for (List<Pending> group : digests.values()) {
      decisions.add(sendOrHold(group, Target.held(group.get(0).entry()), now));
    }
    return decisions;
  }

  private Decision sendOrHold(List<Pending> items, Target target, Instant now) {
    NotificationRequest first = items.get(0).entry().getRequest();
    String recipient = items.get(0).entry().getRecipient();
    if (limited(first)) {
      Instant free = limiter.nextFree(recipient, target.channel(), now);
      if (free.isAfter(now)) {
        return new Hold(items, free);
      }
    }
    limiter.record(recipient, target.channel(), now);
    Message message = items.size() == 1
        ? templates.render(first, target.to())
        : templates.digest(items.stream().map(p -> p.entry().getRequest()).toList(), recipient, target.to());
    return new Send(items, target, message);
  }

  /** Rate limits and digests apply from {@code notifier.limitFrom} down (P2..P4 by default); P0 and P1 always go at once. */
  boolean limited(NotificationRequest request) {
    return request.getPriority().ordinal() >= config.limitFrom().ordinal();
  }

  private static String groupKey(Pending pending) {
    return pending.entry().getRecipient() + "\u0000" + pending.entry().getChannel() + "\u0000" + Objects.toString(pending.entry().getTo());
  }

  /**
   * What the attempt that just ended leads to.
   *
   * @param send what was sent
   * @param startedAt when the attempt started (the first attempt's time starts the give-up clock)
   * @param jitter a number in [0, 1) for the backoff
   */
  public Next afterAttempt(Send send, Delivery delivery, Instant startedAt, Instant now, double jitter) {
    Pending first = send.items().get(0);
    int attempts = first.entry().getAttempts() + 1;
    Instant firstAttemptAt = first.entry().getFirstAttemptAt() != null ? first.entry().getFirstAttemptAt() : startedAt;
    if (delivery instanceof Delivery.Retryable retryable) {
      PagewireConfig.Retry policy = config.retry();
      Duration wait = retryable.retryAfter().orElseGet(() -> Backoff.fullJitter(attempts, policy.initialBackoff(), policy.maxBackoff(), jitter));
      Instant next = now.plus(wait);
      if (!next.isAfter(firstAttemptAt.plus(policy.giveUpAfter()))) {
        return new Retry(next, attempts, firstAttemptAt, retryable.reason());
      }
      return failed(send, attempts, "gave up after " + attempts + (attempts == 1 ? " attempt" : " attempts")
          + " within " + Durations.format(policy.giveUpAfter()) + ", last: " + retryable.reason());
    }
    if (delivery instanceof Delivery.Permanent permanent) {
      return failed(send, attempts, permanent.reason());
    }
    return new Done(DeliveryOutcome.DELIVERED, attempts, null, Map.of());
  }

  /** A target settled as FAILED without an attempt (unknown channel) also falls back. */
  public Map<Pending, Target> fallbacks(List<Pending> items, Target failed) {
    Map<Pending, Target> next = new LinkedHashMap<>();
    for (Pending pending : items) {
      targets.fallback(pending.entry().getRequest(), failed).ifPresent(t -> next.put(pending, t));
    }
    return next;
  }

  private Done failed(Send send, int attempts, String reason) {
    return new Done(DeliveryOutcome.FAILED, attempts, reason, fallbacks(send.items(), send.target()));
  }
}
