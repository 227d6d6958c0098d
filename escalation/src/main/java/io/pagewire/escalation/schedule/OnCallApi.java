package io.pagewire.escalation.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.AcknowledgedWriter;
import io.pagewire.platform.http.Handler;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.HttpError;
import io.pagewire.platform.http.Principal;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.http.Request;
import io.pagewire.platform.http.Response;
import io.pagewire.schemas.ScheduleOverride;
import io.pagewire.schemas.Topics;
import java.io.IOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-call API.
 *
 * <ul>
 *   <li>{@code GET /api/v1/oncall[?schedule=NAME][&at=ISO-8601]}: {@code {"at", "schedules": [{"schedule",
 *       "zone", "onCall": [user ids], "until"}]}}, overrides included; {@code until} is when that
 *       answer next changes (null when not within {@value OnCall#HORIZON_DAYS} days). 404 for an
 *       unknown schedule, 400 for a bad {@code at}.</li>
 *   <li>{@code POST /api/v1/schedules/{name}/overrides} {@code {"user", "replaces"?, "start", "end"}}:
 *       201 with the override (and its {@code id}) once Kafka has it and this instance reads it;
 *       400 for an unknown user or {@code end} not after {@code start} or not in the future,
 *       404 for an unknown schedule, 503 when Kafka does not acknowledge in time.</li>
 *   <li>{@code GET /api/v1/schedules/{name}/overrides}: {@code {"overrides": [...]}} by start, past ones included.</li>
 *   <li>{@code DELETE /api/v1/schedules/{name}/overrides/{id}}: 204, or 404.</li>
 * </ul>
 *
 * <p>Overrides live in the compacted topic {@code pagewire.schedule-overrides} and are read from
 * the global store {@link ScheduleOverrides#STORE}, so every instance answers the same. While the
 * store is not queryable (start-up) the routes answer 503. A producer is created per write:
 * overrides are added by hand, rarely, and the API then holds no Kafka client between requests.
 */
public final class OnCallApi {

  private static final Logger log = LoggerFactory.getLogger(OnCallApi.class);

  private final PagewireConfig config;
  private final OnCall onCall;
  private final Supplier<ReadOnlyKeyValueStore<String, ScheduleOverride>> store;
  private final Clock clock;

  /**
   * @param store the overrides store; may throw {@link InvalidStateStoreException} while it is not queryable
   */
  public OnCallApi(PagewireConfig config, Supplier<ReadOnlyKeyValueStore<String, ScheduleOverride>> store, Clock clock) {
    this.config = config;
    this.store = store;
    this.clock = clock;
    this.onCall = new OnCall(config, schedule -> OverrideSource.of(queryable()).forSchedule(schedule));
  }

  /** Adds the routes, reading overrides from {@code streams}' global store. */
  public static void register(HttpApi http, PagewireConfig config, Supplier<KafkaStreams> streams) {
    new OnCallApi(config, () -> streams.get().store(StoreQueryParameters.fromNameAndType(
        ScheduleOverrides.STORE, QueryableStoreTypes.keyValueStore())), Clock.systemUTC()).register(http);
  }

  public void register(HttpApi http) {
    http.route("GET", "/api/v1/oncall", guarded(this::onCall));
    http.route("GET", "/api/v1/schedules/{name}/overrides", guarded(this::list));
    http.route("POST", "/api/v1/schedules/{name}/overrides", Principal.Scope.OPERATOR, guarded(this::add));
    http.route("DELETE", "/api/v1/schedules/{name}/overrides/{id}", Principal.Scope.OPERATOR, guarded(this::delete));
  }

  private Response onCall(Request request) {
    String wanted = request.query().get("schedule");
    String atText = request.query().get("at");
    Instant at = atText == null || atText.isEmpty() ? clock.instant().truncatedTo(ChronoUnit.MILLIS) : instant("at", atText);
    List<String> names = wanted == null || wanted.isEmpty() ? List.copyOf(onCall.schedules()) : List.of(knownSchedule(wanted));
    List<Map<String, Object>> schedules = new ArrayList<>();
    for (String name : names) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("schedule", name);
      entry.put("zone", onCall.zone(name).getId());
      entry.put("onCall", onCall.onCall(name, at));
      entry.put("until", onCall.until(name, at));
      schedules.add(entry);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("at", at);
    body.put("schedules", schedules);
    return Response.ok(body);
  }

  private Response list(Request request) {
    String schedule = knownSchedule(request.pathParam("name"));
    List<ScheduleOverride> found = new ArrayList<>(OverrideSource.of(queryable()).forSchedule(schedule));
    found.sort(Comparator.comparing(ScheduleOverride::getStart).thenComparing(ScheduleOverride::getOverrideId));
    return Response.ok(Map.of("overrides", found.stream().map(OnCallApi::view).toList()));
  }

  private Response add(Request request) {
    String schedule = knownSchedule(request.pathParam("name"));
    JsonNode body = body(request);
    String user = user(body, "user", true);
    String replaces = user(body, "replaces", false);
    Instant start = instant("start", text(body, "start"));
    Instant end = instant("end", text(body, "end"));
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    if (!end.isAfter(start)) {
      throw HttpError.badRequest("end (" + end + ") must be after start (" + start + ")");
    }
    if (!end.isAfter(now)) {
      throw HttpError.badRequest("end (" + end + ") is in the past");
    }
    ScheduleOverride override = ScheduleOverride.newBuilder()
        .setOverrideId(UUID.randomUUID().toString())
        .setSchedule(schedule)
        .setUser(user)
        .setReplaces(replaces)
        .setStart(start)
        .setEnd(end)
        .setCreatedBy(request.actor())
        .setCreatedAt(now)
        .build();
    publish(override.getOverrideId(), override);
    awaitVisible(override.getOverrideId(), true);
    log.info("override added: overrideId={} schedule={} user={} replaces={} start={} end={} actor={}",
        override.getOverrideId(), schedule, user, replaces, start, end, request.actor());
    return new Response(201, view(override), "application/json");
  }

  private Response delete(Request request) {
    String schedule = knownSchedule(request.pathParam("name"));
    String id = request.pathParam("id");
    ScheduleOverride existing = queryable().get(id);
    if (existing == null || !existing.getSchedule().equals(schedule)) {
      throw HttpError.notFound("no override " + id + " on schedule " + schedule);
    }
    publish(id, null);
    awaitVisible(id, false);
    log.info("override deleted: overrideId={} schedule={} actor={}", id, schedule, request.actor());
    return new Response(204, "", "application/json");
  }

  private void publish(String id, ScheduleOverride value) {
    // Overrides are rare and by hand: a producer per write keeps no Kafka client between requests.
    try (AcknowledgedWriter<String, ScheduleOverride> writer =
        new AcknowledgedWriter<>(config, Topics.SCHEDULE_OVERRIDES, "pagewire-schedule-overrides")) {
      writer.write(id, value, null);
    }
  }

  /**
   * Waits (bounded by {@code ingest.ackTimeout}) until the global store shows the write, so a
   * read right after the answer sees it. The global thread applies it within milliseconds.
   */
  private void awaitVisible(String id, boolean present) {
    long deadline = System.nanoTime() + config.ingest().ackTimeout().toNanos();
    while ((queryable().get(id) != null) != present && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private String knownSchedule(String name) {
    if (!onCall.hasSchedule(name)) {
      throw HttpError.notFound("no schedule " + name + " (schedules: " + String.join(", ", onCall.schedules()) + ")");
    }
    return name;
  }

  private String user(JsonNode body, String field, boolean required) {
    JsonNode node = body.path(field);
    if (node.isMissingNode() || node.isNull()) {
      if (required) {
        throw HttpError.badRequest(field + " is required");
      }
      return null;
    }
    String id = node.asText();
    if (!config.users().containsKey(id)) {
      throw HttpError.badRequest(field + ": unknown user '" + id + "'");
    }
    return id;
  }

  private static String text(JsonNode body, String field) {
    JsonNode node = body.path(field);
    if (!node.isTextual()) {
      throw HttpError.badRequest(field + " is required (ISO-8601, e.g. 2026-03-08T09:00:00Z)");
    }
    return node.asText();
  }

  private static Instant instant(String field, String text) {
    try {
      return OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MILLIS);
    } catch (DateTimeException e) {
      throw HttpError.badRequest(field + " '" + text + "' is not an ISO-8601 time with offset (e.g. 2026-03-08T09:00:00Z)");
    }
  }

  private ReadOnlyKeyValueStore<String, ScheduleOverride> queryable() {
    return store.get();
  }

  /** Every route reads the store, which throws while it is not queryable: answer 503 then, so clients retry. */
  private static Handler guarded(Handler handler) {
    return request -> {
      try {
        return handler.handle(request);
      } catch (InvalidStateStoreException e) {
        throw notQueryable();
      }
    };
  }

  private static HttpError notQueryable() {
    return HttpError.unavailable("schedule overrides are not queryable yet (starting); retry");
  }

  private static JsonNode body(Request request) {
    try {
      JsonNode node = request.body().length == 0 ? null : Json.MAPPER.readTree(request.body());
      if (node == null || !node.isObject()) {
        throw HttpError.badRequest("the body must be a JSON object like {\"user\": \"alice\", \"start\": \"...\", \"end\": \"...\"}");
      }
      return node;
    } catch (IOException e) {
      throw HttpError.badRequest("the body is not JSON: " + e.getMessage());
    }
  }

  /** The JSON form of an override. */
  public static Map<String, Object> view(ScheduleOverride o) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", o.getOverrideId());
    view.put("schedule", o.getSchedule());
    view.put("user", o.getUser());
    view.put("replaces", o.getReplaces());
    view.put("start", o.getStart());
    view.put("end", o.getEnd());
    view.put("createdBy", o.getCreatedBy());
    view.put("createdAt", o.getCreatedAt());
    return view;
  }
}
