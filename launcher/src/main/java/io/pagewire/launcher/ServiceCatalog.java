package io.pagewire.launcher;

import io.micrometer.core.instrument.MeterRegistry;
import io.pagewire.escalation.EscalationService;
import io.pagewire.ingest.IngestService;
import io.pagewire.ingest.heartbeat.HeartbeatService;
import io.pagewire.notifier.NotifierService;
import io.pagewire.platform.Service;
import io.pagewire.platform.config.ConfigException;
import io.pagewire.platform.config.PagewireConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import io.pagewire.router.RouterService;

/** Every Pagewire service by name: the one place that knows them all. */
final class ServiceCatalog {

  private static final Map<String, BiFunction<PagewireConfig, MeterRegistry, Service>> SERVICES = new LinkedHashMap<>();

  static {
    // Start order: consumers of a topic before its producers is not needed (Kafka keeps the
    // records), but HTTP-facing ingest last means the first accepted webhook finds the rest running.
    SERVICES.put("notifier", NotifierService::new);
    SERVICES.put("escalation", EscalationService::new);
    SERVICES.put("severity-router", RouterService::new);
    SERVICES.put("heartbeats", HeartbeatService::new);
    SERVICES.put("alerting-ingest", IngestService::new);
  }

  private ServiceCatalog() {}

  static List<String> names() {
    return List.copyOf(SERVICES.keySet());
  }

  static Service create(String name, PagewireConfig config, MeterRegistry metrics) {
    BiFunction<PagewireConfig, MeterRegistry, Service> factory = SERVICES.get(name);
    if (factory == null) {
      throw new ConfigException("unknown service '" + name + "' (known: " + String.join(", ", names()) + ")");
    }
    return factory.apply(config, metrics);
  }
}
