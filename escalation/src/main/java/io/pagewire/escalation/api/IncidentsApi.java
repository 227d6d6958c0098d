package io.pagewire.escalation.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.HttpError;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.http.Request;
import io.pagewire.platform.http.Response;
import io.pagewire.schemas.CommandType;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.IncidentStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The incidents API.
 *
 * <ul>
 *   <li>{@code GET /api/v1/incidents[?status=triggered|acknowledged|resolved]}:
 *       {@code {"incidents": [...]}}, newest first ({@link IncidentView}).</li>
 *   <li>{@code GET /api/v1/incidents/{id}}: one incident, or 404.</li>
 *   <li>{@code POST /api/v1/incidents/{id}/acknowledge} and {@code .../resolve}, with an optional
 *       JSON body {@code {"actor": "...", "note": "..."}}: 404 for an unknown incident; otherwise
 *       202 {@code {"commandId","incidentId","type"}} once Kafka has the command, 503 when it
 *       does not say so in time. The command takes effect asynchronously; a command for an
 *       incident that is already acknowledged or resolved is accepted and ignored.</li>
 * </ul>
 *
 * <p>Reads come from this instance's state store: with several instances an incident lives on
 * the instance that owns its partition. While the store is not queryable (start-up, rebalance)
 * every route answers 503, so clients retry.
 *
 * <p>The actor of a command is the authenticated user; when no authentication is configured
 * ({@code anonymous}) the body's {@code actor} is taken on trust.
 */
public final class IncidentsApi implements AutoCloseable {

  private static final String ANONYMOUS = "anonymous";

  private final Supplier<ReadOnlyKeyValueStore<String, IncidentState>> store;
  private final CommandPublisher commands;
  private final Clock clock;

  /**
   * @param store the local incidents store; may throw {@link InvalidStateStoreException} while
   *     it is not queryable
   */
  public IncidentsApi(PagewireConfig config, Supplier<ReadOnlyKeyValueStore<String, IncidentState>> store,
      Clock clock) {
    this.store = store;
    this.commands = new CommandPublisher(config);
    this.clock = clock;
  }

  public void register(HttpApi api) {
    api.route("GET", "/api/v1/incidents", this::list);
    api.route("GET", "/api/v1/incidents/{id}", this::get);
    api.route("POST", "/api/v1/incidents/{id}/acknowledge", request -> command(request, CommandType.ACKNOWLEDGE));
    api.route("POST", "/api/v1/incidents/{id}/resolve", request -> command(request, CommandType.RESOLVE));
  }

  private Response list(Request request) {
    IncidentStatus wanted = statusFilter(request.query().get("status"));
    List<IncidentState> found = new ArrayList<>();
    try (KeyValueIterator<String, IncidentState> all = queryable().all()) {
      while (all.hasNext()) {
        KeyValue<String, IncidentState> next = all.next();
        if (wanted == null || next.value.getStatus() == wanted) {
          found.add(next.value);
        }
      }
    } catch (InvalidStateStoreException e) {
      throw notQueryable();
    }
    found.sort(Comparator.comparing(IncidentState::getOpenedAt).reversed()
        .thenComparing(IncidentState::getIncidentId));
    return Response.ok(Map.of("incidents", found.stream().map(IncidentView::of).toList()));
  }

  private Response get(Request request) {
    return Response.ok(IncidentView.of(find(request.pathParam("id"))));
  }

  private Response command(Request request, CommandType type) {
    String incidentId = request.pathParam("id");
    find(incidentId);
    JsonNode body = body(request);
    String actor = request.actor();
    if (ANONYMOUS.equals(actor) && body.path("actor").isTextual() && !body.path("actor").asText().isBlank()) {
      actor = body.path("actor").asText();
    }
    IncidentCommand command = IncidentCommand.newBuilder()
        .setCommandId(UUID.randomUUID().toString())
        .setIncidentId(incidentId)
        .setType(type)
        .setActor(actor)
        .setNote(body.path("note").isTextual() ? body.path("note").asText() : null)
        // Avro keeps milliseconds; truncating here keeps the API's answer equal to what is stored.
        .setAt(Instant.now(clock).truncatedTo(ChronoUnit.MILLIS))
        .build();
    if (!commands.publish(command)) {
      throw HttpError.unavailable("Kafka did not acknowledge the command in time; retry");
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("commandId", command.getCommandId());
    answer.put("incidentId", incidentId);
    answer.put("type", type.name().toLowerCase(Locale.ROOT));
    return Response.accepted(answer);
  }

  private IncidentState find(String incidentId) {
    IncidentState state;
    try {
      state = queryable().get(incidentId);
    } catch (InvalidStateStoreException e) {
      throw notQueryable();
    }
    if (state == null) {
      throw HttpError.notFound("no incident " + incidentId);
    }
    return state;
  }

  private ReadOnlyKeyValueStore<String, IncidentState> queryable() {
    try {
      return store.get();
    } catch (InvalidStateStoreException e) {
      throw notQueryable();
    }
  }

  private static HttpError notQueryable() {
    return HttpError.unavailable("incidents are not queryable yet (starting or rebalancing); retry");
  }

  private static IncidentStatus statusFilter(String status) {
    if (status == null || status.isEmpty()) {
      return null;
    }
    try {
      return IncidentStatus.valueOf(status.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest("status must be triggered, acknowledged or resolved, not '" + status + "'");
    }
  }

  private static JsonNode body(Request request) {
    if (request.body().length == 0) {
      return Json.MAPPER.createObjectNode();
    }
    try {
      JsonNode node = Json.MAPPER.readTree(request.body());
      if (node == null || node.isMissingNode()) {
        return Json.MAPPER.createObjectNode();
      }
      if (!node.isObject()) {
        throw HttpError.badRequest("the body must be a JSON object like {\"actor\": \"...\", \"note\": \"...\"}");
      }
      return node;
    } catch (IOException e) {
      throw HttpError.badRequest("the body is not JSON: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    commands.close();
  }
}
