package io.pagewire.escalation.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.escalation.links.LinkSigner;
import io.pagewire.platform.text.TextBounds;
import io.pagewire.escalation.topology.OpenedIndex;
import io.pagewire.escalation.topology.TimelineLog;
import io.pagewire.platform.config.Durations;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.AcknowledgedWriter;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.HttpError;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.http.Request;
import io.pagewire.platform.http.Response;
import io.pagewire.schemas.CommandType;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.NoteKind;
import io.pagewire.schemas.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incidents API.
 *
 * <ul>
 *   <li>{@code GET /api/v1/incidents[?status=&priority=&team=&since=&limit=&pageToken=]}
 *       ({@link ListQuery}): {@code {"incidents": [...], "nextPageToken": ...}}, newest first
 *       ({@link IncidentView}, without timelines), from every instance; {@code nextPageToken}
 *       is null on the last page. A page may hold fewer than {@code limit} incidents while more
 *       follow (each instance reads a bounded part of its index per request).</li>
 *   <li>{@code GET /api/v1/incidents/{id}}: one incident with its notes and timeline, or 404.</li>
 *   <li>{@code POST /api/v1/incidents/{id}/acknowledge}, {@code /resolve}, {@code /escalate}
 *       (page the next step now), {@code /snooze} {@code {"for": "30m"}}, {@code /reassign}
 *       {@code {"user": "bob"}}, {@code /notes} {@code {"kind": "action_item", "text": "...",
 *       "owner": "bob", "due": "2026-12-01"}} (kinds {@code comment} (default), {@code root_cause},
 *       {@code resolution}, {@code lesson_learned}, {@code action_item}); every body may carry
 *       {@code "note"} (a remark for the timeline) and, without per-user credentials,
 *       {@code "actor"}. Notes and note texts are at most {@link TextBounds#NOTE_BYTES} bytes,
 *       actors, users and owners {@link TextBounds#NAME_BYTES} (400 {@code field_too_long}
 *       beyond). 404 for an unknown incident, 400 for a bad body; otherwise 202
 *       {@code {"commandId","incidentId","type"}} once Kafka has the command, 503 when it does
 *       not say so in time. Commands take effect asynchronously; one that does not apply (an
 *       acknowledgement of an acknowledged incident, anything but a note on a resolved one) is
 *       accepted and ignored.</li>
 *   <li>{@code GET /api/v1/links/{token}} and {@code POST /api/v1/links/{token}}: signed
 *       one-click links (no credentials: the token is the proof). GET only describes the link
 *       (an HTML confirmation page with a button, or JSON when the client does not accept HTML):
 *       mail scanners and chat unfurlers fetch links, so GET never changes anything. POST does
 *       the one action the link was signed for, as the person it was sent to. 403 for a forged
 *       or altered token, 410 once expired.</li>
 * </ul>
 *
 * <p>The actor of a command is the authenticated user (the owner of the {@code apiToken});
 * without authentication ({@code anonymous}, loopback only) the body's {@code actor} is taken
 * on trust. The {@code http.auth} credential (Alertmanager's) may only post alerts: 403 here.
 *
 * <p>With several instances each incident lives on the instance that owns its partition: reads
 * of an incident held elsewhere are forwarded to that instance's {@code application.server},
 * lists ask every instance. While the stores are not queryable (start-up, rebalance) or an
 * instance does not answer, routes answer 503, so clients retry.
 */
public final class IncidentsApi implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(IncidentsApi.class);
  /** Marks a request forwarded by another instance: answer from local state only. */
  static final String LOCAL_ONLY_HEADER = "X-Pagewire-Local-Only";

  private final IncidentStores stores;
  private final AcknowledgedWriter<String, IncidentCommand> commands;
  private final LinkSigner links;
  private final Clock clock;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public IncidentsApi(PagewireConfig config, IncidentStores stores, LinkSigner links, Clock clock) {
    this.stores = stores;
    this.commands = new AcknowledgedWriter<>(config, Topics.INCIDENT_COMMANDS, "pagewire-escalation-commands");
    this.links = links;
    this.clock = clock;
  }

  public void register(HttpApi api) {
    api.route("GET", "/api/v1/incidents", this::list);
    api.route("GET", "/api/v1/incidents/{id}", this::get);
    api.route("POST", "/api/v1/incidents/{id}/acknowledge", r -> command(r, CommandType.ACKNOWLEDGE, b -> { }));
    api.route("POST", "/api/v1/incidents/{id}/resolve", r -> command(r, CommandType.RESOLVE, b -> { }));
    api.route("POST", "/api/v1/incidents/{id}/escalate", r -> command(r, CommandType.ESCALATE, b -> { }));
    api.route("POST", "/api/v1/incidents/{id}/snooze", r -> command(r, CommandType.SNOOZE, IncidentsApi::snooze));
    api.route("POST", "/api/v1/incidents/{id}/reassign", r -> command(r, CommandType.REASSIGN, IncidentsApi::reassign));
    api.route("POST", "/api/v1/incidents/{id}/notes", r -> command(r, CommandType.ADD_NOTE, IncidentsApi::note));
    api.publicRoute("GET", "/api/v1/links/{token}", this::describeLink);
    api.publicRoute("POST", "/api/v1/links/{token}", this::followLink);
  }

  /**
   * One page of incidents, newest first, from every instance. Each instance walks its
   * newest-first index ({@link OpenedIndex}) from the page token on, looks up each incident, and
   * stops at {@code limit + 1} matches, at the first incident opened before {@code since}, or
   * after {@value #MAX_SCAN} index entries, saying how far it got; the page holds what every
   * instance covered, so a page may be shorter than {@code limit} while more follow. Nothing
   * builds a list of every incident.
   */
  private Response list(Request request) {
    ListQuery query = ListQuery.parse(request.query(), Instant.now(clock));
    LocalPage local;
    try {
      local = localPage(query);
    } catch (InvalidStateStoreException e) {
      throw notQueryable();
    }
    if (localOnly(request)) {
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("incidents", local.incidents());
      answer.put("scannedTo", local.scannedTo() != null ? ListQuery.token(local.scannedTo()) : null);
      return Response.ok(answer);
    }
    List<LocalPage> pages = new ArrayList<>(List.of(local));
    for (String instance : stores.otherInstances()) {
      JsonNode answer = forward(instance, request, "/api/v1/incidents" + query.queryString());
      List<IncidentView> found = new ArrayList<>();
      for (JsonNode incident : answer.path("incidents")) {
        found.add(Json.MAPPER.convertValue(incident, IncidentView.class));
      }
      JsonNode scannedTo = answer.path("scannedTo");
      pages.add(new LocalPage(found, scannedTo.isTextual() ? ListQuery.parseToken(scannedTo.asText()) : null));
    }
    return Response.ok(merge(pages, query.limit()));
  }

  /** At most this many index entries are read per instance and request. */
  static final int MAX_SCAN = 10_000;

  /**
   * What one instance found: at most {@code limit + 1} matches in index order, and the key of
   * the last index entry it read when it stopped before the end (null: nothing more matches).
   */
  record LocalPage(List<IncidentView> incidents, Bytes scannedTo) {}

  private LocalPage localPage(ListQuery query) {
    ReadOnlyKeyValueStore<Bytes, byte[]> index = queryable(stores::opened);
    ReadOnlyKeyValueStore<String, IncidentState> incidents = queryable(stores::incidents);
    List<IncidentView> found = new ArrayList<>();
    int scanned = 0;
    try (KeyValueIterator<Bytes, byte[]> it = query.after() != null ? index.range(query.after(), null) : index.all()) {
      while (it.hasNext()) {
        Bytes key = it.next().key;
        if (key.equals(query.after())) {
          continue; // the page token is the last entry of the page before
        }
        OpenedIndex.Entry entry = OpenedIndex.parse(key);
        if (query.since() != null && entry.openedAt().isBefore(query.since())) {
          return new LocalPage(found, null); // older ones follow: none matches
        }
        IncidentState incident = incidents.get(entry.incidentId());
        if (incident != null && query.matches(incident)) {
          found.add(IncidentView.of(incident));
          if (found.size() > query.limit()) {
            return new LocalPage(found, key);
          }
        }
        if (++scanned >= MAX_SCAN) {
          return new LocalPage(found, key);
        }
      }
    }
    return new LocalPage(found, null);
  }

  /**
   * The page the instances' answers make: everything up to the first place where some instance
   * stopped is known, so the page is the first {@code limit} matches up to there, and the next
   * page starts after its last incident (or after that place, when the page is shorter).
   */
  static Map<String, Object> merge(List<LocalPage> pages, int limit) {
    Bytes frontier = null;
    for (LocalPage page : pages) {
      if (page.scannedTo() != null && (frontier == null || page.scannedTo().compareTo(frontier) < 0)) {
        frontier = page.scannedTo();
      }
    }
    List<IncidentView> known = new ArrayList<>();
    for (LocalPage page : pages) {
      for (IncidentView view : page.incidents()) {
        if (frontier == null || key(view).compareTo(frontier) <= 0) {
          known.add(view);
        }
      }
    }
    known.sort(Comparator.comparing(IncidentsApi::key));
    Bytes next = null;
    List<IncidentView> page = known;
    if (known.size() > limit) {
      page = known.subList(0, limit);
      next = key(page.get(limit - 1));
    } else if (frontier != null) {
      next = frontier;
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("incidents", page);
    answer.put("nextPageToken", next != null ? ListQuery.token(next) : null);
    return answer;
  }

  private static Bytes key(IncidentView view) {
    return OpenedIndex.key(view.openedAt(), view.id());
  }

  private Response get(Request request) {
    String id = request.pathParam("id");
    Optional<IncidentState> local = findLocal(id);
    if (local.isPresent()) {
      try {
        return Response.ok(IncidentView.of(local.get(),
            TimelineLog.read(queryable(stores::timelines), queryable(stores::timelineEvents), id)));
      } catch (InvalidStateStoreException e) {
        throw notQueryable();
      }
    }
    return Response.ok(remote(id, request));
  }

  /** Builds one command from the request; {@code fill} reads the command's own body fields. */
  private Response command(Request request, CommandType type, Consumer<Fields> fill) {
    String incidentId = request.pathParam("id");
    JsonNode body = body(request);
    IncidentCommand.Builder command = IncidentCommand.newBuilder()
        .setCommandId(UUID.randomUUID().toString())
        .setIncidentId(incidentId)
        .setType(type)
        .setActor(actor(request, body))
        .setNote(bounded(body, "note", TextBounds.NOTE_BYTES))
        .setVia(request.headers().containsKey("X-Pagewire-Cli") ? "cli" : "api")
        // Avro keeps milliseconds; truncating here keeps the API's answer equal to what is stored.
        .setAt(Instant.now(clock).truncatedTo(ChronoUnit.MILLIS));
    fill.accept(new Fields(body, command));
    exists(incidentId, request);
    return publish(command.build());
  }

  private static void snooze(Fields f) {
    String text = text(f.body, "for");
    if (text == null) {
      throw HttpError.badRequest("snooze needs {\"for\": \"30m\"}");
    }
    Duration duration;
    try {
      duration = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest("for: " + e.getMessage());
    }
    if (duration.isNegative() || duration.isZero()) {
      throw HttpError.badRequest("for must be positive, like 30m");
    }
    f.command.setDurationMillis(duration.toMillis());
  }

  private static void reassign(Fields f) {
    String user = bounded(f.body, "user", TextBounds.NAME_BYTES);
    if (user == null || user.isBlank()) {
      throw HttpError.badRequest("reassign needs {\"user\": \"<user id>\"}");
    }
    f.command.setUser(user);
  }

  private static void note(Fields f) {
    String text = bounded(f.body, "text", TextBounds.NOTE_BYTES);
    if (text == null || text.isBlank()) {
      throw HttpError.badRequest("a note needs {\"text\": \"...\"}");
    }
    String kindText = text(f.body, "kind");
    NoteKind kind;
    try {
      kind = kindText == null ? NoteKind.COMMENT : NoteKind.valueOf(kindText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest("kind must be comment, root_cause, resolution, lesson_learned or action_item, not '"
          + kindText + "'");
    }
    f.command.setNote(text).setNoteKind(kind).setOwner(bounded(f.body, "owner", TextBounds.NAME_BYTES));
    String due = text(f.body, "due");
    if (due != null) {
      try {
        f.command.setDue(LocalDate.parse(due));
      } catch (DateTimeParseException e) {
        throw HttpError.badRequest("due must be a date like 2026-12-01, not '" + due + "'");
      }
    }
  }

  /** GET of a signed link: says what POSTing it would do, and changes nothing. */
  private Response describeLink(Request request) {
    LinkSigner.Link link = validLink(request.pathParam("token"));
    IncidentState incident = findLocal(link.incidentId()).orElse(null);
    String title = incident != null ? incident.getTitle() : remoteByLink(link, request).path("title").asText();
    if (!acceptsHtml(request)) {
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("incidentId", link.incidentId());
      answer.put("title", title);
      answer.put("action", link.action());
      answer.put("as", link.recipient());
      answer.put("expiresAt", link.expiresAt());
      answer.put("confirm", "POST this URL to " + link.action() + " the incident");
      return Response.ok(answer);
    }
    String verb = link.action().equals(LinkSigner.ACKNOWLEDGE) ? "Acknowledge" : "Resolve";
    return Response.text(200, page(verb + " incident?", "<p><strong>" + html(title) + "</strong> (" + html(link.incidentId())
        + ")</p><form method=\"post\"><button type=\"submit\">" + verb + " as " + html(link.recipient())
        + "</button></form>"), "text/html; charset=utf-8");
  }

  /** POST of a signed link: the one action it was signed for, as its recipient. */
  private Response followLink(Request request) {
    LinkSigner.Link link = validLink(request.pathParam("token"));
    CommandType type = link.action().equals(LinkSigner.ACKNOWLEDGE) ? CommandType.ACKNOWLEDGE : CommandType.RESOLVE;
    if (findLocal(link.incidentId()).isEmpty()) {
      remoteByLink(link, request);
    }
    IncidentCommand command = IncidentCommand.newBuilder()
        .setCommandId(UUID.randomUUID().toString())
        .setIncidentId(link.incidentId())
        .setType(type)
        .setActor(link.recipient())
        .setVia("link")
        .setAt(Instant.now(clock).truncatedTo(ChronoUnit.MILLIS))
        .build();
    Response accepted = publish(command);
    if (!acceptsHtml(request)) {
      return accepted;
    }
    String done = type == CommandType.ACKNOWLEDGE ? "Acknowledged" : "Resolved";
    return Response.text(202, page(done, "<p>" + done + " " + html(link.incidentId()) + " as "
        + html(link.recipient()) + ".</p>"), "text/html; charset=utf-8");
  }

  private LinkSigner.Link validLink(String token) {
    LinkSigner.Link link = links.verify(token)
        .filter(l -> l.action().equals(LinkSigner.ACKNOWLEDGE) || l.action().equals(LinkSigner.RESOLVE))
        .orElseThrow(() -> new HttpError(403, "invalid_link", "this link is not valid (altered, or signed with another key)"));
    if (link.expired(Instant.now(clock))) {
      throw new HttpError(410, "link_expired", "this link expired at " + link.expiresAt()
          + "; open the incident in Pagewire instead");
    }
    return link;
  }

  private Response publish(IncidentCommand command) {
    commands.write(command.getIncidentId(), command, command.getAt());
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("commandId", command.getCommandId());
    answer.put("incidentId", command.getIncidentId());
    answer.put("type", command.getType().name().toLowerCase(Locale.ROOT));
    return Response.accepted(answer);
  }

  /** Throws 404 unless some instance holds the incident. */
  private void exists(String incidentId, Request request) {
    if (findLocal(incidentId).isEmpty()) {
      remote(incidentId, request);
    }
  }

  private Optional<IncidentState> findLocal(String incidentId) {
    try {
      return Optional.ofNullable(queryable(stores::incidents).get(incidentId));
    } catch (InvalidStateStoreException e) {
      throw notQueryable();
    }
  }

  /** The incident from the instance that holds it; 404 when none does. */
  private JsonNode remote(String incidentId, Request request) {
    Optional<String> owner = localOnly(request) ? Optional.empty() : stores.ownerElsewhere(incidentId);
    if (owner.isEmpty()) {
      throw HttpError.notFound("no incident " + incidentId);
    }
    return forward(owner.get(), request, "/api/v1/incidents/" + URLEncoder.encode(incidentId, StandardCharsets.UTF_8));
  }

  /**
   * What the instance holding the link's incident says about the link (404 when none holds it).
   * A link's request has no credentials: the link's own signature authenticates it there, as
   * here, so one-click links work on whichever instance the load balancer picks, with
   * {@code http.auth} on.
   */
  private JsonNode remoteByLink(LinkSigner.Link link, Request request) {
    Optional<String> owner = localOnly(request) ? Optional.empty() : stores.ownerElsewhere(link.incidentId());
    if (owner.isEmpty()) {
      throw HttpError.notFound("no incident " + link.incidentId());
    }
    return forward(owner.get(), request, "/api/v1/links/" + URLEncoder.encode(request.pathParam("token"), StandardCharsets.UTF_8));
  }

  /** GETs {@code path} from {@code instance}, with the caller's credentials, answering from its local state only. */
  private JsonNode forward(String instance, Request request, String path) {
    HttpRequest.Builder forwarded = HttpRequest.newBuilder(URI.create("http://" + instance + path))
        .timeout(Duration.ofSeconds(5)).header(LOCAL_ONLY_HEADER, "true").GET();
    for (String credential : List.of("Authorization", "Cookie")) {
      String value = request.headers().getFirst(credential);
      if (value != null) {
        forwarded.header(credential, value);
      }
    }
    HttpResponse<String> answer;
    try {
      answer = http.send(forwarded.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      log.warn("instance did not answer: instance={} path={} reason={}", instance, HttpApi.loggable(path), e.toString());
      throw HttpError.unavailable("the instance holding part of the incidents (" + instance + ") did not answer; retry");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw HttpError.unavailable("interrupted");
    }
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(answer.body());
    } catch (IOException e) {
      throw HttpError.unavailable("instance " + instance + " answered something other than JSON");
    }
    if (answer.statusCode() == 200) {
      return body;
    }
    throw new HttpError(answer.statusCode(), body.path("error").asText("forwarded_error"),
        body.path("message").asText("instance " + instance + " answered " + answer.statusCode()));
  }

  private static boolean localOnly(Request request) {
    return "true".equals(request.headers().getFirst(LOCAL_ONLY_HEADER));
  }

  private static String actor(Request request, JsonNode body) {
    return request.actor(bounded(body, "actor", TextBounds.NAME_BYTES));
  }

  private static <T> T queryable(java.util.function.Supplier<T> store) {
    try {
      return store.get();
    } catch (InvalidStateStoreException e) {
      throw notQueryable();
    }
  }

  private static HttpError notQueryable() {
    return HttpError.unavailable("incidents are not queryable yet (starting or rebalancing); retry");
  }

  /**
   * The text of {@code field}, which may be at most {@code maxBytes} bytes in UTF-8: stored
   * records stay bounded ({@link TextBounds}). Longer is answered 400 naming the field and the limit.
   */
  private static String bounded(JsonNode body, String field, int maxBytes) {
    return TextBounds.requireWithin(field, text(body, field), maxBytes);
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.path(field);
    return value.isTextual() ? value.asText() : null;
  }

  private static boolean acceptsHtml(Request request) {
    String accept = request.headers().getFirst("Accept");
    return accept != null && accept.contains("text/html");
  }

  private static String page(String title, String content) {
    return "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
        + "<title>" + html(title) + "</title></head><body><h1>" + html(title) + "</h1>" + content + "</body></html>";
  }

  private static String html(String text) {
    return io.pagewire.platform.text.Html.escape(text);
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

  /** A command being built from a request body. */
  private record Fields(JsonNode body, IncidentCommand.Builder command) {}
}
