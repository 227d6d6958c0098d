package io.pagewire.router.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.platform.config.LabelMatcher;
import io.pagewire.platform.config.Matchers;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.AcknowledgedWriter;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.text.TextBounds;
import io.pagewire.platform.http.HttpError;
import io.pagewire.platform.http.Principal;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.http.Request;
import io.pagewire.platform.http.Response;
import io.pagewire.router.mute.Suppressions;
import io.pagewire.schemas.Silence;
import io.pagewire.schemas.Topics;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Silences over HTTP, kept in the compacted {@code pagewire.silences}:
 *
 * <ul>
 *   <li>{@code POST /api/v1/silences} {@code {"matchers": ["service=db", "severity=~\"warn|crit\""],
 *       "startsAt": "...", "endsAt": "...", "createdBy": "alice", "comment": "db maintenance"}}:
 *       201 {@code {"id": ...}} once Kafka has it. Matchers are Alertmanager strings or
 *       Alertmanager API objects ({@code {"name", "value", "isRegex", "isEqual"}}); startsAt
 *       defaults to now; endsAt must be after startsAt and now; createdBy defaults to the
 *       authenticated actor.
 *   <li>{@code GET /api/v1/silences}: every silence with its {@code status} (pending, active,
 *       expired), newest first; read from the router's global store. Creating and expiring
 *       answer once this instance's store has the change (at most {@link #READ_YOUR_WRITE}), so
 *       a client's next request to the same instance sees it.
 *   <li>{@code DELETE /api/v1/silences/{id}}: expires it now (endsAt = now): 200; 404 unknown;
 *       409 already expired. Expired silences stay listed, as in Alertmanager, for
 *       {@code classification.silenceRetention} after they ended (Alertmanager's
 *       {@code --data.retention}); then {@link #forgetExpired} tombstones them.
 * </ul>
 */
public final class SilencesApi implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SilencesApi.class);
  /** A silence is a bounded record: at most this many matchers, each at most this long. */
  static final int MAX_MATCHERS = 64;
  static final int MATCHER_BYTES = 1024;
  /** How long a write waits to be readable here: well above a commit interval, well below a client's timeout. */
  static final Duration READ_YOUR_WRITE = Duration.ofSeconds(5);

  private final PagewireConfig config;
  private final Supplier<ReadOnlyKeyValueStore<String, Silence>> store;
  private final Clock clock;
  private final AcknowledgedWriter<String, Silence> silences;

  public SilencesApi(PagewireConfig config, Supplier<ReadOnlyKeyValueStore<String, Silence>> store, Clock clock) {
    this.config = config;
    this.silences = new AcknowledgedWriter<>(config, Topics.SILENCES, "pagewire-router-silences");
    this.store = store;
    this.clock = clock;
  }

  public void routes(HttpApi api) {
    api.route("POST", "/api/v1/silences", this::create);
    api.route("GET", "/api/v1/silences", request -> list());
    api.route("GET", "/api/v1/silences/{id}", request -> Response.ok(view(find(request.pathParam("id")))));
    api.route("DELETE", "/api/v1/silences/{id}", this::expire);
  }

  private Response create(Request request) {
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(request.body());
    } catch (IOException e) {
      throw HttpError.badRequest("the body is not JSON: " + e.getMessage());
    }
    if (body == null || !body.isObject()) {
      throw HttpError.badRequest("the body must be a JSON object");
    }
    List<String> matchers = matchers(body.get("matchers"));
    Instant now = clock.instant();
    Instant startsAt = instant(body, "startsAt", now);
    Instant endsAt = instant(body, "endsAt", null);
    if (endsAt == null) {
      throw HttpError.badRequest("endsAt is required (ISO-8601, e.g. 2026-11-22T22:00:00Z)");
    }
    if (!endsAt.isAfter(startsAt) || !endsAt.isAfter(now)) {
      throw HttpError.badRequest("endsAt must be after startsAt and in the future");
    }
    String createdBy = request.actor(TextBounds.requireWithin("createdBy", text(body, "createdBy"), TextBounds.NAME_BYTES));
    String comment = TextBounds.requireWithin("comment", text(body, "comment"), TextBounds.NOTE_BYTES);
    Silence silence = Silence.newBuilder()
        .setId(UUID.randomUUID().toString())
        .setMatchers(matchers)
        .setStartsAt(startsAt)
        .setEndsAt(endsAt)
        .setCreatedBy(createdBy)
        .setComment(comment != null ? comment : "")
        .setUpdatedAt(now)
        .build();
    publish(silence);
    log.info("silence created: silenceId={} matchers={} startsAt={} endsAt={} createdBy={}",
        silence.getId(), matchers, startsAt, endsAt, createdBy);
    return new Response(201, Map.of("id", silence.getId()), "application/json");
  }

  private Response list() {
    List<Silence> all = new ArrayList<>();
    try (KeyValueIterator<String, Silence> it = readable().all()) {
      it.forEachRemaining(kv -> all.add(kv.value));
    }
    all.sort(Comparator.comparing(Silence::getUpdatedAt).reversed());
    return Response.ok(Map.of("silences", all.stream().map(this::view).toList()));
  }

  private Response expire(Request request) {
    Silence silence = find(request.pathParam("id"));
    if (!request.principal().has(Principal.Scope.OPERATOR) && !silence.getCreatedBy().equals(request.actor())) {
      throw new HttpError(403, "forbidden", request.actor() + " may not expire a silence " + silence.getCreatedBy()
          + " created: that needs the operator scope (a user with operator: true)");
    }
    Instant now = clock.instant();
    if (!silence.getEndsAt().isAfter(now)) {
      throw new HttpError(409, "already_expired", "silence " + silence.getId() + " expired at " + silence.getEndsAt());
    }
    Silence expired = Silence.newBuilder(silence)
        .setEndsAt(now.isBefore(silence.getStartsAt()) ? silence.getStartsAt() : now)
        .setUpdatedAt(now)
        .build();
    publish(expired);
    log.info("silence expired: silenceId={} actor={}", silence.getId(), request.actor());
    return Response.ok(view(expired));
  }

  private Silence find(String id) {
    Silence silence = readable().get(id);
    if (silence == null) {
      throw HttpError.notFound("no silence with id " + id);
    }
    return silence;
  }

  private ReadOnlyKeyValueStore<String, Silence> readable() {
    try {
      return store.get();
    } catch (RuntimeException e) {
      throw HttpError.unavailable("silences are not readable yet (the router is starting): " + e.getMessage());
    }
  }

  private Map<String, Object> view(Silence silence) {
    Instant now = clock.instant();
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", silence.getId());
    view.put("matchers", silence.getMatchers());
    view.put("startsAt", silence.getStartsAt().toString());
    view.put("endsAt", silence.getEndsAt().toString());
    view.put("createdBy", silence.getCreatedBy());
    view.put("comment", silence.getComment());
    view.put("updatedAt", silence.getUpdatedAt().toString());
    view.put("status", Suppressions.active(silence, now) ? "active"
        : now.isBefore(silence.getStartsAt()) ? "pending" : "expired");
    return view;
  }

  /** Alertmanager strings, or Alertmanager API v2 matcher objects; checked like the configuration's. */
  private static List<String> matchers(JsonNode node) {
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw HttpError.badRequest("matchers must be a non-empty list, e.g. [\"service=db\"]");
    }
    if (node.size() > MAX_MATCHERS) {
      throw new HttpError(400, "field_too_long", "matchers: at most " + MAX_MATCHERS + " matchers, not " + node.size());
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode m : node) {
      if (m.isTextual()) {
        TextBounds.requireWithin("matchers[" + texts.size() + "]", m.asText(), MATCHER_BYTES);
      }
      try {
        if (m.isTextual()) {
          LabelMatcher.parse(m.asText()).forEach(parsed -> texts.add(parsed.toString()));
        } else if (m.isObject() && m.hasNonNull("name") && m.has("value")) {
          boolean regex = m.path("isRegex").asBoolean(false);
          boolean equal = m.path("isEqual").asBoolean(true);
          LabelMatcher.Op op = regex ? (equal ? LabelMatcher.Op.REGEX : LabelMatcher.Op.NOT_REGEX)
              : (equal ? LabelMatcher.Op.EQUAL : LabelMatcher.Op.NOT_EQUAL);
          texts.add(LabelMatcher.of(m.get("name").asText(), op, m.get("value").asText()).toString());
        } else {
          throw new IllegalArgumentException("a matcher is a string or {\"name\", \"value\", \"isRegex\", \"isEqual\"}");
        }
      } catch (IllegalArgumentException e) {
        throw HttpError.badRequest("matchers: " + e.getMessage());
      }
    }
    for (int i = 0; i < texts.size(); i++) {
      TextBounds.requireWithin("matchers[" + i + "]", texts.get(i), MATCHER_BYTES);
    }
    // A silence that matches every alert (only empty-matching matchers) is refused, as Alertmanager does.
    if (Matchers.parse(texts).matches(Map.of())) {
      throw HttpError.badRequest("matchers must not match every alert (each matches an alert without labels)");
    }
    return texts;
  }

  private static Instant instant(JsonNode body, String field, Instant absent) {
    String text = text(body, field);
    if (text == null) {
      return absent;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw HttpError.badRequest(field + " is not an ISO-8601 instant: " + text);
    }
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /**
   * Tombstones every silence that ended more than {@code classification.silenceRetention} before
   * {@code now}, so the compacted topic and every router's global store stay bounded. Every
   * instance may run it: a second tombstone of the same silence changes nothing.
   *
   * @return how many silences were tombstoned
   */
  public int forgetExpired(Instant now) {
    Instant cutoff = now.minus(config.classification().silenceRetention());
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, Silence> all = readable().all()) {
      all.forEachRemaining(kv -> {
        if (kv.value != null && kv.value.getEndsAt().isBefore(cutoff)) {
          expired.add(kv.key);
        }
      });
    }
    for (String id : expired) {
      silences.write(id, null, now);
      log.info("expired silence forgotten after {}: silenceId={}", config.classification().silenceRetention(), id);
    }
    return expired.size();
  }

  /**
   * Writes the silence (acknowledged by Kafka) and waits, at most {@link #READ_YOUR_WRITE}, until
   * this instance's global store has it, so the caller's next request here sees its own change
   * (Alertmanager's API does too). Past the bound the change is in Kafka all the same, and
   * arrives in the store when the router reads it.
   */
  private void publish(Silence silence) {
    silences.write(silence.getId(), silence, silence.getUpdatedAt());
    long deadline = System.nanoTime() + READ_YOUR_WRITE.toNanos();
    try {
      while (!applied(silence, store.get().get(silence.getId())) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.debug("silence {} written; the global store is not readable yet", silence.getId(), e);
    }
  }

  /** The store holds this write: every write sets updatedAt, and the record keeps it to the millisecond. */
  private static boolean applied(Silence written, Silence stored) {
    return stored != null && stored.getUpdatedAt().toEpochMilli() == written.getUpdatedAt().toEpochMilli();
  }

  @Override
  public void close() {
    silences.close();
  }
}
