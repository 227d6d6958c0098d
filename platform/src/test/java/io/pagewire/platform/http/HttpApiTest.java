package io.pagewire.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.config.Secret;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpApiTest {

  private final HttpClient client = HttpClient.newHttpClient();
  private HttpApi api;

  private HttpApi start(PagewireConfig.Auth auth, long maxBody) throws Exception {
    api = new HttpApi(new PagewireConfig.Http("127.0.0.1", 0, maxBody, auth, null));
    api.route("POST", "/api/v1/things/{id}/poke", Principal.Scope.INGEST, r -> Response.accepted(Map.of(
        "id", r.pathParam("id"), "actor", r.actor(), "bytes", r.body().length)));
    api.route("GET", "/api/v1/boom", r -> {
      throw new IllegalStateException("internal detail that must not leak");
    });
    api.route("GET", "/healthz", r -> Response.ok(Map.of("status", "ok")));
    api.start();
    return api;
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private HttpResponse<String> send(String method, String path, String body, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String raw(String request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", api.port())) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return Json.MAPPER.readTree(response.body());
  }

  @Test
  void routesWithPathParametersAndAnswersJson() throws Exception {
    start(new PagewireConfig.Auth(null, null, null), 1024);

    HttpResponse<String> response = send("POST", "/api/v1/things/inc-42/poke", "hello", null);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(json(response).get("id").asText()).isEqualTo("inc-42");
    assertThat(json(response).get("bytes").asInt()).isEqualTo(5);
    assertThat(json(response).get("actor").asText()).isEqualTo("anonymous");
  }

  @Test
  void answers404ForUnknownPathsAnd405ForWrongMethods() throws Exception {
    start(new PagewireConfig.Auth(null, null, null), 1024);

    HttpResponse<String> missing = send("GET", "/api/v1/nothing", null, null);
    HttpResponse<String> wrongMethod = send("GET", "/api/v1/things/x/poke", null, null);

    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing).get("error").asText()).isEqualTo("not_found");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
  }

  @Test
  void answers413WithAReasonWhenTheBodyIsOverTheLimit() throws Exception {
    start(new PagewireConfig.Auth(null, null, null), 10);

    HttpResponse<String> response = send("POST", "/api/v1/things/x/poke", "01234567890", null);

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(json(response).get("message").asText()).contains("limit of 10 bytes");
  }

  @Test
  void hidesInternalErrorsBehindARequestId() throws Exception {
    start(new PagewireConfig.Auth(null, null, null), 1024);

    HttpResponse<String> response = send("GET", "/api/v1/boom", null, null);

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).doesNotContain("internal detail");
    assertThat(json(response).get("requestId").asText())
        .isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
  }

  @Test
  void requiresTheBearerTokenOnApiPathsOnly() throws Exception {
    start(new PagewireConfig.Auth(Secret.of("t0ken"), null, null), 1024);

    assertThat(send("POST", "/api/v1/things/x/poke", "", null).statusCode()).isEqualTo(401);
    assertThat(send("POST", "/api/v1/things/x/poke", "", "Bearer wrong").statusCode()).isEqualTo(401);
    assertThat(send("POST", "/api/v1/things/x/poke", "", "Bearer t0ken").statusCode()).isEqualTo(202);
    assertThat(send("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void acceptsBasicAuthAndNamesTheUserAsActor() throws Exception {
    start(new PagewireConfig.Auth(null, "alice", Secret.of("pw")), 1024);
    String good = "Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8));
    String bad = "Basic " + Base64.getEncoder().encodeToString("alice:nope".getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> refused = send("POST", "/api/v1/things/x/poke", "", bad);
    HttpResponse<String> accepted = send("POST", "/api/v1/things/x/poke", "", good);

    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
    assertThat(accepted.statusCode()).isEqualTo(202);
    assertThat(json(accepted).get("actor").asText()).isEqualTo("alice");
  }

  @Test
  void actsAsTheUserWhoseApiTokenIsPresentedAndLetsPublicRoutesInWithoutCredentials() throws Exception {
    api = new HttpApi(new PagewireConfig.Http("127.0.0.1", 0, 1024, new PagewireConfig.Auth(Secret.of("global"), null, null), null),
        Map.of("alice", new PagewireConfig.User("Alice", "alice@example.com", Secret.of("alice-token")),
            "bob", new PagewireConfig.User("Bob", "bob@example.com", null)));
    api.route("POST", "/api/v1/things/{id}/poke", r -> Response.accepted(Map.of("actor", r.actor())));
    api.publicRoute("GET", "/api/v1/links/{token}", r -> Response.ok(Map.of("actor", r.actor())));
    api.start();

    assertThat(json(send("POST", "/api/v1/things/x/poke", null, "Bearer alice-token")).get("actor").asText())
        .isEqualTo("alice");
    HttpResponse<String> shared = send("POST", "/api/v1/things/x/poke", null, "Bearer global");
    assertThat(shared.statusCode()).as("the http.auth credential may only post alerts").isEqualTo(403);
    assertThat(json(shared).get("message").asText()).contains("needs the respond scope");
    assertThat(send("POST", "/api/v1/things/x/poke", null, "Bearer bob-guess").statusCode()).isEqualTo(401);
    assertThat(send("POST", "/api/v1/things/x/poke", null, null).statusCode()).isEqualTo(401);
    HttpResponse<String> link = send("GET", "/api/v1/links/abc", null, null);
    assertThat(link.statusCode()).isEqualTo(200);
    assertThat(json(link).get("actor").asText()).isEqualTo("anonymous");
  }

  @Test
  void answersHtmlPagesAndListsItsRouteTable() throws Exception {
    api = new HttpApi(new PagewireConfig.Http("127.0.0.1", 0, 1024, new PagewireConfig.Auth(null, null, null), null));
    api.route("GET", "/console", r -> Response.html(200, "<!doctype html><p>hi</p>"));
    api.route("POST", "/api/v1/silences", Principal.Scope.RESPOND, r -> Response.ok(Map.of()));
    api.publicRoute("POST", "/api/v1/links/{token}", r -> Response.ok(Map.of()));
    api.start();

    HttpResponse<String> page = send("GET", "/console", null, null);

    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.body()).isEqualTo("<!doctype html><p>hi</p>");
    assertThat(api.routeTable()).containsExactly(
        new RouteInfo("GET", "/console", true, Principal.Scope.READ),
        new RouteInfo("POST", "/api/v1/silences", true, Principal.Scope.RESPOND),
        new RouteInfo("POST", "/api/v1/links/{token}", false, null));
  }

  @Test
  void streamsServerSentEventsFromAnotherThreadAndBoundsOpenStreams() throws Exception {
    java.util.concurrent.BlockingQueue<EventStream> opened = new java.util.concurrent.LinkedBlockingQueue<>();
    api = new HttpApi(new PagewireConfig.Http("127.0.0.1", 0, 1024, new PagewireConfig.Auth(null, null, null), null, null, 1));
    api.route("GET", "/events", r -> Response.events(opened::add));
    api.start();
    HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/events")).build();

    HttpResponse<java.util.stream.Stream<String>> stream = client.send(get, HttpResponse.BodyHandlers.ofLines());
    EventStream events = opened.poll(5, java.util.concurrent.TimeUnit.SECONDS);
    HttpResponse<String> second = client.send(get, HttpResponse.BodyHandlers.ofString());
    new Thread(() -> {
      events.send("incident", "{\"id\":\"inc-1\"}\nsecond line");
      events.close();
    }).start();

    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    assertThat(stream.body().toList()).containsSubsequence("event: incident", "data: {\"id\":\"inc-1\"}", "data: second line");
    assertThat(second.statusCode()).isEqualTo(503);
    assertThat(json(second).get("error").asText()).isEqualTo("too_many_streams");
    assertThat(events.isOpen()).isFalse();
  }

  @Test
  void answersJettysOwnErrorsAsJson() throws Exception {
    start(new PagewireConfig.Auth(null, null, null), 1024);
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", api.port())) {
      socket.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(answer).startsWith("HTTP/1.1 431");
      assertThat(answer).contains("application/json").contains("\"error\":\"headers_too_large\"");
    }
  }

  @Test
  void slowClientsHoldNoThreadWhileTheirHeadersArrive() throws Exception {
    start(new PagewireConfig.Auth(null, null, null), 1024);
    java.util.List<java.net.Socket> slow = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < HttpApi.MAX_THREADS + 10; i++) {
        java.net.Socket socket = new java.net.Socket("127.0.0.1", api.port());
        socket.getOutputStream().write("POST /api/v1/things/x/poke HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        slow.add(socket);
      }
      long started = System.nanoTime();
      HttpResponse<String> answer = send("POST", "/api/v1/things/x/poke", "{}", null);

      assertThat(answer.statusCode()).isEqualTo(202);
      assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(2));
    } finally {
      for (java.net.Socket socket : slow) {
        socket.close();
      }
    }
  }

  @Test
  void enforcesEachScope() throws Exception {
    api = new HttpApi(new PagewireConfig.Http("127.0.0.1", 0, 1024, new PagewireConfig.Auth(Secret.of("ingest-token"), null, null), null),
        Map.of("alice", new PagewireConfig.User("Alice", null, Secret.of("alice-token")),
            "olga", new PagewireConfig.User("Olga", null, Secret.of("olga-token"), null, null, true)));
    api.route("POST", "/api/v1/alerts", Principal.Scope.INGEST, r -> Response.accepted(Map.of()));
    api.route("GET", "/api/v1/incidents", r -> Response.ok(Map.of()));
    api.route("POST", "/api/v1/incidents/{id}/resolve", r -> Response.accepted(Map.of("actor", r.actor("mallory"))));
    api.route("POST", "/api/v1/overrides", Principal.Scope.OPERATOR, r -> Response.accepted(Map.of()));
    api.start();
    Map<String, String> bearer = Map.of("ingest", "Bearer ingest-token", "alice", "Bearer alice-token", "olga", "Bearer olga-token");
    Map<String, java.util.List<Integer>> expected = Map.of(
        // POST alerts, GET incidents, POST resolve, POST overrides
        "ingest", java.util.List.of(202, 403, 403, 403),
        "alice", java.util.List.of(403, 200, 202, 403),
        "olga", java.util.List.of(403, 200, 202, 202));

    for (Map.Entry<String, java.util.List<Integer>> who : expected.entrySet()) {
      String auth = bearer.get(who.getKey());
      assertThat(java.util.List.of(
          send("POST", "/api/v1/alerts", "", auth).statusCode(),
          send("GET", "/api/v1/incidents", null, auth).statusCode(),
          send("POST", "/api/v1/incidents/i/resolve", "", auth).statusCode(),
          send("POST", "/api/v1/overrides", "", auth).statusCode())).as(who.getKey()).isEqualTo(who.getValue());
    }
    assertThat(json(send("POST", "/api/v1/incidents/i/resolve", "", "Bearer alice-token")).get("actor").asText())
        .as("with authentication on, the body's actor is not taken").isEqualTo("alice");
  }

  @Test
  void takesTheBodysActorOnlyWithoutAuthentication() throws Exception {
    api = new HttpApi(new PagewireConfig.Http("127.0.0.1", 0, 1024, new PagewireConfig.Auth(null, null, null), null));
    api.route("POST", "/api/v1/incidents/{id}/resolve", r -> Response.accepted(Map.of("actor", r.actor("carol"))));
    api.start();

    assertThat(json(send("POST", "/api/v1/incidents/i/resolve", "", null)).get("actor").asText()).isEqualTo("carol");
  }

  @Test
  void aBearerTokenNextToABasicUserIsNoServerErrorAndAUserWithoutPasswordIsRefused() throws Exception {
    assertThatThrownBy(() -> new PagewireConfig.Auth(Secret.of("t"), "alertmanager", null))
        .hasMessageContaining("username is set without a password");
    start(new PagewireConfig.Auth(Secret.of("t0ken"), "alertmanager", Secret.of("pw")), 1024);
    String basicWithoutPassword = "Basic " + Base64.getEncoder().encodeToString("alertmanager".getBytes(StandardCharsets.UTF_8));

    assertThat(send("POST", "/api/v1/things/x/poke", "", "Bearer t0ken").statusCode()).isEqualTo(202);
    assertThat(send("POST", "/api/v1/things/x/poke", "", basicWithoutPassword).statusCode()).isEqualTo(401);
    assertThat(send("POST", "/api/v1/things/x/poke", "", "Basic %%%").statusCode()).isEqualTo(401);
    assertThat(send("POST", "/api/v1/things/x/poke", "", "Bearer ").statusCode()).isEqualTo(401);
  }

  @Test
  void refusesCrossSiteBrowserRequestsEvenWithoutCredentials() throws Exception {
    start(new PagewireConfig.Auth(null, null, null), 1024);
    String origin = "http://127.0.0.1:" + api.port();

    HttpResponse<String> textPlain = post("/api/v1/things/x/poke", "{\"matchers\": []}", "Content-Type", "text/plain");
    HttpResponse<String> form = post("/api/v1/things/x/poke", "a=b", "Content-Type", "application/x-www-form-urlencoded");
    HttpResponse<String> noType = post("/api/v1/things/x/poke", "{}");
    HttpResponse<String> foreign = post("/api/v1/things/x/poke", "{}", "Content-Type", "application/json", "Origin", "https://evil.example");
    HttpResponse<String> nullOrigin = post("/api/v1/things/x/poke", "{}", "Content-Type", "application/json", "Origin", "null");
    HttpResponse<String> crossSite = post("/api/v1/things/x/poke", "{}", "Content-Type", "application/json", "Sec-Fetch-Site", "cross-site");
    HttpResponse<String> sameOrigin = post("/api/v1/things/x/poke", "{}", "Content-Type", "application/json; charset=utf-8",
        "Origin", origin, "Sec-Fetch-Site", "same-origin");
    String rebound = raw("POST /api/v1/things/x/poke HTTP/1.1\r\nHost: attacker.example:" + api.port()
        + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    String reboundRead = raw("GET /healthz HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n");

    assertThat(textPlain.statusCode()).isEqualTo(415);
    assertThat(json(textPlain).get("message").asText()).contains("application/json");
    assertThat(form.statusCode()).isEqualTo(415);
    assertThat(noType.statusCode()).isEqualTo(415);
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(json(foreign).get("error").asText()).isEqualTo("foreign_origin");
    assertThat(nullOrigin.statusCode()).isEqualTo(403);
    assertThat(crossSite.statusCode()).isEqualTo(403);
    assertThat(sameOrigin.statusCode()).isEqualTo(202);
    assertThat(rebound).startsWith("HTTP/1.1 403").contains("foreign_host");
    assertThat(reboundRead).startsWith("HTTP/1.1 403");
    assertThat(send("POST", "/api/v1/things/x/poke", null, null).statusCode()).as("an empty POST, as curl -XPOST sends").isEqualTo(202);
  }

  @Test
  void letsTheConfirmationFormOfASignedLinkPostAndTrustsThePublicUrlsOrigin() throws Exception {
    api = new HttpApi(new PagewireConfig.Http("127.0.0.1", 0, 1024, new PagewireConfig.Auth(Secret.of("t"), null, null),
        "https://pagewire.example.com"));
    api.publicRoute("POST", "/api/v1/links/{token}", r -> Response.accepted(Map.of()));
    api.route("POST", "/api/v1/things", r -> Response.accepted(Map.of()));
    api.start();

    assertThat(post("/api/v1/links/abc", "", "Content-Type", "application/x-www-form-urlencoded",
        "Origin", "https://pagewire.example.com").statusCode()).isEqualTo(202);
    assertThat(post("/api/v1/links/abc", "", "Content-Type", "application/x-www-form-urlencoded",
        "Origin", "https://evil.example").statusCode()).isEqualTo(403);
    assertThat(post("/api/v1/things", "{}", "Content-Type", "text/plain", "Authorization", "Bearer t").statusCode()).isEqualTo(415);
  }
}
