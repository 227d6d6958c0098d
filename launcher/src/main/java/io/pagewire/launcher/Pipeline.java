package io.pagewire.launcher;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pagewire.console.Console;
import io.pagewire.platform.Service;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.Response;
import io.pagewire.platform.kafka.StreamsService;
import io.pagewire.platform.kafka.TopicAdmin;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A set of services sharing one HTTP API, one metrics registry and one Kafka cluster: all four in
 * the demo, or one per process on a real cluster. Adds {@code /healthz}, {@code /readyz},
 * {@code /metrics} (Prometheus text format) and the web console's pages for the data these
 * services own ({@link Console}).
 */
final class Pipeline implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

  private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<Service> services = new ArrayList<>();
  private final List<AutoCloseable> binders = new ArrayList<>();
  private final HttpApi http;
  private final Console console;
  /** The console's HTML pages: served here, but not part of the API that openapi.json describes. */
  private final java.util.Set<io.pagewire.platform.http.RouteInfo> consoleRoutes;

  /** Builds the named services in order, handing each to {@code created} as soon as it exists. */
  private Pipeline(PagewireConfig config, List<String> names, Consumer<Service> created) {
    this.http = new HttpApi(config.http(), config.users());
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(metrics);
    binders.add(gc);
    for (String name : names) {
      Service service = ServiceCatalog.create(name, config, metrics);
      services.add(service);
      service.routes(http);
      Gauge.builder("pagewire.service.ready", service, s -> s.ready() ? 1 : 0)
          .description("1 while the service is ready (a Streams app: RUNNING), else 0; what /readyz reports")
          .tag("service", service.name())
          .register(metrics);
      if (service instanceof StreamsService streamsService) {
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streamsService.streams());
        streamsMetrics.bindTo(metrics);
        binders.add(streamsMetrics);
        streamsService.recordErrors().bindTo(metrics);
      }
      created.accept(service);
    }
    console = new Console(config, http, services);
    List<io.pagewire.platform.http.RouteInfo> beforeConsole = http.routeTable();
    console.routes();
    consoleRoutes = new java.util.HashSet<>(http.routeTable());
    beforeConsole.forEach(consoleRoutes::remove);
    http.route("GET", "/healthz", request -> liveness());
    http.route("GET", "/readyz", request -> readiness());
    http.route("GET", "/metrics", request -> Response.text(200, metrics.scrape(), "text/plain; version=0.0.4; charset=utf-8"));
    // The description of this API, for clients and generators; it describes, it reveals no data.
    http.publicRoute("GET", OPENAPI_PATH, request -> Response.text(200, openApi(), "application/json"));
  }

  static final String OPENAPI_PATH = "/api/v1/openapi.json";
  static final String OPENAPI_RESOURCE = "openapi.json";

  /** The OpenAPI 3 description of every route (launcher resource openapi.json, checked by OpenApiTest). */
  static String openApi() {
    try (java.io.InputStream in = Pipeline.class.getClassLoader().getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the jar");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Every route of the HTTP API the named services and this pipeline serve (what openapi.json
   * describes: the web console's HTML pages left out), without starting anything.
   */
  static List<io.pagewire.platform.http.RouteInfo> apiRouteTable(PagewireConfig config, List<String> names) {
    Pipeline pipeline = new Pipeline(config, names, service -> {});
    try {
      return pipeline.http.routeTable().stream().filter(route -> !pipeline.consoleRoutes.contains(route)).toList();
    } finally {
      pipeline.close();
    }
  }

  /**
   * How long the services that deliver due pages get to become ready before the rest start (a
   * restart measured 3 s for escalation alone); past it the rest start anyway, so that a broker
   * problem of one app does not keep the others down.
   */
  static final Duration DUE_PAGES_FIRST = Duration.ofSeconds(15);

  /**
   * Creates missing topics, starts each service that delivers due pages as soon as it is built,
   * waits until they are ready (at most {@link #DUE_PAGES_FIRST}), then starts the other services,
   * then the HTTP API.
   */
  static Pipeline start(PagewireConfig config, List<String> names) throws IOException {
    TopicAdmin.ensureTopics(config);
    List<Service> first = new ArrayList<>();
    Pipeline pipeline;
    try {
      pipeline = new Pipeline(config, names, service -> {
        if (service.deliversDuePages()) {
          first.add(service);
          service.start();
        }
      });
    } catch (RuntimeException e) {
      first.forEach(Pipeline::closeQuietly);
      throw e;
    }
    try {
      awaitReady(first, DUE_PAGES_FIRST);
      pipeline.services.stream().filter(s -> !s.deliversDuePages()).forEach(Service::start);
      pipeline.console.start();
      pipeline.http.start();
    } catch (IOException | RuntimeException e) {
      pipeline.close();
      throw e;
    }
    return pipeline;
  }

  private static void awaitReady(List<Service> services, Duration patience) {
    long started = System.nanoTime();
    long deadline = started + patience.toNanos();
    while (!services.stream().allMatch(Service::ready) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    List<String> starting = services.stream().filter(s -> !s.ready()).map(Service::name).toList();
    long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    if (starting.isEmpty()) {
      log.info("services that deliver due pages ready in {} ms; starting the rest", millis);
    } else {
      log.warn("services not ready after {} ms: {}; starting the rest anyway", millis, starting);
    }
  }

  int httpPort() {
    return http.port();
  }

  /** Every route the HTTP API answers. */
  List<io.pagewire.platform.http.RouteInfo> routeTable() {
    return http.routeTable();
  }

  boolean ready() {
    return services.stream().allMatch(Service::ready);
  }

  /** 200 while every service is live; 503 naming the stuck ones, so a supervisor restarts the process. */
  private Response liveness() {
    Map<String, String> states = new LinkedHashMap<>();
    services.forEach(s -> states.put(s.name(), s.live() ? "ok" : "stuck"));
    boolean live = !states.containsValue("stuck");
    return new Response(live ? 200 : 503, Map.of("status", live ? "ok" : "stuck", "services", states), "application/json");
  }

  private Response readiness() {
    Map<String, String> states = new LinkedHashMap<>();
    services.forEach(s -> states.put(s.name(), s.ready() ? "ready" : "starting"));
    boolean ready = !states.containsValue("starting");
    return new Response(ready ? 200 : 503, Map.of("ready", ready, "services", states), "application/json");
  }

  @Override
  public void close() {
    console.close(); // ends the live streams, which hold HTTP threads
    http.close();
    // Reverse start order: stop taking webhooks first, stop delivering last.
    for (int i = services.size() - 1; i >= 0; i--) {
      closeQuietly(services.get(i));
    }
    for (AutoCloseable binder : binders) {
      try {
        binder.close();
      } catch (Exception e) {
        log.debug("metrics binder did not close", e);
      }
    }
    metrics.close();
  }

  private static void closeQuietly(Service service) {
    try {
      service.close();
    } catch (RuntimeException e) {
      log.warn("{} did not stop cleanly", service.name(), e);
    }
  }
}
