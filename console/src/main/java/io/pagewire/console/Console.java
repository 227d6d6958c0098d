package io.pagewire.console;

import static io.pagewire.platform.text.Html.escape;

import io.pagewire.escalation.EscalationService;
import io.pagewire.platform.Service;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.HttpError;
import io.pagewire.platform.http.Principal;
import io.pagewire.platform.http.EventStream;
import io.pagewire.platform.http.Request;
import io.pagewire.platform.http.Response;
import io.pagewire.router.RouterService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console for on-call engineers, served by the process's own HTTP API next to the JSON
 * routes: Incidents at {@code /}, an incident at {@code /incidents/{id}}, {@code /oncall} (with
 * escalation), {@code /silences} and {@code /routes} (with the severity router), {@code /reports}.
 * Pages are server-rendered HTML; the live parts use htmx and its SSE extension, served from the
 * jar under {@code /console/assets/}. Nothing is fetched from elsewhere at run time.
 *
 * <p>Every console request is checked by {@link Sessions}: with {@code http.auth} or users'
 * tokens configured a page needs a signed-in session (else it redirects to {@code /signin}),
 * and every POST needs the session's CSRF token. Commands go through the JSON API's own routes
 * ({@link HttpApi#call}) as the signed-in principal.
 */
public final class Console implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Console.class);
  private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
      + " frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'";
  /** A report is a self-contained document: its inline styles and SVG only. */
  private static final String REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";
  /** How long the sender waits for a change before looking again (the HTTP API sends keep-alives itself). */
  static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
  /** Changes within this long after the first become one event. */
  static final Duration SETTLE = Duration.ofMillis(100);

  private final PagewireConfig config;
  private final HttpApi api;
  private final Sessions sessions;
  private final IncidentFeed feed;
  private final IncidentPages incidents;
  private final OperationsPages operations;
  private final EscalationService escalation;
  private final RouterService router;
  private final List<Views.Nav> nav = new ArrayList<>();
  private final Map<String, String> assets;
  private final java.util.Set<Listener> listeners = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** The console of the services in this process; pages whose data no service here owns are left out. */
  public Console(PagewireConfig config, HttpApi api, List<Service> services) {
    this.config = config;
    this.api = api;
    this.escalation = find(services, EscalationService.class);
    this.router = find(services, RouterService.class);
    Clock clock = Clock.systemUTC();
    this.sessions = new Sessions(config, clock);
    this.feed = escalation != null ? new IncidentFeed(config) : null;
    this.incidents = escalation != null ? new IncidentPages(api, escalation, router, feed, clock) : null;
    this.operations = new OperationsPages(config, api, escalation, router, clock);
    this.assets = assets();
    if (escalation != null) {
      nav.add(new Views.Nav("/", "Incidents"));
      nav.add(new Views.Nav("/oncall", "On call"));
    }
    if (router != null) {
      nav.add(new Views.Nav("/silences", "Silences"));
      nav.add(new Views.Nav("/routes", "Routes"));
    }
    nav.add(new Views.Nav("/reports", "Reports"));
  }

  private static <T> T find(List<Service> services, Class<T> type) {
    return services.stream().filter(type::isInstance).map(type::cast).findFirst().orElse(null);
  }

  /** Adds the console's routes. */
  public void routes() {
    api.route("GET", "/console/assets/{name}", this::asset);
    api.route("GET", "/signin", this::signInPage);
    api.route("POST", "/signin", this::signIn);
    api.route("POST", "/signout", this::signOut);
    api.route("GET", "/reports", r -> page(r, "Reports", "/reports", (s, q) -> operations.reportsBody(r.query())));
    api.route("GET", "/console/reports/view", r -> fragment(r, s -> operations.report(r.query()))
        .withHeader("Content-Security-Policy", REPORT_CSP));
    if (escalation != null) {
      api.route("GET", "/", r -> page(r, "Incidents", "/", (s, q) -> incidents.listBody(IncidentPages.Filter.of(r.query()))));
      api.route("GET", "/console/incidents/rows", r -> fragment(r, s -> incidents.rows(IncidentPages.Filter.of(r.query()))));
      api.route("GET", "/incidents/{id}", r -> page(r, "Incident " + r.pathParam("id"), "",
          (s, q) -> incidents.incidentBody(r.pathParam("id"), s)));
      api.route("GET", "/console/incidents/{id}/detail", r -> fragment(r, s -> incidents.detail(r.pathParam("id"), s.principal())));
      for (String command : IncidentPages.COMMANDS) {
        api.route("POST", "/console/incidents/{id}/" + command, r -> post(r,
            (s, form) -> incidents.command(r.pathParam("id"), command, form, s.principal())));
      }
      api.route("GET", "/console/events", this::events);
      api.route("GET", "/oncall", r -> page(r, "On call", "/oncall", (s, q) -> operations.onCallBody(s)));
      api.route("POST", "/console/oncall/overrides", r -> post(r, (s, form) -> operations.addOverride(form, s.principal(), s)));
      api.route("POST", "/console/oncall/overrides/{name}/{id}/delete", r -> post(r,
          (s, form) -> operations.removeOverride(r.pathParam("name"), r.pathParam("id"), s.principal(), s)));
    }
    if (escalation == null) {
      // No incidents here (e.g. `pagewire service severity-router`): the console starts at its first page.
      api.route("GET", "/", r -> redirect(nav.get(0).path()));
    }
    if (router != null) {
      api.route("GET", "/silences", r -> page(r, "Silences", "/silences", (s, q) -> operations.silencesBody(s)));
      api.route("POST", "/console/silences/preview", r -> post(r, (s, form) -> operations.preview(form)));
      api.route("POST", "/console/silences", r -> post(r, (s, form) -> operations.createSilence(form, s.principal(), s)));
      api.route("POST", "/console/silences/{id}/expire", r -> post(r,
          (s, form) -> operations.expireSilence(r.pathParam("id"), s.principal(), s)));
      api.route("GET", "/routes", r -> page(r, "Routes", "/routes", (s, q) -> operations.routesBody(s)));
      api.route("POST", "/console/routes/test", r -> post(r, (s, form) -> operations.routesTest(form)));
    }
  }

  public void start() {
    if (feed != null) {
      feed.start();
      Thread sender = new Thread(this::sendChanges, "console-live-updates");
      sender.setDaemon(true);
      sender.start();
    }
  }

  @FunctionalInterface
  private interface Body {
    String render(Sessions.Session session, Map<String, String> query) throws Exception;
  }

  @FunctionalInterface
  private interface Fragment {
    String render(Sessions.Session session) throws Exception;
  }

  @FunctionalInterface
  private interface Action {
    String run(Sessions.Session session, Map<String, String> form) throws Exception;
  }

  /** The session a page may use: a signed-in one where sign-in is required, else any (a new anonymous one if none). */
  private record Guard(Sessions.Session session, boolean created) {}

  private Optional<Guard> guard(Request request) {
    Optional<Sessions.Session> session = sessions.of(request);
    if (sessions.signInRequired()) {
      return session.filter(Sessions.Session::signedIn).map(s -> new Guard(s, false));
    }
    return Optional.of(session.map(s -> new Guard(s, false)).orElseGet(() -> new Guard(sessions.create(Principal.ANONYMOUS, false), true)));
  }

  private Response page(Request request, String title, String active, Body body) throws Exception {
    Optional<Guard> guard = guard(request);
    if (guard.isEmpty()) {
      return redirect("/signin");
    }
    Sessions.Session session = guard.get().session();
    String html;
    int status = 200;
    try {
      html = Views.page(title, active, nav, session, sessions.signInRequired(), body.render(session, request.query()));
    } catch (HttpError e) {
      status = e.status();
      html = Views.page(title, active, nav, session, sessions.signInRequired(),
          "<h1>" + escape(title) + "</h1>" + Views.outcome(false, e.getMessage()));
    }
    return withSession(secure(Response.html(status, html)), guard.get(), request);
  }

  private Response fragment(Request request, Fragment fragment) throws Exception {
    Optional<Guard> guard = guard(request);
    if (guard.isEmpty()) {
      throw new HttpError(401, "unauthorized", "sign in at /signin first");
    }
    try {
      return withSession(secure(Response.html(200, fragment.render(guard.get().session()))), guard.get(), request);
    } catch (HttpError e) {
      if (isHtmx(request)) {
        return secure(Response.html(e.status(), Views.outcome(false, e.getMessage())));
      }
      throw e;
    }
  }

  /** A state-changing console request: a session (signed in where required) and its CSRF token, always. */
  private Response post(Request request, Action action) throws Exception {
    Map<String, String> form = Forms.parse(request.body());
    Optional<Sessions.Session> session = sessions.of(request);
    if (sessions.signInRequired() && session.filter(Sessions.Session::signedIn).isEmpty()) {
      throw new HttpError(401, "unauthorized", "sign in at /signin first");
    }
    Sessions.requireCsrf(request, session.orElse(null), form);
    try {
      return secure(Response.html(200, action.run(session.get(), form)));
    } catch (HttpError e) {
      if (isHtmx(request)) {
        return secure(Response.html(e.status(), Views.outcome(false, e.getMessage())));
      }
      throw e;
    }
  }

  private Response withSession(Response response, Guard guard, Request request) {
    return guard.created() ? response.withHeader("Set-Cookie", sessions.cookie(guard.session(), request)) : response;
  }

  private static Response secure(Response response) {
    return response.withHeader("Content-Security-Policy", CSP)
        .withHeader("Referrer-Policy", "same-origin")
        .withHeader("Cache-Control", "no-store");
  }

  private static boolean isHtmx(Request request) {
    return "true".equals(request.headers().getFirst("HX-Request"));
  }

  private static Response redirect(String location) {
    return new Response(303, "", "text/plain; charset=utf-8").withHeader("Location", location);
  }

  // ---- sign-in ----

  private Response signInPage(Request request) {
    if (!sessions.signInRequired()) {
      return redirect("/");
    }
    Optional<Sessions.Session> existing = sessions.of(request);
    if (existing.filter(Sessions.Session::signedIn).isPresent()) {
      return redirect("/");
    }
    boolean created = existing.isEmpty();
    Sessions.Session session = existing.orElseGet(() -> sessions.create(Principal.ANONYMOUS, false));
    Response response = secure(Response.html(200, signInHtml(session, null)));
    return created ? response.withHeader("Set-Cookie", sessions.cookie(session, request)) : response;
  }

  private String signInHtml(Sessions.Session session, String error) {
    String body = "<h1>Sign in</h1>" + (error != null ? Views.outcome(false, error) : "")
        + "<form class=\"stack signin\" method=\"post\" action=\"/signin\">" + Views.csrfField(session)
        + Views.field("si-token", "Your API token (users.<id>.apiToken)",
            "<input id=\"si-token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" required>")
        + "<button type=\"submit\">Sign in</button></form>";
    return Views.page("Sign in", "", List.of(), session, false, body);
  }

  private Response signIn(Request request) {
    Map<String, String> form = Forms.parse(request.body());
    Optional<Sessions.Session> pre = sessions.of(request);
    Sessions.requireCsrf(request, pre.orElse(null), form);
    Optional<Principal> principal = sessions.signIn(form.get("token"));
    if (principal.isEmpty()) {
      log.info("console sign-in refused: requestId={}", request.requestId());
      return secure(Response.html(401, signInHtml(pre.get(), "Those credentials are not valid.")));
    }
    sessions.remove(pre.get());
    Sessions.Session session = sessions.create(principal.get(), true);
    log.info("console sign-in: principal={} requestId={}", principal.get().name(), request.requestId());
    return redirect("/").withHeader("Set-Cookie", sessions.cookie(session, request));
  }

  private Response signOut(Request request) {
    Map<String, String> form = Forms.parse(request.body());
    Optional<Sessions.Session> session = sessions.of(request);
    Sessions.requireCsrf(request, session.orElse(null), form);
    sessions.remove(session.get());
    log.info("console sign-out: principal={}", session.get().principal().name());
    return redirect(sessions.signInRequired() ? "/signin" : "/").withHeader("Set-Cookie", sessions.expiredCookie(request));
  }

  // ---- live updates ----

  /**
   * Server-sent events: {@code incidents} after any incident changed (the list reloads its rows),
   * and with {@code ?incident=ID} also {@code incident} when that one changed (its page reloads its
   * detail). One event per burst of changes; a comment every {@link #KEEP_ALIVE} otherwise.
   */
  private Response events(Request request) {
    if (guard(request).isEmpty()) {
      throw new HttpError(401, "unauthorized", "sign in at /signin first");
    }
    String incident = Forms.blankToNull(request.query().get("incident"));
    return Response.events(stream -> {
      Listener listener = new Listener(stream, incident);
      listeners.add(listener);
      stream.onClose(() -> listeners.remove(listener));
    });
  }

  /** One open event stream, and the incident its page shows (null: the list). */
  private record Listener(EventStream stream, String incident) {}

  /** Waits on the feed and sends each burst of changes to every open stream: no thread per browser. */
  private void sendChanges() {
    long seen = feed.version();
    try {
      while (!feed.closed()) {
        IncidentFeed.Change change = feed.await(seen, KEEP_ALIVE, SETTLE);
        if (change.version() == seen) {
          continue;
        }
        seen = change.version();
        String data = Long.toString(seen);
        for (Listener listener : listeners) {
          boolean open = listener.stream().send("incidents", data);
          if (open && listener.incident() != null && change.incidents().contains(listener.incident())) {
            listener.stream().send("incident", data);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("the console's live updates stopped", e);
    }
  }

  // ---- assets ----

  private Response asset(Request request) {
    String name = request.pathParam("name");
    String resource = assets.get(name);
    if (resource == null) {
      throw HttpError.notFound("no console asset " + name);
    }
    try (InputStream in = Console.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw HttpError.notFound("console asset " + name + " is missing from the jar");
      }
      String type = name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
      return Response.text(200, new String(in.readAllBytes(), StandardCharsets.UTF_8), type)
          .withHeader("Cache-Control", "public, max-age=3600");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asset name → classpath resource: htmx and its SSE extension from their WebJars, and the console's own two files. */
  private static Map<String, String> assets() {
    Properties versions = new Properties();
    try (InputStream in = Console.class.getResourceAsStream("webjars.properties")) {
      versions.load(in);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("the console's webjars.properties is missing from the jar", e);
    }
    return Map.of(
        "htmx.min.js", "META-INF/resources/webjars/htmx.org/" + versions.getProperty("htmx") + "/dist/htmx.min.js",
        "sse.js", "META-INF/resources/webjars/htmx-ext-sse/" + versions.getProperty("htmx-ext-sse") + "/sse.js",
        "console.css", "io/pagewire/console/console.css",
        "console.js", "io/pagewire/console/console.js");
  }

  @Override
  public void close() {
    if (feed != null) {
      feed.close();
    }
  }
}
