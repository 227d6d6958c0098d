package io.pagewire.console;

import static io.pagewire.platform.text.Html.escape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pagewire.escalation.EscalationService;
import io.pagewire.escalation.policy.Target;
import io.pagewire.escalation.schedule.OnCall;
import io.pagewire.escalation.schedule.OverrideSource;
import io.pagewire.escalation.schedule.ScheduleOverrides;
import io.pagewire.platform.config.Durations;
import io.pagewire.platform.config.LabelMatcher;
import io.pagewire.platform.config.Matchers;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.config.PolicyConfig;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.HttpError;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.http.Principal;
import io.pagewire.reports.Reports;
import io.pagewire.reports.model.Report;
import io.pagewire.reports.model.ReportQuery;
import io.pagewire.reports.render.ReportFormat;
import io.pagewire.platform.kafka.replay.Progress;
import io.pagewire.router.RouterService;
import io.pagewire.router.cli.RoutesTestCommand;
import io.pagewire.router.topology.RouterTopology;
import io.pagewire.schemas.RouterAlert;
import io.pagewire.schemas.ScheduleOverride;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The On call, Silences, Routes and Reports pages. Writes go through the JSON API's own routes
 * ({@link HttpApi#call}); reads come from the same stores the API reads.
 */
final class OperationsPages {

  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ROOT);
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
  /** Firing alerts listed in a silence's preview. */
  static final int PREVIEW_SHOWN = 50;

  private final PagewireConfig config;
  private final HttpApi api;
  private final EscalationService escalation;
  private final RouterService router;
  private final Clock clock;

  OperationsPages(PagewireConfig config, HttpApi api, EscalationService escalation, RouterService router, Clock clock) {
    this.config = config;
    this.api = api;
    this.escalation = escalation;
    this.router = router;
    this.clock = clock;
  }

  // ---- On call ----

  String onCallBody(Sessions.Session session) {
    return "<h1>On call</h1><div id=\"outcome\" aria-live=\"polite\"></div><div id=\"oncall\">" + onCall(session) + "</div>";
  }

  /** Who is on call now per schedule and policy, the next hand-offs, a week per schedule with its overrides. */
  String onCall(Sessions.Session session) {
    ReadOnlyKeyValueStore<String, ScheduleOverride> overrides = overrides();
    OnCall onCall = new OnCall(config, OverrideSource.of(overrides));
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    StringBuilder out = new StringBuilder();
    if (onCall.schedules().isEmpty()) {
      out.append("<p class=\"muted\">No schedules are configured (<code>escalation.schedules</code>).</p>");
    }
    out.append("<section aria-labelledby=\"h-now\"><h2 id=\"h-now\">Now</h2><table><thead><tr><th scope=\"col\">Schedule</th>")
        .append("<th scope=\"col\">On call</th><th scope=\"col\">Until</th><th scope=\"col\">Next hand-offs</th></tr></thead><tbody>");
    for (String schedule : onCall.schedules()) {
      out.append("<tr><th scope=\"row\">").append(escape(schedule)).append(" <span class=\"muted small\">")
          .append(escape(onCall.zone(schedule).getId())).append("</span></th><td>")
          .append(people(onCall.onCall(schedule, now))).append("</td><td>").append(Views.time(onCall.until(schedule, now)))
          .append("</td><td><ol class=\"handoffs\">");
      Instant t = now;
      for (int i = 0; i < 3; i++) {
        Instant next = onCall.until(schedule, t);
        if (next == null) {
          break;
        }
        out.append("<li>").append(Views.time(next)).append(" → ").append(people(onCall.onCall(schedule, next))).append("</li>");
        t = next;
      }
      out.append("</ol></td></tr>");
    }
    out.append("</tbody></table></section>");

    out.append("<section aria-labelledby=\"h-policies\"><h2 id=\"h-policies\">Escalation policies</h2>");
    Map<String, PolicyConfig> policies = config.escalation().policies();
    if (policies.isEmpty()) {
      out.append("<p>The default policy pages the levels ");
      List<String> levels = new ArrayList<>();
      config.escalation().levels().forEach(l -> levels.add(escape(l.name())));
      out.append(String.join(" → ", levels)).append(".</p>");
    }
    policies.forEach((name, policy) -> {
      out.append("<h3>").append(escape(name)).append("</h3><ol class=\"steps\">");
      for (PolicyConfig.Step step : policy.steps()) {
        out.append("<li>after ").append(escape(Durations.format(step.delay()))).append(": ");
        List<String> targets = new ArrayList<>();
        for (PolicyConfig.Target configured : step.targets()) {
          Target target = configured.user() != null ? Target.user(configured.user())
              : configured.schedule() != null ? Target.schedule(configured.schedule()) : Target.team(configured.team());
          String who;
          try {
            who = people(onCall.usersFor(target, now));
          } catch (IllegalArgumentException e) {
            who = "<span class=\"error\">" + escape(e.getMessage()) + "</span>";
          }
          targets.add(escape(target.kind().name().toLowerCase(Locale.ROOT)) + " " + escape(target.id()) + " (now " + who + ")");
        }
        out.append(String.join("; ", targets)).append("</li>");
      }
      out.append("</ol>");
    });
    out.append("</section>");

    for (String schedule : onCall.schedules()) {
      out.append(week(onCall, schedule, now, overrides));
    }
    if (!onCall.schedules().isEmpty()) {
      out.append(overrideForm(onCall, session));
    }
    return out.toString();
  }

  private String week(OnCall onCall, String schedule, Instant now, ReadOnlyKeyValueStore<String, ScheduleOverride> store) {
    ZoneId zone = onCall.zone(schedule);
    LocalDate today = LocalDate.ofInstant(now, zone);
    StringBuilder out = new StringBuilder("<section class=\"week\" aria-labelledby=\"h-week-" + escape(schedule) + "\"><h2 id=\"h-week-"
        + escape(schedule) + "\">" + escape(schedule) + ": the next 7 days <span class=\"muted small\">(times in " + escape(zone.getId())
        + ")</span></h2><ol class=\"days\">");
    for (int d = 0; d < 7; d++) {
      LocalDate day = today.plusDays(d);
      Instant start = day.atStartOfDay(zone).toInstant();
      Instant end = day.plusDays(1).atStartOfDay(zone).toInstant();
      out.append("<li><h3>").append(escape(DAY.format(day))).append("</h3><ul>");
      Instant t = start;
      int segments = 0;
      while (t.isBefore(end) && segments++ < 24) {
        List<String> who = onCall.onCall(schedule, t);
        Instant segmentEnd = t;
        // Changes that leave the same people on call (an override edge, a layer's window) are one segment.
        while (segmentEnd.isBefore(end) && onCall.onCall(schedule, segmentEnd).equals(who)) {
          Instant next = onCall.nextChange(schedule, segmentEnd);
          segmentEnd = next == null || next.isAfter(end) ? end : next;
        }
        out.append("<li><span class=\"when\">").append(HOUR.format(t.atZone(zone))).append('–')
            .append(segmentEnd.equals(end) ? "24:00" : HOUR.format(segmentEnd.atZone(zone))).append("</span> ")
            .append(people(who)).append("</li>");
        t = segmentEnd;
      }
      out.append("</ul></li>");
    }
    out.append("</ol>");
    List<ScheduleOverride> overrides = new ArrayList<>(OverrideSource.of(store).forSchedule(schedule));
    overrides.removeIf(o -> !o.getEnd().isAfter(now));
    overrides.sort(Comparator.comparing(ScheduleOverride::getStart));
    out.append("<h3>Overrides</h3>");
    if (overrides.isEmpty()) {
      out.append("<p class=\"muted\">None.</p>");
    } else {
      out.append("<ul class=\"overrides\">");
      for (ScheduleOverride o : overrides) {
        String path = "/console/oncall/overrides/" + IncidentPages.enc(schedule) + "/" + IncidentPages.enc(o.getOverrideId()) + "/delete";
        out.append("<li>").append(escape(o.getUser())).append(o.getReplaces() != null ? " replaces " + escape(o.getReplaces()) : "")
            .append(", ").append(Views.time(o.getStart())).append(" – ").append(Views.time(o.getEnd()))
            .append(" <button type=\"button\" hx-post=\"").append(path).append("\" hx-target=\"#oncall\"")
            .append(" aria-label=\"Remove the override of ").append(escape(o.getUser())).append("\">Remove</button></li>");
      }
      out.append("</ul>");
    }
    return out.append("</section>").toString();
  }

  private String overrideForm(OnCall onCall, Sessions.Session session) {
    List<String> schedules = List.copyOf(onCall.schedules());
    List<String> users = new ArrayList<>(config.users().keySet());
    List<String> replaces = new ArrayList<>(List.of(""));
    replaces.addAll(users);
    List<String> replaceLabels = new ArrayList<>(List.of("(add to whoever is on call)"));
    replaceLabels.addAll(users);
    return "<section aria-labelledby=\"h-add\"><h2 id=\"h-add\">Add an override</h2>"
        + "<form class=\"stack\" method=\"post\" action=\"/console/oncall/overrides\" hx-post=\"/console/oncall/overrides\" hx-target=\"#oncall\">"
        + Views.csrfField(session)
        + Views.field("o-schedule", "Schedule", Views.select("o-schedule", "schedule", schedules.get(0), schedules, schedules))
        + Views.field("o-user", "Who is on call instead", Views.select("o-user", "user", users.isEmpty() ? "" : users.get(0), users, users))
        + Views.field("o-replaces", "Replaces", Views.select("o-replaces", "replaces", "", replaces, replaceLabels))
        + Views.field("o-start", "Start (now, or a time like 2026-03-08T09:00:00Z)", Views.input("o-start", "start", "now", null, true))
        + Views.field("o-end", "End (a length like 8h, or a time)", Views.input("o-end", "end", "8h", null, true))
        + "<button type=\"submit\">Add override</button></form></section>";
  }

  /** Adds an override through the on-call API, then shows the page's content again. */
  String addOverride(Map<String, String> form, Principal actor, Sessions.Session session) throws Exception {
    String schedule = required(form, "schedule");
    Instant start = start(form.get("start"));
    Instant end = end(form.get("end"), start);
    ObjectNode body = Json.MAPPER.createObjectNode()
        .put("user", required(form, "user")).put("start", start.toString()).put("end", end.toString());
    if (Forms.blankToNull(form.get("replaces")) != null) {
      body.put("replaces", form.get("replaces").strip());
    }
    api.call("POST", "/api/v1/schedules/" + IncidentPages.enc(schedule) + "/overrides", Map.of(),
        Json.MAPPER.writeValueAsBytes(body), actor);
    return Views.outcome(true, "Override added to " + schedule + ".") + onCall(session);
  }

  String removeOverride(String schedule, String id, Principal actor, Sessions.Session session) throws Exception {
    api.call("DELETE", "/api/v1/schedules/" + IncidentPages.enc(schedule) + "/overrides/" + IncidentPages.enc(id), Map.of(),
        new byte[0], actor);
    return Views.outcome(true, "Override removed from " + schedule + ".") + onCall(session);
  }

  private ReadOnlyKeyValueStore<String, ScheduleOverride> overrides() {
    try {
      return escalation.streams().store(StoreQueryParameters.fromNameAndType(
          ScheduleOverrides.STORE, QueryableStoreTypes.<String, ScheduleOverride>keyValueStore()));
    } catch (InvalidStateStoreException e) {
      throw HttpError.unavailable("schedule overrides are not queryable yet (starting); retry");
    }
  }

  private static String people(List<String> users) {
    if (users.isEmpty()) {
      return "<span class=\"muted\">nobody</span>";
    }
    List<String> escaped = new ArrayList<>();
    users.forEach(u -> escaped.add("<strong>" + escape(u) + "</strong>"));
    return String.join(", ", escaped);
  }

  // ---- Silences ----

  String silencesBody(Sessions.Session session) throws Exception {
    return "<h1>Silences</h1><section aria-labelledby=\"h-new\"><h2 id=\"h-new\">New silence</h2>"
        + "<form id=\"silence-form\" class=\"stack\" method=\"post\" action=\"/console/silences\" hx-post=\"/console/silences\" hx-target=\"#silences\">"
        + Views.csrfField(session)
        + Views.field("s-matchers", "Matchers (one per line, e.g. service=\"db\" or severity=~\"warn|crit\")",
            "<textarea id=\"s-matchers\" name=\"matchers\" rows=\"3\" required hx-post=\"/console/silences/preview\""
                + " hx-trigger=\"input changed delay:400ms\" hx-target=\"#preview\" hx-include=\"#silence-form\"></textarea>")
        + Views.field("s-start", "Start (now, or a time like 2026-11-22T20:00:00Z)", Views.input("s-start", "start", "now", null, true))
        + Views.field("s-end", "End (a length like 2h, or a time)", Views.input("s-end", "end", "2h", null, true))
        + Views.field("s-comment", "Comment", Views.input("s-comment", "comment", "", "database maintenance", true))
        + "<button type=\"submit\">Create silence</button></form>"
        + "<section aria-labelledby=\"h-preview\"><h3 id=\"h-preview\">Firing alerts it would mute</h3>"
        + "<div id=\"preview\" aria-live=\"polite\"><p class=\"muted\">Type matchers to see the alerts they mute.</p></div></section></section>"
        + "<section aria-labelledby=\"h-list\"><h2 id=\"h-list\">Silences</h2><div id=\"silences\">" + silences(session) + "</div></section>";
  }

  String silences(Sessions.Session session) throws Exception {
    JsonNode list = Json.MAPPER.valueToTree(api.call("GET", "/api/v1/silences", Map.of(), new byte[0], session.principal()).body());
    StringBuilder out = new StringBuilder("<table><thead><tr><th scope=\"col\">Matchers</th><th scope=\"col\">Status</th>")
        .append("<th scope=\"col\">Starts</th><th scope=\"col\">Ends</th><th scope=\"col\">By</th><th scope=\"col\">Comment</th>")
        .append("<th scope=\"col\">Action</th></tr></thead><tbody>");
    if (list.path("silences").isEmpty()) {
      out.append("<tr><td colspan=\"7\" class=\"empty\">No silences.</td></tr>");
    }
    for (JsonNode s : list.path("silences")) {
      List<String> matchers = new ArrayList<>();
      s.path("matchers").forEach(m -> matchers.add("<code>" + escape(m.asText()) + "</code>"));
      String status = s.path("status").asText();
      out.append("<tr data-silence=\"").append(escape(s.path("id").asText())).append("\"><td>").append(String.join(" ", matchers))
          .append("</td><td>").append(Views.badge("silence", status)).append("</td><td>").append(Views.time(s.get("startsAt")))
          .append("</td><td>").append(Views.time(s.get("endsAt"))).append("</td><td>").append(escape(s.path("createdBy").asText()))
          .append("</td><td>").append(escape(s.path("comment").asText())).append("</td><td>");
      if (!status.equals("expired")) {
        out.append("<button type=\"button\" hx-post=\"/console/silences/").append(IncidentPages.enc(s.path("id").asText()))
            .append("/expire\" hx-target=\"#silences\" aria-label=\"Expire the silence ").append(escape(String.join(" ",
                s.path("matchers").findValuesAsText("")))).append("\">Expire</button>");
      }
      out.append("</td></tr>");
    }
    return out.append("</tbody></table>").toString();
  }

  /** The currently firing alerts the matchers of a silence form would mute. */
  String preview(Map<String, String> form) {
    List<String> texts = matcherLines(form.get("matchers"));
    if (texts.isEmpty()) {
      return "<p class=\"muted\">Type matchers to see the alerts they mute.</p>";
    }
    Matchers matchers;
    try {
      List<String> parsed = new ArrayList<>();
      for (String text : texts) {
        LabelMatcher.parse(text).forEach(m -> parsed.add(m.toString()));
      }
      matchers = Matchers.parse(parsed);
    } catch (IllegalArgumentException e) {
      return Views.outcome(false, "Matchers: " + e.getMessage());
    }
    if (router == null) {
      return "<p class=\"muted\">This process runs no severity router, so it cannot see the firing alerts.</p>";
    }
    int count = 0;
    StringBuilder rows = new StringBuilder();
    try (KeyValueIterator<String, RouterAlert> it = firingAlerts().all()) {
      while (it.hasNext()) {
        RouterAlert alert = it.next().value;
        if (alert != null && matchers.matches(alert.getAlert().getLabels())) {
          if (++count <= PREVIEW_SHOWN) {
            rows.append("<li>").append(Views.labels(alert.getAlert().getLabels()))
                .append(alert.getSuppressed() != null ? "<span class=\"muted small\">already muted: " + escape(alert.getSuppressed()) + "</span>" : "")
                .append("</li>");
          }
        }
      }
    }
    if (count == 0) {
      return "<p>No firing alert matches these matchers now.</p>";
    }
    return "<p><strong>" + count + "</strong> firing alert" + (count == 1 ? "" : "s") + " would be muted"
        + (count > PREVIEW_SHOWN ? " (the first " + PREVIEW_SHOWN + " shown)" : "") + ":</p><ul class=\"preview\">" + rows + "</ul>";
  }

  String createSilence(Map<String, String> form, Principal actor, Sessions.Session session) throws Exception {
    List<String> matchers = matcherLines(form.get("matchers"));
    Instant start = start(form.get("start"));
    Instant end = end(form.get("end"), start);
    ObjectNode body = Json.MAPPER.createObjectNode();
    matchers.forEach(body.putArray("matchers")::add);
    body.put("startsAt", start.toString()).put("endsAt", end.toString());
    String comment = Forms.blankToNull(form.get("comment"));
    if (comment != null) {
      body.put("comment", comment);
    }
    JsonNode created = Json.MAPPER.valueToTree(api.call("POST", "/api/v1/silences", Map.of(), Json.MAPPER.writeValueAsBytes(body), actor).body());
    // The router lists a silence once its global store read it: within a commit interval.
    String id = created.path("id").asText();
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    String list = silences(session);
    while (!list.contains(id) && System.nanoTime() < deadline) {
      Thread.sleep(25);
      list = silences(session);
    }
    return Views.outcome(true, "Silence " + id + " created.") + list;
  }

  String expireSilence(String id, Principal actor, Sessions.Session session) throws Exception {
    api.call("DELETE", "/api/v1/silences/" + IncidentPages.enc(id), Map.of(), new byte[0], actor);
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    String list = silences(session);
    while (list.contains("data-silence=\"" + id + "\"><td>") && !expiredIn(list, id) && System.nanoTime() < deadline) {
      Thread.sleep(25);
      list = silences(session);
    }
    return Views.outcome(true, "Silence " + id + " expired.") + list;
  }

  private static boolean expiredIn(String list, String id) {
    int at = list.indexOf("data-silence=\"" + id + "\"");
    int rowEnd = list.indexOf("</tr>", at);
    return at >= 0 && list.substring(at, rowEnd).contains("silence-expired");
  }

  private ReadOnlyKeyValueStore<String, RouterAlert> firingAlerts() {
    try {
      return router.streams().store(StoreQueryParameters.fromNameAndType(
          RouterTopology.ALERT_STORE, QueryableStoreTypes.<String, RouterAlert>keyValueStore()));
    } catch (InvalidStateStoreException e) {
      throw HttpError.unavailable("the firing alerts are not queryable yet (starting); retry");
    }
  }

  private static List<String> matcherLines(String text) {
    List<String> lines = new ArrayList<>();
    if (text == null) {
      return lines;
    }
    for (String line : text.split("\\R")) {
      if (!line.isBlank()) {
        lines.add(line.strip());
      }
    }
    return lines;
  }

  // ---- Routes ----

  String routesBody(Sessions.Session session) {
    return "<h1>Routes</h1><p>Which routes an alert with these labels matches, and the priority, severity, team, policy and"
        + " incident key that result, as <code>pagewire routes test</code> prints them.</p>"
        + "<form class=\"stack\" method=\"post\" action=\"/console/routes/test\" hx-post=\"/console/routes/test\" hx-target=\"#route-result\">"
        + Views.csrfField(session)
        + Views.field("r-labels", "Labels (LABEL=VALUE, one per line or separated by spaces)",
            "<textarea id=\"r-labels\" name=\"labels\" rows=\"4\" required placeholder=\"alertname=PostgresDown service=db severity=critical\"></textarea>")
        + "<button type=\"submit\">Test</button></form><div id=\"route-result\" aria-live=\"polite\"></div>";
  }

  String routesTest(Map<String, String> form) {
    Map<String, String> labels = new LinkedHashMap<>();
    String text = form.getOrDefault("labels", "");
    for (String pair : text.strip().split("\\s+")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw HttpError.badRequest("labels: '" + pair + "' is not LABEL=VALUE");
      }
      labels.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    if (labels.isEmpty()) {
      throw HttpError.badRequest("labels: give at least one LABEL=VALUE");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int status = RoutesTestCommand.test(config, labels, out);
    return "<pre class=\"" + (status == 0 ? "routed" : "unroutable") + "\">" + escape(bytes.toString(StandardCharsets.UTF_8)) + "</pre>";
  }

  // ---- Reports ----

  String reportsBody(Map<String, String> query) {
    String incident = query.getOrDefault("incident", "");
    String since = query.getOrDefault("since", "7d");
    String team = query.getOrDefault("team", "");
    StringBuilder out = new StringBuilder("<h1>Reports</h1><p>Replayed from the topics, as <code>pagewire report</code> writes them.</p>")
        .append("<form class=\"filters\" method=\"get\" action=\"/reports\">")
        .append(Views.field("p-incident", "Incident id (empty: a period)", Views.input("p-incident", "incident", incident, "inc-…", false)))
        .append(Views.field("p-since", "Period (back from now)", Views.input("p-since", "since", since, "7d", false)))
        .append(Views.field("p-team", "Team", Views.input("p-team", "team", team, "payments", false)))
        .append("<button type=\"submit\">Show report</button></form>");
    if (query.containsKey("since") || query.containsKey("incident")) {
      String src = "/console/reports/view?incident=" + IncidentPages.enc(incident) + "&since=" + IncidentPages.enc(since)
          + "&team=" + IncidentPages.enc(team);
      out.append("<iframe class=\"report\" title=\"Report\" sandbox src=\"").append(escape(src)).append("\"></iframe>");
    }
    return out.toString();
  }

  /** The HTML report itself, as one self-contained document. */
  String report(Map<String, String> query) {
    String incident = Forms.blankToNull(query.get("incident"));
    String since = Forms.blankToNull(query.get("since"));
    Instant from = null;
    if (incident == null) {
      try {
        from = clock.instant().minus(Durations.parse(since != null ? since : "7d"));
      } catch (IllegalArgumentException e) {
        throw HttpError.badRequest("since: " + e.getMessage());
      }
    }
    ReportQuery reportQuery = new ReportQuery(incident, from, null, Forms.blankToNull(query.get("team")), null, null, ZoneId.of("UTC"));
    Report report = Reports.replay(config, reportQuery, Progress.NONE);
    if (report == null) {
      throw HttpError.notFound("incident " + incident + " is not in the topics");
    }
    return ReportFormat.HTML.render(report);
  }

  // ---- times typed into forms ----

  private Instant start(String text) {
    String value = Forms.blankToNull(text);
    if (value == null || value.equalsIgnoreCase("now")) {
      return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }
    return time("start", value);
  }

  private static Instant end(String text, Instant start) {
    String value = Forms.blankToNull(text);
    if (value == null) {
      throw HttpError.badRequest("end is required: a length like 2h, or a time like 2026-11-22T22:00:00Z");
    }
    try {
      return start.plus(Durations.parse(value));
    } catch (IllegalArgumentException notALength) {
      return time("end", value);
    }
  }

  private static Instant time(String field, String value) {
    try {
      return ZonedDateTime.parse(value).toInstant();
    } catch (DateTimeException e) {
      throw HttpError.badRequest(field + ": '" + value + "' is not a time like 2026-11-22T22:00:00Z (or, for end, a length like 2h)");
    }
  }

  private static String required(Map<String, String> form, String field) {
    String value = Forms.blankToNull(form.get(field));
    if (value == null) {
      throw HttpError.badRequest(field + " is required");
    }
    return value;
  }
}
