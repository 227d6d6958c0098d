package io.pagewire.ingest.heartbeat;

import io.pagewire.platform.config.Durations;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.HttpError;
import io.pagewire.platform.http.Principal;
import io.pagewire.platform.http.Request;
import io.pagewire.platform.http.Response;
import io.pagewire.platform.kafka.AcknowledgedWriter;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.platform.kafka.StreamsService;
import io.pagewire.schemas.Heartbeat;
import io.pagewire.schemas.HeartbeatState;
import io.pagewire.schemas.Topics;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The heartbeat monitors as a service: {@link HeartbeatTopology} under application id
 * {@value #APPLICATION_ID}, and its HTTP API.
 *
 * <ul>
 *   <li>{@code POST /api/v1/heartbeats/{name}} (the ingest credential, as the webhook): one beat;
 *       202 {@code {"heartbeat": name, "at": ...}} once Kafka has it, 404 for a monitor the
 *       configuration does not have, 503 when Kafka does not take it in time.</li>
 *   <li>{@code GET /api/v1/heartbeats}: every configured monitor with its interval, grace,
 *       priority, team, last beat, when it fires without another ({@code dueAt}) and its status:
 *       {@code alive}, {@code missed} (its HeartbeatMissed alert fires) or {@code waiting} (never
 *       beat: not armed). 503 while the store is not queryable. With several instances, each
 *       answers for the monitors its partitions hold; the others are {@code waiting} there.</li>
 * </ul>
 */
public final class HeartbeatService extends StreamsService {

  public static final String NAME = "heartbeats";
  public static final String APPLICATION_ID = "pagewire-heartbeats";

  private final PagewireConfig config;
  private final AcknowledgedWriter<String, Heartbeat> beats;
  private final Clock clock;

  public HeartbeatService(PagewireConfig config, io.micrometer.core.instrument.MeterRegistry metrics) {
    super(NAME, HeartbeatTopology.build(config), KafkaSettings.streams(config, APPLICATION_ID, null));
    this.config = config;
    this.beats = new AcknowledgedWriter<>(config, Topics.HEARTBEATS, "pagewire-heartbeats-api");
    this.clock = Clock.systemUTC();
  }

  @Override
  public void routes(HttpApi api) {
    api.route("POST", "/api/v1/heartbeats/{name}", Principal.Scope.INGEST, this::beat);
    api.route("GET", "/api/v1/heartbeats", Principal.Scope.READ, request -> list());
  }

  private Response beat(Request request) {
    String name = request.pathParam("name");
    if (config.heartbeats().stream().noneMatch(h -> h.name().equals(name))) {
      throw HttpError.notFound("no heartbeat monitor '" + name + "' (heartbeats in the configuration: "
          + String.join(", ", config.heartbeats().stream().map(PagewireConfig.Heartbeat::name).toList()) + ")");
    }
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // as Kafka and the store keep it
    beats.write(name, Heartbeat.newBuilder().setName(name).setAt(now).setSource("api")
        .setRequestId(request.requestId()).build(), now);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("heartbeat", name);
    body.put("at", now.toString());
    return Response.accepted(body);
  }

  private Response list() {
    ReadOnlyKeyValueStore<String, HeartbeatState> store;
    try {
      store = streams().store(StoreQueryParameters.fromNameAndType(HeartbeatTopology.STORE,
          QueryableStoreTypes.<String, HeartbeatState>keyValueStore()));
    } catch (InvalidStateStoreException e) {
      throw HttpError.unavailable("the heartbeat monitors are not queryable yet (starting or rebalancing); retry");
    }
    List<Map<String, Object>> monitors = new ArrayList<>();
    for (PagewireConfig.Heartbeat monitor : config.heartbeats()) {
      HeartbeatState state = store.get(monitor.name());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", monitor.name());
      m.put("interval", Durations.format(monitor.interval()));
      m.put("grace", Durations.format(monitor.grace()));
      m.put("priority", monitor.priority().name());
      m.put("team", monitor.team());
      m.put("status", state == null ? "waiting" : state.getStatus().name().toLowerCase(java.util.Locale.ROOT));
      m.put("lastBeatAt", state == null ? null : state.getLastBeatAt().toString());
      m.put("dueAt", state == null ? null : state.getLastBeatAt().plus(monitor.deadline()).toString());
      monitors.add(m);
    }
    return Response.ok(Map.of("heartbeats", monitors));
  }

  @Override
  public void close() {
    try {
      super.close();
    } finally {
      beats.close();
    }
  }
}
