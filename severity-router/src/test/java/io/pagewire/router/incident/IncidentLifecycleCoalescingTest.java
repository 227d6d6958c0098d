package io.pagewire.router.incident;

import static io.pagewire.router.TestAlerts.firing;
import static io.pagewire.router.TestAlerts.resolved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.router.mute.Mute;
import io.pagewire.router.route.AlertRouter;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.RouterAlert;
import io.pagewire.schemas.RouterIncident;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routine alert changes within classification.coalesceAlertEvents fold into one event. */
class IncidentLifecycleCoalescingTest {

  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  private final PagewireConfig.Classification classification = PagewireConfig.defaults().classification();
  private final AlertRouter router = new AlertRouter(classification);
  private final IncidentLifecycle lifecycle = new IncidentLifecycle(classification.flapping(), INTERVAL);
  private final Map<String, RouterAlert> members = new HashMap<>();
  private RouterIncident open;

  @Test
  void shouldHoldAlertsJoiningWithinTheIntervalAndPublishTheirCountOnFlush() {
    assertThat(apply(alert("f0", "warning"), T0)).extracting(IncidentEvent::getType).containsExactly(IncidentEventType.OPENED);
    for (int i = 1; i <= 499; i++) {
      assertThat(apply(alert("f" + i, "warning"), T0.plusMillis(i))).isEmpty();
    }
    assertThat(open.getFiringCount()).isEqualTo(500);
    assertThat(open.getPendingAdded()).isEqualTo(499);

    assertThat(flush(T0.plusMillis(999))).as("interval not passed").isEmpty();
    List<IncidentEvent> flushed = flush(T0.plusSeconds(1));

    assertThat(flushed).extracting(IncidentEvent::getType, IncidentEvent::getAlertsAdded, IncidentEvent::getFiringAlerts,
            e -> e.getAlert().getFingerprint())
        .containsExactly(tuple(IncidentEventType.ALERT_ADDED, 499, 500, "f499"));
    assertThat(open.getPendingAdded()).isZero();
    assertThat(flush(T0.plusSeconds(5))).as("nothing left to publish").isEmpty();
  }

  @Test
  void shouldPublishTheFirstChangeAfterAQuietIntervalAtOnce() {
    apply(alert("f0", "warning"), T0);

    List<IncidentEvent> events = apply(alert("f1", "warning"), T0.plusSeconds(2));

    assertThat(events).extracting(IncidentEvent::getType, IncidentEvent::getAlertsAdded)
        .containsExactly(tuple(IncidentEventType.ALERT_ADDED, 1));
  }

  @Test
  void shouldNeverHoldAPriorityRaiseAndFoldTheHeldChangesIntoIt() {
    apply(alert("f0", "warning"), T0);
    apply(alert("f1", "warning"), T0.plusMillis(10));
    apply(alert("f2", "warning"), T0.plusMillis(20));

    List<IncidentEvent> raised = apply(alert("f3", "critical"), T0.plusMillis(30));

    assertThat(raised).extracting(IncidentEvent::getType, IncidentEvent::getAlertsAdded, IncidentEvent::getFiringAlerts)
        .containsExactly(tuple(IncidentEventType.PRIORITY_RAISED, 3, 4));
    assertThat(open.getPendingAdded()).isZero();
  }

  @Test
  void shouldNeverHoldAChangeOfMuting() {
    Mute silenced = new Mute(List.of("s-1"), null);
    IncidentLifecycle.Step opened = lifecycle.apply(null, null, route(alert("f0", "warning")), silenced, new long[0], T0);
    keep(opened);
    assertThat(opened.events()).extracting(IncidentEvent::getMuted).containsExactly(true);
    IncidentLifecycle.Step alsoSilenced = lifecycle.apply(open, null, route(alert("f1", "warning")), silenced,
        new long[0], T0.plusMillis(10));
    keep(alsoSilenced);
    assertThat(alsoSilenced.events()).as("still muted: held").isEmpty();

    List<IncidentEvent> unmuted = apply(alert("f2", "warning"), T0.plusMillis(20));

    assertThat(unmuted).extracting(IncidentEvent::getType, IncidentEvent::getMuted, IncidentEvent::getAlertsAdded)
        .as("an alert nobody silenced: the incident pages, published at once")
        .containsExactly(tuple(IncidentEventType.ALERT_ADDED, false, 2));
  }

  @Test
  void shouldCountHeldResolutionsAndPublishTheLastResolutionWithTheIncident() {
    Alert a = alert("a", "warning");
    Alert b = alert("b", "warning");
    Alert c = alert("c", "warning");
    apply(a, T0);
    apply(b, T0.plusMillis(1));
    apply(c, T0.plusMillis(2));
    assertThat(apply(resolved(a, T0.plusMillis(3)), T0.plusMillis(3))).isEmpty();

    List<IncidentEvent> flushed = flush(T0.plusSeconds(1));
    assertThat(flushed).extracting(IncidentEvent::getType, IncidentEvent::getAlertsAdded, IncidentEvent::getAlertsResolved,
            IncidentEvent::getFiringAlerts)
        .containsExactly(tuple(IncidentEventType.ALERT_ADDED, 2, 1, 2));

    apply(resolved(b, T0.plusMillis(1100)), T0.plusMillis(1100));
    List<IncidentEvent> last = apply(resolved(c, T0.plusMillis(1200)), T0.plusMillis(1200));
    assertThat(last).extracting(IncidentEvent::getType, IncidentEvent::getAlertsResolved)
        .containsExactly(tuple(IncidentEventType.ALERT_RESOLVED, 2), tuple(IncidentEventType.RESOLVED, 0));
    assertThat(open).isNull();
  }

  @Test
  void shouldPublishEveryChangeWithoutAnInterval() {
    IncidentLifecycle every = new IncidentLifecycle(classification.flapping());
    IncidentLifecycle.Step opened = every.apply(null, null, route(alert("f0", "warning")), Mute.NONE, new long[0], T0);
    IncidentLifecycle.Step added = every.apply(opened.incident(), null, route(alert("f1", "warning")), Mute.NONE,
        opened.changes(), T0);

    assertThat(added.events()).extracting(IncidentEvent::getType).containsExactly(IncidentEventType.ALERT_ADDED);
  }

  private List<IncidentEvent> apply(Alert alert, Instant at) {
    IncidentLifecycle.Step step = lifecycle.apply(open, members.get(alert.getFingerprint()), route(alert), Mute.NONE,
        new long[0], at);
    keep(step);
    return step.events();
  }

  private List<IncidentEvent> flush(Instant now) {
    IncidentLifecycle.Step step = lifecycle.flush(open, Mute.NONE, new long[0], now);
    keep(step);
    return step.events();
  }

  private void keep(IncidentLifecycle.Step step) {
    open = step.incident();
    if (step.member() != null) {
      if (step.member().after() == null) {
        members.remove(step.member().fingerprint());
      } else {
        members.put(step.member().fingerprint(), step.member().after());
      }
    }
  }

  private AlertRouter.Routing route(Alert alert) {
    return router.route(alert).get(0);
  }

  private static Alert alert(String fingerprint, String severity) {
    return firing(fingerprint, T0.minusSeconds(60), "alertname", "DiskFull", "service", "storage", "severity", severity,
        "instance", fingerprint);
  }
}
