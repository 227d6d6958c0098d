package io.pagewire.platform.http;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.Principal.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of every service, on Jetty 12 (core, no servlets). Services add routes; this class
 * authenticates ({@link Authenticator}), checks the route's scope ({@link Principal}), guards
 * state-changing requests against browsers on other sites ({@link BrowserGuard}), bounds bodies,
 * and turns every outcome into an answer with a request id: errors are always the JSON body
 * {@code {"error", "message", "requestId"}}, including those Jetty itself answers (a malformed
 * request line, headers over the limit).
 *
 * <p>Limits: at most {@value #MAX_THREADS} handler threads, {@value #MAX_CONNECTIONS} connections
 * (further ones wait in the accept queue; each has at most one request queued for a thread), request headers of
 * {@value #HEADER_BYTES} bytes (431 beyond), a connection idle for {@value #IDLE_MILLIS} ms is
 * closed, and a body arriving slower than {@value #MIN_BYTES_PER_SECOND} bytes/s is cut off. A
 * slow client holds no thread while its headers arrive.
 */
public final class HttpApi implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  static final int MAX_THREADS = 128;
  static final int MAX_CONNECTIONS = 2048;
  static final int HEADER_BYTES = 16 * 1024;
  static final long IDLE_MILLIS = 30_000;
  static final long MIN_BYTES_PER_SECOND = 1024;
  static final long DRAIN_BYTES = 8L * 1024 * 1024;

  private final PagewireConfig.Http config;
  private final Authenticator authenticator;
  private final BrowserGuard browserGuard;
  private final List<Route> routes = new ArrayList<>();
  private final EventStreams eventStreams;
  private Server server;
  private ServerConnector connector;

  public HttpApi(PagewireConfig.Http config) {
    this(config, Map.of());
  }

  /** @param users people whose {@code apiToken} is accepted as a bearer token, acting as themselves */
  public HttpApi(PagewireConfig.Http config, Map<String, PagewireConfig.User> users) {
    this.config = config;
    this.authenticator = new Authenticator(config.auth(), users);
    this.browserGuard = new BrowserGuard(config);
    this.eventStreams = new EventStreams(config.maxEventStreams());
  }

  /**
   * Adds a route. {@code pattern} is a path whose {@code {name}} segments match any one segment,
   * e.g. {@code /api/v1/incidents/{id}/acknowledge}. Under {@code /api/} it needs
   * {@link Scope#READ} for GET and {@link Scope#RESPOND} otherwise; see
   * {@link #route(String, String, Scope, Handler)}.
   */
  public HttpApi route(String method, String pattern, Handler handler) {
    return route(method, pattern, method.equals("GET") || method.equals("HEAD") ? Scope.READ : Scope.RESPOND, handler);
  }

  /** Adds a route whose callers need {@code scope} (403 otherwise) when it is under {@code /api/}. */
  public synchronized HttpApi route(String method, String pattern, Scope scope, Handler handler) {
    routes.add(new Route(method, pattern, pattern.split("/", -1), handler, scope));
    return this;
  }

  /**
   * Adds a route that needs no credentials, even under {@code /api/}: for requests that carry
   * their own proof, such as signed one-click links. Its {@link Request#actor()} is
   * {@code anonymous} and its principal has no scope.
   */
  public synchronized HttpApi publicRoute(String method, String pattern, Handler handler) {
    routes.add(new Route(method, pattern, pattern.split("/", -1), handler, null));
    return this;
  }

  /** Every route, in the order added: what an API description is checked against. */
  public synchronized List<RouteInfo> routeTable() {
    List<RouteInfo> table = new ArrayList<>();
    for (Route route : routes) {
      table.add(new RouteInfo(route.method(), route.pattern(), route.scope() != null, route.scope()));
    }
    return Collections.unmodifiableList(table);
  }

  public synchronized void start() throws IOException {
    // The job queue is bounded by the connection limit: a connection has at most one request in it.
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 8, 60_000);
    threads.setName("http");
    threads.setDaemon(true);
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(HEADER_BYTES);
    http.setResponseHeaderSize(HEADER_BYTES);
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setIdleTimeout(IDLE_MILLIS);
    http.setMinRequestDataRate(MIN_BYTES_PER_SECOND);
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(config.host());
    connector.setPort(config.port());
    connector.setIdleTimeout(IDLE_MILLIS);
    connector.setAcceptQueueSize(128);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, server));
    server.setErrorHandler(new JsonErrors());
    server.setHandler(new Dispatcher());
    try {
      server.start();
    } catch (IOException e) {
      server = null;
      throw e;
    } catch (Exception e) {
      server = null;
      throw new IOException("cannot start the HTTP server on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
    log.info("HTTP API listening on {}:{}", config.host(), port());
  }

  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      eventStreams.closeAll();
      try {
        server.stop();
      } catch (Exception e) {
        log.warn("HTTP server did not stop cleanly: {}", e.toString());
      }
      server = null;
    }
  }

  /** Routes each request, on a pool thread (handlers may block, e.g. until Kafka acknowledges). */
  private final class Dispatcher extends org.eclipse.jetty.server.Handler.Abstract {
    @Override
    public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                          Callback callback) {
      String requestId = requestId();
      Response answer;
      try {
        answer = answer(request, requestId);
      } catch (HttpError e) {
        answer = error(e.status(), e.code(), e.getMessage(), requestId).withHeaders(e.headers());
      } catch (Exception e) {
        log.error("request {} {} {} failed", requestId, request.getMethod(), loggable(request.getHttpURI().getPath()), e);
        answer = error(500, "internal_error", "the request failed; see the server log for request " + requestId, requestId);
      }
      drain(request, response);
      write(request, response, callback, answer, requestId);
      return true;
    }
  }

  /**
   * Reads what the handler left of the body (one answered before reading it: 401, 413, a GET
   * with a body), at most {@value #DRAIN_BYTES} bytes, so the client, still sending, gets the
   * answer instead of a reset connection; beyond that the connection is closed after the answer.
   */
  private static void drain(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response) {
    long length = request.getLength();
    if (length > DRAIN_BYTES) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      return;
    }
    try (InputStream rest = org.eclipse.jetty.server.Request.asInputStream(request)) {
      // Usually the handler read the whole body: then there is nothing to drain and no buffer to allocate.
      if (rest.read() < 0) {
        return;
      }
      long skipped = 1;
      byte[] buffer = new byte[16 * 1024];
      int n;
      while ((n = rest.read(buffer)) >= 0) {
        skipped += n;
        if (skipped > DRAIN_BYTES) {
          response.getHeaders().put(HttpHeader.CONNECTION, "close");
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
  }

  private Response answer(org.eclipse.jetty.server.Request exchange, String requestId) throws Exception {
    String method = exchange.getMethod();
    String path = exchange.getHttpURI().getPath();
    Matched matched = find(method, path);
    Route route = matched.route();
    Map<String, String> params = matched.params();
    Headers headers = headers(exchange.getHeaders());
    browserGuard.check(method, path, headers, exchange.getLength(), route.scope() == null);
    Principal principal;
    if (route.scope() == null) {
      principal = Principal.PUBLIC;
    } else if (path.startsWith("/api/")) {
      principal = authenticator.authenticate(headers);
      principal.require(route.scope());
    } else {
      principal = Principal.ANONYMOUS;
    }
    Request request = new Request(method, path, params, query(exchange.getHttpURI().getQuery()), headers,
        requestId, principal, new Body(exchange, config.maxBodyBytes()));
    return route.handler().handle(request);
  }

  /**
   * Answers a request in this process as the route for {@code method} and {@code path} would over
   * HTTP, as {@code principal}, which the caller authenticated (the console, by its session): the
   * console's pages act through the same routes and scope checks as the JSON API. The request has
   * {@code Content-Type: application/json} and {@code body}. An error answer is thrown as {@link HttpError}.
   */
  public Response call(String method, String path, Map<String, String> query, byte[] body, Principal principal) throws Exception {
    Matched matched = find(method, path);
    Route route = matched.route();
    Map<String, String> params = matched.params();
    if (route.scope() != null) {
      principal.require(route.scope());
    }
    Headers headers = new Headers(Map.of("content-type", List.of(Response.JSON)));
    Request request = new Request(method, path, params, new LinkedHashMap<>(query), headers, requestId(),
        route.scope() == null ? Principal.PUBLIC : principal, new Request.BodySource() {
          @Override
          public InputStream open(long limit, String limitKey) {
            if (body.length > limit) {
              throw tooLarge(limit, limitKey);
            }
            return new java.io.ByteArrayInputStream(body);
          }

          @Override
          public long defaultLimit() {
            return config.maxBodyBytes();
          }

          @Override
          public long declaredLength() {
            return body.length;
          }
        });
    return route.handler().handle(request);
  }

  private record Matched(Route route, Map<String, String> params) {}

  /** The route for {@code method} on {@code path} and its path parameters; 404 or 405 when there is none. */
  private Matched find(String method, String path) {
    String[] segments = path.split("/", -1);
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

  private static Headers headers(HttpFields fields) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (HttpField field : fields) {
      values.computeIfAbsent(field.getLowerCaseName(), k -> new ArrayList<>(1)).add(field.getValue());
    }
    return new Headers(values);
  }

  /** The body of one request, read at most to a limit. */
  private record Body(org.eclipse.jetty.server.Request exchange, long defaultLimit) implements Request.BodySource {
    @Override
    public InputStream open(long limit, String limitKey) {
      if (exchange.getLength() > limit) {
        throw tooLarge(limit, limitKey);
      }
      return new BoundedInputStream(org.eclipse.jetty.server.Request.asInputStream(exchange), limit, limitKey);
    }

    @Override
    public long declaredLength() {
      return exchange.getLength();
    }
  }

  /** Reads at most {@code limit} bytes; one more is a 413. */
  private static final class BoundedInputStream extends InputStream {
    private final InputStream in;
    private final long limit;
    private final String limitKey;
    private long read;

    BoundedInputStream(InputStream in, long limit, String limitKey) {
      this.in = in;
      this.limit = limit;
      this.limitKey = limitKey;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0 && ++read > limit) {
        throw tooLarge(limit, limitKey);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, (int) Math.min(length, limit - read + 1));
      if (n > 0 && (read += n) > limit) {
        throw tooLarge(limit, limitKey);
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /**
   * {@code path} as it may be logged: a signed link's token ({@code /links/TOKEN}) acts without
   * credentials, so it is replaced by {@code ****}.
   */
  public static String loggable(String path) {
    int links = path.indexOf("/links/");
    if (links < 0) {
      return path;
    }
    int start = links + "/links/".length();
    int end = path.indexOf('/', start);
    return path.substring(0, start) + "****" + (end < 0 ? "" : path.substring(end));
  }

  static HttpError unreadable(IOException e) {
    return new HttpError(400, "unreadable_body", "the body could not be read: " + e.getMessage());
  }

  static HttpError tooLarge(long limit, String limitKey) {
    return new HttpError(413, "payload_too_large", "the body is larger than the limit of " + limit
        + " bytes (" + limitKey + ")" + (limitKey.startsWith("ingest") ? "; set Alertmanager's max_alerts or raise the limit" : ""));
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      query.putIfAbsent(key, value);
    }
    return query;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest("bad percent-encoding in '" + text + "'");
    }
  }

  static Response error(int status, String code, String message, String requestId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message);
    body.put("requestId", requestId);
    return new Response(status, body, Response.JSON);
  }

  static byte[] errorBody(int status, String code, String message, String requestId) {
    return bytesOrEmpty(error(status, code, message, requestId).body());
  }

  /** A random (version 4) UUID without the cost of {@code SecureRandom}: an id, not a secret. */
  private static String requestId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  private void write(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                     Callback callback, Response answer, String requestId) {
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, answer.contentType());
    headers.put("X-Request-Id", requestId);
    headers.put("X-Content-Type-Options", "nosniff");
    answer.headers().forEach(headers::add);
    if (answer.body() instanceof EventStream.Opener opener) {
      eventStreams.open(request, response, callback, opener, requestId);
      return;
    }
    byte[] bytes;
    try {
      bytes = bytes(answer.body());
    } catch (IOException e) {
      log.error("request {}: the answer could not be written as JSON", requestId, e);
      answer = error(500, "internal_error", "the answer could not be written; see the server log for request " + requestId, requestId);
      headers.put(HttpHeader.CONTENT_TYPE, Response.JSON);
      bytes = bytesOrEmpty(answer.body());
    }
    response.setStatus(answer.status());
    if (bytes.length == 0 || answer.status() == 204 || answer.status() == 304) {
      response.write(true, null, callback);
      return;
    }
    headers.put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }

  private static byte[] bytes(Object body) throws IOException {
    if (body == null) {
      return new byte[0];
    }
    if (body instanceof byte[] raw) {
      return raw;
    }
    if (body instanceof String text) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    return Json.MAPPER.writeValueAsBytes(body);
  }

  private static byte[] bytesOrEmpty(Object body) {
    try {
      return bytes(body);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /** What Jetty answers itself (a malformed request, headers too large), in the same JSON shape. */
  private static final class JsonErrors extends ErrorHandler {
    @Override
    public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                          Callback callback) {
      int status = request.getAttribute(ERROR_STATUS) instanceof Integer s ? s : 500;
      Object message = request.getAttribute(ERROR_MESSAGE);
      byte[] body = bytesOrEmpty(error(status, code(status), message != null ? message.toString() : reason(status),
          requestId()).body());
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, Response.JSON);
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      response.write(true, ByteBuffer.wrap(body), callback);
      return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      fields.put(HttpHeader.CONTENT_TYPE, Response.JSON);
      return ByteBuffer.wrap(bytesOrEmpty(error(status, code(status), reason != null ? reason : reason(status),
          requestId()).body()));
    }

    private static String code(int status) {
      return switch (status) {
        case 400 -> "bad_request";
        case 408 -> "request_timeout";
        case 413 -> "payload_too_large";
        case 414 -> "uri_too_long";
        case 431 -> "headers_too_large";
        case 505 -> "http_version_not_supported";
        default -> status >= 500 ? "internal_error" : "bad_request";
      };
    }

    private static String reason(int status) {
      String reason = org.eclipse.jetty.http.HttpStatus.getMessage(status);
      return reason != null ? reason.toLowerCase(Locale.ROOT) : "error " + status;
    }
  }

  private record Route(String method, String pattern, String[] segments, Handler handler, Scope scope) {
    Map<String, String> match(String[] path) {
      if (path.length != segments.length) {
        return null;
      }
      Map<String, String> params = null;
      for (int i = 0; i < segments.length; i++) {
        String p = segments[i];
        if (p.startsWith("{") && p.endsWith("}")) {
          if (path[i].isEmpty()) {
            return null;
          }
          if (params == null) {
            params = new LinkedHashMap<>();
          }
          params.put(p.substring(1, p.length() - 1), decode(path[i]));
        } else if (!p.equals(path[i])) {
          return null;
        }
      }
      return params != null ? params : Map.of();
    }
  }
}
