package io.pagewire.platform.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pagewire.platform.config.PagewireConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of every service, on the JDK's HTTP server. Services add routes; this class reads
 * bounded bodies, checks credentials on {@code /api/} paths, and turns every outcome into a JSON
 * answer with a request id.
 *
 * <p>Credentials: the {@code http.auth} bearer token (actor {@code token}) or basic-auth user
 * (actor: the user name), or the {@code apiToken} of one of the configured {@code users}
 * (actor: that user's id). Without {@code http.auth} every request is let in, as
 * {@code anonymous} unless it carries a user's token.
 */
public final class HttpApi implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  private final PagewireConfig.Http config;
  private final Map<String, PagewireConfig.User> users;
  private final List<Route> routes = new ArrayList<>();
  private HttpServer server;
  private ExecutorService executor;

  public HttpApi(PagewireConfig.Http config) {
    this(config, Map.of());
  }

  /** @param users people whose {@code apiToken} is accepted as a bearer token, acting as themselves */
  public HttpApi(PagewireConfig.Http config, Map<String, PagewireConfig.User> users) {
    this.config = config;
    this.users = Map.copyOf(users);
  }

  /**
   * Adds a route. {@code pattern} is a path whose {@code {name}} segments match any one segment,
   * e.g. {@code /api/v1/incidents/{id}/acknowledge}.
   */
  public HttpApi route(String method, String pattern, Handler handler) {
    routes.add(new Route(method, pattern.split("/"), handler, true));
    return this;
  }

  /**
   * Adds a route that needs no credentials, even under {@code /api/}: for requests that carry
   * their own proof, such as signed one-click links. Its {@link Request#actor()} is
   * {@code anonymous}.
   */
  public HttpApi publicRoute(String method, String pattern, Handler handler) {
    routes.add(new Route(method, pattern.split("/"), handler, false));
    return this;
  }

  public synchronized void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
    AtomicInteger threads = new AtomicInteger();
    // Handlers block while Kafka acknowledges, so the pool is wider than the core count.
    executor = Executors.newFixedThreadPool(32, r -> {
      Thread t = new Thread(r, "http-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::dispatch);
    server.start();
    log.info("HTTP API listening on {}:{}", config.host(), port());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdown();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server = null;
    }
  }

  private void dispatch(HttpExchange exchange) {
    String requestId = UUID.randomUUID().toString();
    try (exchange) {
      Response response;
      try {
        response = answer(exchange, requestId);
      } catch (HttpError e) {
        response = error(e.status(), e.code(), e.getMessage(), requestId);
      } catch (Exception e) {
        log.error("request {} {} {} failed", requestId, exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
        response = error(500, "internal_error", "the request failed; see the server log for request " + requestId, requestId);
      }
      write(exchange, response, requestId);
    } catch (IOException e) {
      log.debug("request {}: client went away: {}", requestId, e.getMessage());
    }
  }

  private Response answer(HttpExchange exchange, String requestId) throws Exception {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    Matched matched = match(method, path);
    String actor = path.startsWith("/api/") && matched.route().authenticated() ? authenticate(exchange) : "anonymous";
    byte[] body = readBody(exchange);
    Request request = new Request(method, path, matched.params(), query(exchange.getRequestURI().getRawQuery()),
        exchange.getRequestHeaders(), body, requestId, actor);
    return matched.route().handler().handle(request);
  }

  /**
   * Answers a request in this process as the route for {@code method} and {@code path} would
   * over HTTP, as {@code actor} (already authenticated by the caller): the console's pages act
   * through the same routes as the JSON API. An error answer is thrown as {@link HttpError}.
   */
  public Response call(String method, String path, Map<String, String> query, byte[] body, String actor) throws Exception {
    Matched matched = match(method, path);
    Headers headers = new Headers();
    headers.set("Content-Type", "application/json");
    Request request = new Request(method, path, matched.params(), new LinkedHashMap<>(query), headers, body,
        UUID.randomUUID().toString(), actor);
    return matched.route().handler().handle(request);
  }

  private record Matched(Route route, Map<String, String> params) {}

  private Matched match(String method, String path) {
    String[] segments = path.split("/");
    boolean pathKnown = false;
    for (Route route : routes) {
      Map<String, String> params = route.match(segments);
      if (params == null) {
        continue;
      }
      pathKnown = true;
      if (route.method().equals(method)) {
        return new Matched(route, params);
      }
    }
    if (pathKnown) {
      throw new HttpError(405, "method_not_allowed", method + " is not supported on " + path);
    }
    throw HttpError.notFound("no such path: " + path);
  }

  private String authenticate(HttpExchange exchange) {
    PagewireConfig.Auth auth = config.auth();
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = header.substring(7).strip();
      for (Map.Entry<String, PagewireConfig.User> user : users.entrySet()) {
        if (user.getValue().apiToken() != null && user.getValue().apiToken().matches(token)) {
          return user.getKey();
        }
      }
    }
    if (!auth.configured()) {
      return "anonymous";
    }
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && auth.bearerToken() != null
        && auth.bearerToken().matches(header.substring(7).strip())) {
      return "token";
    }
    if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6) && auth.username() != null) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        decoded = "";
      }
      int colon = decoded.indexOf(':');
      if (colon > 0 && decoded.substring(0, colon).equals(auth.username())
          && auth.password().matches(decoded.substring(colon + 1))) {
        return auth.username();
      }
    }
    exchange.getResponseHeaders().add("WWW-Authenticate",
        auth.bearerToken() != null ? "Bearer realm=\"pagewire\"" : "Basic realm=\"pagewire\"");
    throw new HttpError(401, "unauthorized",
        header == null ? "this API needs credentials (Authorization: Bearer <token> or Basic)"
            : "the credentials in the Authorization header are not valid");
  }

  private byte[] readBody(HttpExchange exchange) throws IOException {
    long limit = config.maxBodyBytes();
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared != null && parseLong(declared) > limit) {
      throw tooLarge(limit);
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (body.length > limit) {
        throw tooLarge(limit);
      }
      return body;
    }
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static HttpError tooLarge(long limit) {
    return new HttpError(413, "payload_too_large", "the body is larger than the limit of " + limit
        + " bytes (http.maxBodyBytes); lower Alertmanager's max_alerts or raise the limit");
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      query.putIfAbsent(key, value);
    }
    return query;
  }

  private static Response error(int status, String code, String message, String requestId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message);
    body.put("requestId", requestId);
    return new Response(status, body, "application/json");
  }

  private static void write(HttpExchange exchange, Response response, String requestId) throws IOException {
    response.headers().forEach((name, values) -> values.forEach(v -> exchange.getResponseHeaders().add(name, v)));
    exchange.getResponseHeaders().set("Content-Type", response.contentType());
    exchange.getResponseHeaders().set("X-Request-Id", requestId);
    if (response.body() instanceof Response.Stream stream) {
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(response.status(), 0); // chunked: written as produced
      try (OutputStream out = exchange.getResponseBody()) {
        stream.write(out);
      }
      return;
    }
    byte[] bytes = response.body() instanceof String s
        ? s.getBytes(StandardCharsets.UTF_8)
        : Json.MAPPER.writeValueAsBytes(response.body());
    exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private record Route(String method, String[] pattern, Handler handler, boolean authenticated) {
    Map<String, String> match(String[] segments) {
      if (segments.length != pattern.length) {
        return null;
      }
      Map<String, String> params = new LinkedHashMap<>();
      for (int i = 0; i < pattern.length; i++) {
        String p = pattern[i];
        if (p.startsWith("{") && p.endsWith("}")) {
          if (segments[i].isEmpty()) {
            return null;
          }
          params.put(p.substring(1, p.length() - 1), URLDecoder.decode(segments[i], StandardCharsets.UTF_8));
        } else if (!p.equals(segments[i])) {
          return null;
        }
      }
      return params;
    }
  }
}
