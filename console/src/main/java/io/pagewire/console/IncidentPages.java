package io.pagewire.console;

import static io.pagewire.platform.text.Html.escape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pagewire.escalation.EscalationService;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.HttpError;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.http.Principal;
import io.pagewire.platform.http.Request;
import io.pagewire.platform.http.Response;
import io.pagewire.router.RouterService;
import io.pagewire.router.topology.RouterTopology;
import io.pagewire.schemas.Ids;
import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.IncidentStatus;
import io.pagewire.schemas.RouterAlert;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The incident list at {@code /} and the incident page at {@code /incidents/{id}}, with their
 * live fragments and every incident command. Reads come from escalation's local stores (the open
 * incidents named by {@link IncidentFeed}); commands go through the incidents API's own routes
 * ({@link HttpApi#call}), so they are checked and written exactly as the JSON API does.
 */
final class IncidentPages {

  /** Commands the console sends, by path segment of {@code /api/v1/incidents/{id}/...}. */
  static final List<String> COMMANDS = List.of("acknowledge", "resolve", "escalate", "snooze", "reassign", "notes");
  /** Resolved incidents listed below the open ones. */
  static final int RESOLVED_SHOWN = 25;
  /** Most resolved incidents looked at when filtering for resolved ones. */
  static final int RESOLVED_SCANNED = 200;
  private static final List<String> STATUSES = List.of("open", "triggered", "acknowledged", "snoozed", "resolved", "all");
  private static final List<String> PRIORITIES = List.of("", "P0", "P1", "P2", "P3", "P4");

  private final HttpApi api;
  private final EscalationService escalation;
  private final RouterService router;
  private final IncidentFeed feed;
  private final Clock clock;
  /**
   * Incidents as last read from the store, with the feed's change version at that read: the list
   * renders 500 open incidents from here instead of 500 store reads, and reads again only those
   * the feed saw change (or after {@link #CACHED_AT_MOST}, should a change come without a record).
   */
  private final Map<String, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();
  static final Duration CACHED_AT_MOST = Duration.ofSeconds(30);

  private record Cached(long changedAt, long readAtNanos, IncidentState state) {}

  IncidentPages(HttpApi api, EscalationService escalation, RouterService router, IncidentFeed feed, Clock clock) {
    this.api = api;
    this.escalation = escalation;
    this.router = router;
    this.feed = feed;
    this.clock = clock;
  }

  /** Open incidents listed unless the list is asked for all of them ({@code limit=all}). */
  static final int OPEN_SHOWN = 100;
  /** At most this many open incidents are listed even with {@code limit=all}. */
  static final int OPEN_MAX = 2_000;

  /** The filters of the list, from the query string; {@code limit} is how many open incidents are shown. */
  record Filter(String status, String priority, String team, String text, int limit) {
    Filter(String status, String priority, String team, String text) {
      this(status, priority, team, text, OPEN_SHOWN);
    }

    static Filter of(Map<String, String> query) {
      String status = query.getOrDefault("status", "open");
      if (!STATUSES.contains(status)) {
        throw HttpError.badRequest("status must be one of " + STATUSES + ", not '" + status + "'");
      }
      String priority = query.getOrDefault("priority", "");
      if (!PRIORITIES.contains(priority)) {
        throw HttpError.badRequest("priority must be P0..P4 or empty, not '" + priority + "'");
      }
      String limit = query.getOrDefault("limit", "");
      if (!limit.isEmpty() && !limit.equals("all")) {
        throw HttpError.badRequest("limit must be all or left out, not '" + limit + "'");
      }
      return new Filter(status, priority, Forms.blankToNull(query.get("team")), Forms.blankToNull(query.get("q")),
          limit.equals("all") ? OPEN_MAX : OPEN_SHOWN);
    }

    boolean wantsOpen() {
      return !status.equals("resolved");
    }

    boolean wantsResolved() {
      return status.equals("resolved") || status.equals("all") || status.equals("open");
    }

    boolean matches(IncidentState s) {
      String st = s.getStatus().name().toLowerCase(Locale.ROOT);
      boolean statusOk = switch (status) {
        case "open" -> s.getStatus() != IncidentStatus.RESOLVED;
        case "all" -> true;
        default -> st.equals(status);
      };
      return statusOk
          && (priority.isEmpty() || s.getPriority().name().equals(priority))
          && (team == null || team.equals(s.getTeam()) || team.equals(s.getLabels().get("service")))
          && (text == null || contains(s, text.toLowerCase(Locale.ROOT)));
    }

    private static boolean contains(IncidentState s, String needle) {
      if (s.getTitle().toLowerCase(Locale.ROOT).contains(needle) || s.getIncidentId().toLowerCase(Locale.ROOT).contains(needle)) {
        return true;
      }
      for (Map.Entry<String, String> label : s.getLabels().entrySet()) {
        if ((label.getKey() + "=" + label.getValue()).toLowerCase(Locale.ROOT).contains(needle)) {
          return true;
        }
      }
      return false;
    }

    String query() {
      return "status=" + enc(status) + "&priority=" + enc(priority) + "&team=" + enc(team == null ? "" : team)
          + "&q=" + enc(text == null ? "" : text) + (limit > OPEN_SHOWN ? "&limit=all" : "");
    }
  }

  /** The list page: filters, then a table body that reloads itself on every change event. */
  String listBody(Filter filter) {
    StringBuilder out = new StringBuilder();
    out.append("<h1>Incidents</h1>")
        .append("<form id=\"filters\" class=\"filters\" method=\"get\" action=\"/\" hx-get=\"/console/incidents/rows\"")
        .append(" hx-target=\"#rows\" hx-trigger=\"change, input delay:300ms from:#f-q, submit\" role=\"search\">")
        .append(Views.field("f-status", "Status", Views.select("f-status", "status", filter.status(), STATUSES,
            List.of("Open", "Triggered", "Acknowledged", "Snoozed", "Resolved", "All"))))
        .append(Views.field("f-priority", "Priority", Views.select("f-priority", "priority", filter.priority(), PRIORITIES,
            List.of("Any", "P0", "P1", "P2", "P3", "P4"))))
        .append(Views.field("f-team", "Team or service", Views.input("f-team", "team", filter.team() == null ? "" : filter.team(), "payments", false)))
        .append(Views.field("f-q", "Text", "<input id=\"f-q\" name=\"q\" type=\"search\" value=\""
            + escape(filter.text() == null ? "" : filter.text()) + "\" placeholder=\"title or label\">"))
        .append(filter.limit() > OPEN_SHOWN ? "<input type=\"hidden\" name=\"limit\" value=\"all\">" : "")
        .append("<button type=\"submit\">Filter</button></form>")
        .append("<div id=\"outcome\" aria-live=\"polite\"></div>")
        .append("<div hx-ext=\"sse\" sse-connect=\"/console/events\">")
        .append("<table class=\"incidents\"><caption class=\"visually-hidden\">Incidents, open first</caption><thead><tr>")
        .append("<th scope=\"col\">Incident</th><th scope=\"col\">Priority</th><th scope=\"col\">Severity</th>")
        .append("<th scope=\"col\">Status</th><th scope=\"col\">Level</th><th scope=\"col\">Age</th>")
        .append("<th scope=\"col\">Team / service</th><th scope=\"col\">Acknowledge SLA</th><th scope=\"col\">Actions</th></tr></thead>")
        .append("<tbody id=\"rows\" hx-get=\"/console/incidents/rows\" hx-include=\"#filters\" hx-trigger=\"sse:incidents\"")
        .append(" hx-swap=\"innerHTML\">").append(rows(filter)).append("</tbody></table></div>");
    return out.toString();
  }

  /** The table rows of the incidents the filter selects: open ones first (by priority, then newest), then recently resolved. */
  String rows(Filter filter) {
    ReadOnlyKeyValueStore<String, IncidentState> store = incidents();
    Instant now = clock.instant();
    List<IncidentState> open = new ArrayList<>();
    if (filter.wantsOpen()) {
      for (IncidentFeed.Status status : feed.open()) {
        IncidentState state = read(store, status.incidentId());
        if (state != null && state.getStatus() != IncidentStatus.RESOLVED && filter.matches(state)) {
          open.add(state);
        }
      }
      open.sort(Comparator.comparing((IncidentState s) -> s.getPriority().ordinal())
          .thenComparing(s -> s.getStatus() == IncidentStatus.TRIGGERED ? 0 : 1)
          .thenComparing(IncidentState::getOpenedAt, Comparator.reverseOrder()));
    }
    List<IncidentState> resolved = new ArrayList<>();
    if (filter.wantsResolved()) {
      int limit = filter.status().equals("resolved") ? 100 : RESOLVED_SHOWN;
      Filter resolvedOnes = new Filter("resolved", filter.priority(), filter.team(), filter.text());
      for (IncidentFeed.Status status : feed.recentlyResolved(RESOLVED_SCANNED)) {
        IncidentState state = read(store, status.incidentId());
        if (state != null && resolvedOnes.matches(state)) {
          resolved.add(state);
          if (resolved.size() >= limit) {
            break;
          }
        }
      }
    }
    StringBuilder out = new StringBuilder(open.size() * 900 + 2048);
    if (open.isEmpty() && filter.wantsOpen()) {
      out.append("<tr><td colspan=\"9\" class=\"empty\">No open incidents")
          .append(filter.status().equals("open") ? "" : " with status " + escape(filter.status())).append(".</td></tr>");
    }
    open.stream().limit(filter.limit()).forEach(s -> row(out, s, now));
    if (open.size() > filter.limit()) {
      out.append("<tr class=\"more\"><td colspan=\"9\">").append(open.size() - filter.limit())
          .append(" more open incidents, less urgent or older than these: narrow the filters, or <a href=\"/?")
          .append(escape(new Filter(filter.status(), filter.priority(), filter.team(), filter.text(), OPEN_MAX).query()))
          .append("\">show all ").append(open.size()).append("</a>.</td></tr>");
    }
    if (!resolved.isEmpty()) {
      out.append("<tr class=\"divider\"><th colspan=\"9\" scope=\"rowgroup\">Recently resolved</th></tr>");
      resolved.forEach(s -> row(out, s, now));
    }
    return out.toString();
  }

  /** The incident from the cache while the feed saw no change of it, else from the store. */
  private IncidentState read(ReadOnlyKeyValueStore<String, IncidentState> store, String id) {
    long changedAt = feed.changedAt(id);
    long now = System.nanoTime();
    Cached cached = cache.get(id);
    if (cached != null && cached.changedAt() == changedAt && now - cached.readAtNanos() < CACHED_AT_MOST.toNanos()) {
      return cached.state();
    }
    IncidentState state = store.get(id);
    if (state == null) {
      cache.remove(id);
    } else {
      cache.put(id, new Cached(changedAt, now, state));
    }
    if (cache.size() > 20_000) {
      cache.clear();
    }
    return state;
  }

  private static void row(StringBuilder out, IncidentState s, Instant now) {
    String id = s.getIncidentId();
    String status = s.getStatus().name().toLowerCase(Locale.ROOT);
    String severity = s.getSeverity() != null ? s.getSeverity().name().replace('_', '-') : null;
    String team = s.getTeam() != null ? s.getTeam() : s.getLabels().get("service");
    out.append("<tr id=\"incident-").append(escape(id)).append("\" data-status=\"").append(status).append("\">")
        .append("<td><a href=\"/incidents/").append(enc(id)).append("\">").append(escape(s.getTitle())).append("</a>")
        .append("<div class=\"muted small\">").append(escape(id)).append("</div></td>")
        .append("<td>").append(Views.badge("priority", s.getPriority().name())).append("</td>")
        .append("<td>").append(Views.badge("severity", severity)).append("</td>")
        .append("<td class=\"status\">").append(Views.badge("status", status))
        .append(s.getMuted() ? " <span class=\"badge muted-badge\" title=\"every firing alert is silenced or inhibited\">muted</span>" : "")
        .append("</td>")
        .append("<td>").append(s.getLevel()).append("</td>")
        .append("<td>").append(Views.age(Duration.between(s.getOpenedAt(), s.getResolvedAt() != null ? s.getResolvedAt() : now)))
        .append("</td><td>").append(team != null ? escape(team) : "<span class=\"muted\">—</span>").append("</td>")
        .append("<td>").append(Views.countdown(status, s.getAcknowledgeDueAt(), s.getAcknowledgeBreachedAt(), now)).append("</td>")
        .append("<td class=\"actions\">");
    if (s.getStatus() == IncidentStatus.TRIGGERED || s.getStatus() == IncidentStatus.SNOOZED) {
      commandButton(out, id, "acknowledge", "Acknowledge", s.getTitle());
    }
    if (s.getStatus() != IncidentStatus.RESOLVED) {
      commandButton(out, id, "resolve", "Resolve", s.getTitle());
    }
    out.append("</td></tr>");
  }

  private static void commandButton(StringBuilder out, String id, String command, String label, String title) {
    out.append("<button type=\"button\" hx-post=\"/console/incidents/").append(enc(id)).append('/').append(command)
        .append("\" hx-target=\"#outcome\" aria-label=\"").append(escape(label + " " + title)).append("\">")
        .append(escape(label)).append("</button>");
  }

  /** The incident page: a header and a detail section that reloads itself when this incident changes. */
  String incidentBody(String id, Sessions.Session session) throws Exception {
    JsonNode incident = incident(id, session.principal());
    StringBuilder out = new StringBuilder();
    out.append("<p><a href=\"/\">← Incidents</a></p><h1>").append(escape(incident.path("title").asText()))
        .append("</h1><p class=\"muted\">").append(escape(id)).append("</p>")
        .append("<div hx-ext=\"sse\" sse-connect=\"/console/events?incident=").append(enc(id)).append("\">")
        .append("<div id=\"detail\" hx-get=\"/console/incidents/").append(enc(id)).append("/detail\" hx-trigger=\"sse:incident\"")
        .append(" hx-swap=\"innerHTML\">").append(detail(id, incident)).append("</div></div>")
        .append(commands(id, session));
    return out.toString();
  }

  String detail(String id, Principal reader) throws Exception {
    return detail(id, incident(id, reader));
  }

  private String detail(String id, JsonNode incident) {
    Instant now = clock.instant();
    String status = incident.path("status").asText();
    StringBuilder out = new StringBuilder();
    JsonNode sla = incident.path("sla");
    out.append("<dl class=\"facts\">")
        .append(fact("Status", Views.badge("status", status)))
        .append(fact("Priority", Views.badge("priority", incident.path("priority").asText(null))))
        .append(fact("Severity", Views.badge("severity", incident.path("severity").asText(null))))
        .append(fact("Level", escape(incident.path("level").asText())))
        .append(fact("Opened", Views.time(incident.get("openedAt")) + " (" + Views.age(Duration.between(
            Instant.parse(incident.path("openedAt").asText()), now)) + " ago)"))
        .append(fact("Acknowledge SLA", Views.countdown(status, instant(sla.get("acknowledgeBy")),
            instant(sla.get("acknowledgeBreachedAt")), now) + " · due " + Views.time(sla.get("acknowledgeBy"))))
        .append(fact("Resolve by", Views.time(sla.get("resolveBy"))
            + (sla.path("resolveBreachedAt").isTextual() ? " <strong class=\"overdue\">breached</strong>" : "")));
    if (incident.path("acknowledgedBy").isTextual()) {
      out.append(fact("Acknowledged", escape(incident.path("acknowledgedBy").asText()) + " at " + Views.time(incident.get("acknowledgedAt"))));
    }
    if (incident.path("resolvedBy").isTextual() || incident.path("resolvedAt").isTextual()) {
      out.append(fact("Resolved", escape(incident.path("resolvedBy").asText("system")) + " at " + Views.time(incident.get("resolvedAt"))));
    }
    if (incident.path("snoozedUntil").isTextual()) {
      out.append(fact("Snoozed until", Views.time(incident.get("snoozedUntil"))));
    }
    if (incident.path("assignee").isTextual()) {
      out.append(fact("Assignee", escape(incident.path("assignee").asText())));
    }
    out.append("</dl>");

    out.append("<section aria-labelledby=\"h-alerts\"><h2 id=\"h-alerts\">Alerts</h2>");
    List<RouterAlert> alerts = alerts(id);
    if (alerts == null) {
      out.append("<p class=\"muted\">The firing alerts are held by the severity router, which this process does not run.</p>");
    } else if (alerts.isEmpty()) {
      out.append("<p class=\"muted\">No alert of this incident fires now.</p>");
    }
    Map<String, String> incidentLinks = Json.MAPPER.convertValue(incident.path("links"),
        Json.MAPPER.getTypeFactory().constructMapType(Map.class, String.class, String.class));
    if (alerts != null) {
      for (RouterAlert alert : alerts) {
        var a = alert.getAlert();
        out.append("<article class=\"alert\"><h3>").append(escape(a.getLabels().getOrDefault("alertname", a.getFingerprint())))
            .append(" <span class=\"muted small\">since ").append(Views.time(a.getStartsAt())).append("</span></h3>");
        if (alert.getSuppressed() != null) {
          out.append("<p class=\"muted\">Pages nobody: ").append(escape(alert.getSuppressed())).append("</p>");
        }
        out.append("<h4>Labels</h4>").append(Views.labels(a.getLabels()));
        if (!a.getAnnotations().isEmpty()) {
          out.append("<h4>Annotations</h4><dl class=\"annotations\">");
          a.getAnnotations().forEach((k, v) -> out.append("<dt>").append(escape(k)).append("</dt><dd>").append(escape(v)).append("</dd>"));
          out.append("</dl>");
        }
        String runbook = a.getAnnotations().getOrDefault("runbook_url", a.getAnnotations().get("runbook"));
        out.append("<p class=\"links\">").append(Views.link(runbook, "Runbook")).append(' ')
            .append(Views.link(a.getGeneratorUrl(), "Source (generator)")).append("</p></article>");
      }
    }
    if (incidentLinks != null && !incidentLinks.isEmpty()) {
      out.append("<p class=\"links\">");
      incidentLinks.forEach((name, url) -> {
        if (!name.equals("incident")) {
          out.append(Views.link(url, name)).append(' ');
        }
      });
      out.append("</p>");
    }
    out.append("<h3>Incident labels</h3>").append(Views.labels(Json.MAPPER.convertValue(incident.path("labels"),
        Json.MAPPER.getTypeFactory().constructMapType(java.util.LinkedHashMap.class, String.class, String.class))));
    out.append("</section>");

    out.append("<section aria-labelledby=\"h-notes\"><h2 id=\"h-notes\">Notes and action items</h2>");
    JsonNode notes = incident.path("notes");
    if (notes.isEmpty()) {
      out.append("<p class=\"muted\">No notes yet.</p>");
    } else {
      out.append("<ul class=\"notes\">");
      for (JsonNode note : notes) {
        out.append("<li><span class=\"badge kind\">").append(escape(note.path("kind").asText().replace('_', ' '))).append("</span> ")
            .append(escape(note.path("text").asText())).append(" <span class=\"muted small\">— ")
            .append(escape(note.path("actor").asText("")));
        if (note.path("owner").isTextual()) {
          out.append(", owner ").append(escape(note.path("owner").asText()));
        }
        if (note.path("due").isTextual()) {
          out.append(", due ").append(escape(note.path("due").asText()));
        }
        out.append(", ").append(Views.time(note.get("at"))).append("</span></li>");
      }
      out.append("</ul>");
    }
    out.append("</section>");

    out.append("<section aria-labelledby=\"h-timeline\"><h2 id=\"h-timeline\">Timeline</h2><ol class=\"timeline\">");
    for (JsonNode event : incident.path("timeline")) {
      out.append("<li><span class=\"when\">").append(Views.time(event.get("at"))).append("</span> <strong>")
          .append(escape(event.path("type").asText().replace('_', ' '))).append("</strong>");
      if (event.path("level").isInt()) {
        out.append(" level ").append(event.path("level").asInt());
      }
      if (event.path("recipient").isTextual()) {
        out.append(" → ").append(escape(event.path("recipient").asText()));
      }
      if (event.path("channel").isTextual()) {
        out.append(" via ").append(escape(event.path("channel").asText()));
      }
      if (event.path("actor").isTextual()) {
        out.append(" by ").append(escape(event.path("actor").asText()));
      }
      if (event.path("detail").isTextual()) {
        out.append(" <span class=\"muted\">").append(escape(event.path("detail").asText())).append("</span>");
      }
      out.append("</li>");
    }
    if (incident.path("timelineDropped").asInt(0) > 0) {
      out.append("<li class=\"muted\">").append(incident.path("timelineDropped").asInt()).append(" events left out</li>");
    }
    out.append("</ol></section>");
    return out.toString();
  }

  private static String fact(String name, String valueHtml) {
    return "<div><dt>" + escape(name) + "</dt><dd>" + valueHtml + "</dd></div>";
  }

  /** Every command, each a small form posting with htmx; its outcome appears in {@code #outcome}. */
  private static String commands(String id, Sessions.Session session) {
    String base = "/console/incidents/" + enc(id) + "/";
    String csrf = Views.csrfField(session);
    return "<section aria-labelledby=\"h-commands\"><h2 id=\"h-commands\">Commands</h2>"
        + "<div id=\"outcome\" aria-live=\"polite\"></div><div class=\"commands\">"
        + form(base + "acknowledge", csrf, Views.field("c-ack-note", "Note (optional)", Views.input("c-ack-note", "note", "", "looking into it", false)), "Acknowledge")
        + form(base + "resolve", csrf, Views.field("c-res-note", "Note (optional)", Views.input("c-res-note", "note", "", "rolled back", false)), "Resolve")
        + form(base + "snooze", csrf, Views.field("c-snooze", "Snooze for", Views.input("c-snooze", "for", "30m", "30m", true)), "Snooze")
        + form(base + "reassign", csrf, Views.field("c-user", "Reassign to (user id)", Views.input("c-user", "user", "", "bob", true)), "Reassign")
        + form(base + "escalate", csrf, Views.field("c-esc-note", "Note (optional)", Views.input("c-esc-note", "note", "", "need the database team", false)), "Escalate now")
        + form(base + "notes", csrf,
            Views.field("c-kind", "Kind", Views.select("c-kind", "kind", "comment",
                List.of("comment", "root_cause", "resolution", "lesson_learned", "action_item"),
                List.of("Comment", "Root cause", "Resolution", "Lesson learned", "Action item")))
            + Views.field("c-text", "Note", "<textarea id=\"c-text\" name=\"text\" rows=\"2\" required></textarea>")
            + Views.field("c-owner", "Owner (action items)", Views.input("c-owner", "owner", "", "alice", false))
            + Views.field("c-due", "Due (action items)", "<input id=\"c-due\" name=\"due\" type=\"date\">"), "Add note")
        + "</div></section>";
  }

  private static String form(String action, String csrf, String fields, String button) {
    return "<form method=\"post\" action=\"" + action + "\" hx-post=\"" + action + "\" hx-target=\"#outcome\">"
        + csrf + fields + "<button type=\"submit\">" + escape(button) + "</button></form>";
  }

  /**
   * Sends one command through the incidents API as {@code actor}.
   *
   * @return the outcome line
   */
  String command(String id, String command, Map<String, String> form, Principal actor) throws Exception {
    if (!COMMANDS.contains(command)) {
      throw HttpError.notFound("no command " + command);
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    for (String field : List.of("note", "for", "user", "kind", "text", "owner", "due")) {
      String value = Forms.blankToNull(form.get(field));
      if (value != null) {
        body.put(field, value);
      }
    }
    Response answer = api.call("POST", "/api/v1/incidents/" + enc(id) + "/" + command, Map.of(),
        Json.MAPPER.writeValueAsBytes(body), actor);
    String verb = switch (command) {
      case "acknowledge" -> "Acknowledgement";
      case "resolve" -> "Resolution";
      case "escalate" -> "Escalation";
      case "snooze" -> "Snooze";
      case "reassign" -> "Reassignment";
      default -> "Note";
    };
    JsonNode accepted = Json.MAPPER.valueToTree(answer.body());
    return Views.outcome(true, verb + " of " + id + " accepted (command " + accepted.path("commandId").asText() + ")");
  }

  private JsonNode incident(String id, Principal reader) throws Exception {
    return Json.MAPPER.valueToTree(api.call("GET", "/api/v1/incidents/" + enc(id), Map.of(), new byte[0], reader).body());
  }

  /** The firing alerts of the incident from the router's store; null when this process runs no router. */
  private List<RouterAlert> alerts(String id) {
    if (router == null) {
      return null;
    }
    IncidentState state;
    try {
      state = incidents().get(id);
    } catch (HttpError e) {
      return null;
    }
    if (state == null || state.getStatus() == IncidentStatus.RESOLVED) {
      return List.of();
    }
    List<RouterAlert> alerts = new ArrayList<>();
    try {
      ReadOnlyKeyValueStore<String, RouterAlert> store = router.streams().store(StoreQueryParameters.fromNameAndType(
          RouterTopology.ALERT_STORE, QueryableStoreTypes.<String, RouterAlert>keyValueStore()));
      try (KeyValueIterator<String, RouterAlert> it = store.prefixScan(Ids.groupPrefix(state.getIncidentKey()), new StringSerializer())) {
        while (it.hasNext() && alerts.size() < 100) {
          alerts.add(it.next().value);
        }
      }
    } catch (InvalidStateStoreException e) {
      return null;
    }
    return alerts;
  }

  private ReadOnlyKeyValueStore<String, IncidentState> incidents() {
    try {
      return escalation.incidents();
    } catch (InvalidStateStoreException e) {
      throw HttpError.unavailable("incidents are not queryable yet (starting or rebalancing); retry");
    }
  }

  private static Instant instant(JsonNode node) {
    return node != null && node.isTextual() ? Instant.parse(node.asText()) : null;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static List<String> priorities() {
    return PRIORITIES;
  }
}
