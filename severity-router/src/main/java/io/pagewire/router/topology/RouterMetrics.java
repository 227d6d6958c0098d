package io.pagewire.router.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import java.util.EnumMap;
import java.util.Map;

/** The router's counters, registered once and shared by every stream task. */
final class RouterMetrics {

  private final Counter duplicates;
  private final Counter orphanResolutions;
  private final Counter unroutable;
  private final Counter staleRoutes;
  private final Counter silenced;
  private final Counter inhibited;
  private final Counter flapping;
  private final Counter dedupExpired;
  private final Counter handResolved;
  private final Counter stale;
  private final Map<IncidentEventType, Counter> events = new EnumMap<>(IncidentEventType.class);

  RouterMetrics(MeterRegistry registry) {
    duplicates = Counter.builder("pagewire.router.duplicates")
        .description("Alerts dropped as Alertmanager HA duplicates or resends (same fingerprint, status, startsAt)")
        .register(registry);
    orphanResolutions = Counter.builder("pagewire.router.orphan.resolutions")
        .description("Resolved alerts that no open incident counted")
        .register(registry);
    unroutable = Counter.builder("pagewire.router.unroutable")
        .description("Alerts sent to pagewire.unroutable (no labels, or no route matches when routes are required)")
        .register(registry);
    staleRoutes = Counter.builder("pagewire.router.stale.routes")
        .description("Repartitioned alerts whose incident key no route produces any more (the routes changed)")
        .register(registry);
    silenced = Counter.builder("pagewire.router.suppressed").tag("by", "silence")
        .description("Incident events whose alert is silenced or inhibited").register(registry);
    inhibited = Counter.builder("pagewire.router.suppressed").tag("by", "inhibition")
        .description("Incident events whose alert is silenced or inhibited").register(registry);
    flapping = Counter.builder("pagewire.router.flapping")
        .description("Incident events of incidents held open because they flap").register(registry);
    dedupExpired = Counter.builder("pagewire.router.dedup.expired")
        .description("Dedup entries forgotten after classification.dedupRetention").register(registry);
    handResolved = Counter.builder("pagewire.router.groups.ended")
        .description("Open groups ended because a person resolved their incident").register(registry);
    stale = Counter.builder("pagewire.router.stale")
        .description("Alerts dropped because a newer record of the same alert (received later by the ingest) was applied first")
        .register(registry);
    for (IncidentEventType type : IncidentEventType.values()) {
      events.put(type, Counter.builder("pagewire.router.events")
          .description("Incident events emitted, by type")
          .tag("type", type.name())
          .register(registry));
    }
  }

  void duplicate() {
    duplicates.increment();
  }

  void stale() {
    stale.increment();
  }

  void orphanResolution() {
    orphanResolutions.increment();
  }

  void unroutable() {
    unroutable.increment();
  }

  void staleRoute() {
    staleRoutes.increment();
  }

  void dedupExpired() {
    dedupExpired.increment();
  }

  void groupEnded() {
    handResolved.increment();
  }

  void event(IncidentEvent event) {
    events.get(event.getType()).increment();
    if (event.getSilenced()) {
      silenced.increment();
    }
    if (event.getInhibited()) {
      inhibited.increment();
    }
    if (event.getFlapping()) {
      flapping.increment();
    }
  }
}
