package io.pagewire.router.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pagewire.schemas.IncidentEventType;
import java.util.EnumMap;
import java.util.Map;

/** The router's counters, registered once and shared by every stream task. */
final class RouterMetrics {

  private final Counter duplicates;
  private final Counter orphanResolutions;
  private final Map<IncidentEventType, Counter> events = new EnumMap<>(IncidentEventType.class);

  RouterMetrics(MeterRegistry registry) {
    duplicates = Counter.builder("pagewire.router.duplicates")
        .description("Alerts dropped as Alertmanager HA duplicates or resends (same fingerprint, status, startsAt)")
        .register(registry);
    orphanResolutions = Counter.builder("pagewire.router.orphan.resolutions")
        .description("Resolved alerts that no open incident counted")
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

  void orphanResolution() {
    orphanResolutions.increment();
  }

  void event(IncidentEventType type) {
    events.get(type).increment();
  }
}
