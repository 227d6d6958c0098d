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
}
