package io.pagewire.notifier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.notifier.TestRequests;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.notifier.log.DeliveryLog.Pending;
import io.pagewire.notifier.people.Target;
import io.pagewire.notifier.people.Targets;
import io.pagewire.notifier.template.Templates;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.DeliveryOutcome;
import io.pagewire.schemas.IncidentStatus;
import io.pagewire.schemas.IncidentStatusUpdate;
import io.pagewire.schemas.NotificationKind;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.Priority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The dispatcher's decisions, with time, status and limits as inputs: no Kafka. */
class DispatcherTest {

  private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

  static {
    // Copying a record (newBuilder(other)) needs the schemas' classes trusted, as AvroSerde does when loaded.
    io.pagewire.schemas.Topics.ALL.size();
  }
  private final Outcomes outcomes = new Outcomes("notifier", Set.of("hook", "chat"), new SimpleMeterRegistry());

  private static PagewireConfig.Notifier config(int perPerson) {
    return new PagewireConfig.Notifier(Map.of("hook", Map.of("type", "console")),
        new PagewireConfig.Retry(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(10)),
        null, new PagewireConfig.RateLimit(perPerson, Duration.ofMinutes(15)), new PagewireConfig.RateLimit(1000, Duration.ofMinutes(1)),
        "test", null, null);
  }

  private static Dispatcher dispatcher(int perPerson) {
    return new Dispatcher(config(perPerson), Set.of("hook", "chat"), Templates.defaults(), new Targets(Map.of()));
  }

  private Pending pending(String id, Priority priority, long statusVersion) {
    NotificationRequest request = TestRequests.page(id, "hook");
    request.setPriority(priority);
    request.setStatusVersion(statusVersion);
    request.setCreatedAt(NOW.minusSeconds(1));
    return outcomes.pending(0, request, Target.channel("hook"), request.getCreatedAt(), NOW);
  }

  private static IncidentStatusUpdate status(IncidentStatus status, long version) {
    return IncidentStatusUpdate.newBuilder().setIncidentId("inc-42").setIncidentKey("k").setStatus(status)
        .setVersion(version).setPagesSent(1).setAt(NOW.minusSeconds(5)).build();
  }

  private static List<Dispatcher.Decision> decide(Dispatcher dispatcher, IncidentStatusUpdate status, Pending... due) {
    return dispatcher.decide(List.of(due), id -> status, NOW);
  }

  @Test
  void shouldSuppressAPageWhenTheIncidentWasAcknowledgedAfterItWasRequested() {
    List<Dispatcher.Decision> decisions = decide(dispatcher(5), status(IncidentStatus.ACKNOWLEDGED, 2), pending("p", Priority.P0, 1));

    assertThat(decisions).singleElement().isInstanceOfSatisfying(Dispatcher.Settle.class, s -> {
      assertThat(s.outcome()).isEqualTo(DeliveryOutcome.SUPPRESSED);
      assertThat(s.reason()).startsWith("incident acknowledged before sending");
    });
  }

  @Test
  void shouldSendARePageThatFollowsTheAcknowledgementItTimedOut() {
    // Escalation re-pages with the version of the acknowledgement it follows; the notifier may
    // not yet have read the TRIGGERED that came with the re-page.
    assertThat(decide(dispatcher(5), status(IncidentStatus.ACKNOWLEDGED, 2), pending("repage", Priority.P0, 2)))
        .singleElement().isInstanceOf(Dispatcher.Send.class);
  }

  @Test
  void shouldSendAPageWhoseOwnTransitionTriggeredTheIncidentAgain() {
    // An escalate-now on an acknowledged incident: requested at the acknowledgement's version 2, its own change is 3.
    assertThat(decide(dispatcher(5), status(IncidentStatus.TRIGGERED, 3), pending("p", Priority.P0, 2)))
        .singleElement().isInstanceOf(Dispatcher.Send.class);
  }

  @Test
  void shouldSuppressAPageSupersededByALaterAcknowledgementAndReTrigger() {
    // Requested at 1 (triggered); acknowledged at 2; triggered again at 3, which sent its own re-page.
    assertThat(decide(dispatcher(5), status(IncidentStatus.TRIGGERED, 3), pending("p", Priority.P0, 1)))
        .singleElement().isInstanceOfSatisfying(Dispatcher.Settle.class, s -> assertThat(s.reason()).startsWith("superseded"));
  }

  @Test
  void shouldSuppressForResolvedAndSnoozedButNeverANoticeThatIsNotAPage() {
    assertThat(decide(dispatcher(5), status(IncidentStatus.RESOLVED, 3), pending("p", Priority.P1, 1)))
        .singleElement().isInstanceOf(Dispatcher.Settle.class);
    assertThat(decide(dispatcher(5), status(IncidentStatus.SNOOZED, 3), pending("q", Priority.P1, 1)))
        .singleElement().isInstanceOf(Dispatcher.Settle.class);
    Pending resolvedNotice = pending("r", Priority.P1, 1);
    resolvedNotice.entry().getRequest().setKind(NotificationKind.RESOLVED);
    assertThat(decide(dispatcher(5), status(IncidentStatus.RESOLVED, 3), resolvedNotice))
        .singleElement().isInstanceOf(Dispatcher.Send.class);
  }

  @Test
  void shouldCompareTimesOnlyForRequestsWithoutAVersion() {
    Pending old = pending("old", Priority.P0, -1); // created one second before now, the ack five seconds before
    assertThat(decide(dispatcher(5), status(IncidentStatus.ACKNOWLEDGED, 9), old)).singleElement().isInstanceOf(Dispatcher.Send.class);
    assertThat(Dispatcher.suppression(old.entry().getRequest(),
        IncidentStatusUpdate.newBuilder(status(IncidentStatus.ACKNOWLEDGED, 9)).setAt(NOW).build())).isPresent();
  }

