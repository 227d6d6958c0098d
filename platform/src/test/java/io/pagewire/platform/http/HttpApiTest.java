package io.pagewire.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

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
    api.route("POST", "/api/v1/things/{id}/poke", r -> Response.accepted(Map.of(
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
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
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
    assertThat(json(send("POST", "/api/v1/things/x/poke", null, "Bearer global")).get("actor").asText())
        .isEqualTo("token");
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
}