  @Test
  void shouldNeverHoldP0OrP1PagesBeyondThePersonalLimit() {
    Dispatcher dispatcher = dispatcher(1);
    List<Dispatcher.Decision> decisions = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      decisions.addAll(decide(dispatcher, null, pending("p0-" + i, i % 2 == 0 ? Priority.P0 : Priority.P1, 1)));
    }
    assertThat(decisions).hasSize(5).allMatch(d -> d instanceof Dispatcher.Send);
  }

  @Test
  void shouldHoldLowerPrioritiesBeyondTheLimitAndBundleThemIntoOneDigest() {
    Dispatcher dispatcher = dispatcher(1);
    assertThat(decide(dispatcher, null, pending("p3-0", Priority.P3, 1))).singleElement().isInstanceOf(Dispatcher.Send.class);
    Dispatcher.Decision held = decide(dispatcher, null, pending("p3-1", Priority.P3, 1)).get(0);
    assertThat(held).isInstanceOfSatisfying(Dispatcher.Hold.class, h -> assertThat(h.until()).isAfter(NOW));
    Instant later = NOW.plus(Duration.ofMinutes(16));
    List<Pending> due = List.of(
        pending("p3-1", Priority.P3, 1), pending("p3-2", Priority.P4, 1)).stream()
        .map(p -> new Pending(p.partition(), p.key(), p.entry(), later, true)).toList();

    List<Dispatcher.Decision> decisions = dispatcher.decide(due, id -> null, later);

    assertThat(decisions).singleElement().isInstanceOfSatisfying(Dispatcher.Send.class, s -> {
      assertThat(s.items()).hasSize(2);
      assertThat(s.message().digest()).isTrue();
    });
  }

  @Test
  void shouldFailATargetWhoseChannelIsNotConfigured() {
    NotificationRequest request = TestRequests.page("x", "nope");
    Pending pending = outcomes.pending(0, request, Target.channel("nope"), NOW, NOW);
    assertThat(dispatcher(5).decide(List.of(pending), id -> null, NOW)).singleElement()
        .isInstanceOfSatisfying(Dispatcher.Settle.class, s -> assertThat(s.outcome()).isEqualTo(DeliveryOutcome.FAILED));
  }

  private Dispatcher.Send send(Pending pending) {
    return (Dispatcher.Send) dispatcher(5).decide(List.of(pending), id -> null, NOW).get(0);
  }

  @Test
  void shouldRetryAServerErrorLaterInsteadOfWaitingForIt() {
    Dispatcher.Next next = dispatcher(5).afterAttempt(send(pending("p", Priority.P0, 1)), Delivery.retryable("HTTP 503"), NOW, NOW, 0.5);

    assertThat(next).isInstanceOfSatisfying(Dispatcher.Retry.class, r -> {
      assertThat(r.attempts()).isEqualTo(1);
      assertThat(r.at()).isEqualTo(NOW.plusMillis(500)); // half of the first 1 s backoff ceiling
      assertThat(r.firstAttemptAt()).isEqualTo(NOW);
    });
  }

  @Test
  void shouldWaitWhatRetryAfterAsksFor() {
    Dispatcher.Next next = dispatcher(5).afterAttempt(send(pending("p", Priority.P0, 1)),
        Delivery.retryable("HTTP 429", Optional.of(Duration.ofSeconds(7))), NOW, NOW, 0.0);
    assertThat(next).isInstanceOfSatisfying(Dispatcher.Retry.class, r -> assertThat(r.at()).isEqualTo(NOW.plusSeconds(7)));
  }

  @Test
  void shouldGiveUpWhenTheNextAttemptWouldStartAfterGiveUpAfter() {
    Pending retried = outcomes.retry(pending("p", Priority.P0, 1), NOW, 12, NOW.minus(Duration.ofMinutes(9).plusSeconds(50)), "HTTP 503", NOW);

    Dispatcher.Next next = dispatcher(5).afterAttempt(send(retried), Delivery.retryable("HTTP 503", Optional.of(Duration.ofSeconds(30))), NOW, NOW, 0.0);

    assertThat(next).isInstanceOfSatisfying(Dispatcher.Done.class, d -> {
      assertThat(d.outcome()).isEqualTo(DeliveryOutcome.FAILED);
      assertThat(d.attempts()).isEqualTo(13);
      assertThat(d.reason()).isEqualTo("gave up after 13 attempts within 10m, last: HTTP 503");
    });
  }

  @Test
  void shouldNotRetryAPermanentFailure() {
    Dispatcher.Next next = dispatcher(5).afterAttempt(send(pending("p", Priority.P0, 1)), Delivery.permanent("HTTP 400: no"), NOW, NOW, 0.0);
    assertThat(next).isInstanceOfSatisfying(Dispatcher.Done.class, d -> {
      assertThat(d.outcome()).isEqualTo(DeliveryOutcome.FAILED);
      assertThat(d.reason()).isEqualTo("HTTP 400: no");
    });
  }

  @Test
  void shouldCountAttemptsAcrossRetriesUntilDelivered() {
    Pending retried = outcomes.retry(pending("p", Priority.P0, 1), NOW, 2, NOW.minusSeconds(3), "HTTP 503", NOW);
    Dispatcher.Next next = dispatcher(5).afterAttempt(send(retried), Delivery.delivered(), NOW, NOW, 0.0);
    assertThat(next).isInstanceOfSatisfying(Dispatcher.Done.class, d -> {
      assertThat(d.outcome()).isEqualTo(DeliveryOutcome.DELIVERED);
      assertThat(d.attempts()).isEqualTo(3);
    });
  }
}
