package io.pagewire.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.http.Principal;
import io.pagewire.platform.http.RouteInfo;
import io.pagewire.testsupport.WebhookReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline with {@code http.auth} on, tried as an attacker would: a browser on another
 * site, a silence with a pathological regex, credentials used beyond their scope, and a few
 * hundred hostile bodies for every route.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileHttpIT {

  private static final String INGEST = "Bearer ingest-secret";
  private static final String ALICE = "Bearer alice-token";
  private static final String BOB = "Bearer bob-token";
  private static final String OLGA = "Bearer olga-token";
  private static final String EVIL_REGEX = "instance=~\\\"(.*.*.*.*.*.*.*.*.*.*.*.*)X\\\"";

  private EmbeddedKafka kafka;
  private WebhookReceiver receiver;
  private TestPipeline pipeline;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private int alerts;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    receiver = new WebhookReceiver();
    pipeline = new TestPipeline(kafka, dir.resolve("streams"), """
        http: {port: ${HTTP_PORT}, auth: {bearerToken: ingest-secret}}
        users:
          alice: {name: Alice, apiToken: alice-token}
          bob: {name: Bob, apiToken: bob-token}
          olga: {name: Olga, apiToken: olga-token, operator: true}
        sla:
          P0: {acknowledgeWithin: 15m, escalateEvery: 15m, resolveWithin: 1h}
        escalation:
          sweepInterval: 100ms
          levels:
            - {name: primary-oncall, channels: [hook]}
        notifier:
          channels:
            hook: {type: webhook, url: "%s"}
          perPerson: {count: 1000000, per: 1m}
          perChannel: {count: 1000000, per: 1m}
          retry: {initialBackoff: 100ms, maxBackoff: 1s, giveUpAfter: 30s}
        """.formatted(receiver.url()));
  }

  @AfterAll
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {pipeline, receiver, kafka}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }

  @Test
  @Order(1)
  void shouldKeepPagingAfterASilenceWithAPathologicalRegex() throws Exception {
    // A first page warms every hop (producers, transactions), so the bound measures the silence, not start-up.
    assertThat(send("POST", "/api/v1/alerts/alertmanager", INGEST, "application/json", webhook("Warmup", "warm")).statusCode())
        .isEqualTo(200);
    await("the warm-up page").atMost(Duration.ofSeconds(30)).until(() -> receiver.bodies("PAGE").stream()
        .anyMatch(p -> p.path("labels").path("instance").asText().equals("warm")));
    HttpResponse<String> silence = send("POST", "/api/v1/silences", ALICE, "application/json",
        "{\"matchers\": [\"" + EVIL_REGEX + "\"], \"endsAt\": \"" + Instant.now().plus(Duration.ofHours(1)) + "\"}");
    long postedAt = System.nanoTime();
    assertThat(silence.statusCode()).as(silence.body()).isEqualTo(201);

    // 40 characters and no X: java.util.regex would backtrack for hours on this value.
    String instance = "a".repeat(40);
    assertThat(send("POST", "/api/v1/alerts/alertmanager", INGEST, "application/json", webhook("Evil", instance)).statusCode())
        .isEqualTo(200);

    WebhookReceiver.Received page = await("the new alert's page").atMost(Duration.ofSeconds(10))
        .until(() -> receiver.received(WebhookReceiver.HOOK).stream()
            .filter(r -> r.json().path("labels").path("instance").asText().equals(instance)).findFirst().orElse(null), p -> p != null);
    assertThat(Duration.ofNanos(page.arrivedNanos() - postedAt)).as("from the silence's POST to the page")
        .isLessThanOrEqualTo(Duration.ofSeconds(2));
    HttpResponse<String> invalid = send("POST", "/api/v1/silences", ALICE, "application/json",
        "{\"matchers\": [\"service=~\\\"db(\\\"\"], \"endsAt\": \"" + Instant.now().plus(Duration.ofHours(1)) + "\"}");
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(invalid.body()).contains("invalid regex");
  }

  @Test
  @Order(2)
  void shouldRefuseASilenceFromABrowserOnAnotherSite() throws Exception {
    String body = "{\"matchers\": [\"alertname=~\\\".+\\\"\"], \"endsAt\": \"" + Instant.now().plus(Duration.ofHours(1)) + "\"}";

    HttpResponse<String> textPlain = send("POST", "/api/v1/silences", ALICE, "text/plain", body);
    HttpResponse<String> foreign = client.send(request("POST", "/api/v1/silences", ALICE, "application/json", body)
        .header("Origin", "https://evil.example").build(), HttpResponse.BodyHandlers.ofString());

    assertThat(textPlain.statusCode()).isEqualTo(415);
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(Json.MAPPER.readTree(foreign.body()).path("error").asText()).isEqualTo("foreign_origin");
    assertThat(send("GET", "/api/v1/silences", ALICE, null, null).body()).doesNotContain("alertname=~");
  }

  @Test
  @Order(3)
  void shouldEnforceEachScope() throws Exception {
    String incident = firstIncident();
    String silenceBody = "{\"matchers\": [\"service=scoped\"], \"endsAt\": \"" + Instant.now().plus(Duration.ofHours(1))
        + "\", \"createdBy\": \"somebody-else\"}";

    assertThat(send("POST", "/api/v1/incidents/" + incident + "/resolve", INGEST, null, null).statusCode())
        .as("the ingest credential cannot resolve").isEqualTo(403);
    assertThat(send("GET", "/api/v1/incidents", INGEST, null, null).statusCode()).isEqualTo(403);
    assertThat(send("POST", "/api/v1/silences", INGEST, "application/json", silenceBody).statusCode()).isEqualTo(403);
    assertThat(send("POST", "/api/v1/alerts/alertmanager", ALICE, "application/json", webhook("ByHand", "x")).statusCode())
        .as("a person's token does not post alerts").isEqualTo(403);

    String alices = silenceId(send("POST", "/api/v1/silences", ALICE, "application/json", silenceBody));
    JsonNode created = Json.MAPPER.readTree(send("GET", "/api/v1/silences/" + alices, ALICE, null, null).body());
    assertThat(created.path("createdBy").asText()).as("the body's createdBy is not taken with auth on").isEqualTo("alice");
    HttpResponse<String> byBob = send("DELETE", "/api/v1/silences/" + alices, BOB, null, null);
    assertThat(byBob.statusCode()).as("bob may not expire alice's silence").isEqualTo(403);
    assertThat(byBob.body()).contains("operator");
    assertThat(send("DELETE", "/api/v1/silences/" + alices, OLGA, null, null).statusCode()).as("an operator may").isEqualTo(200);
    String bobs = silenceId(send("POST", "/api/v1/silences", BOB, "application/json", silenceBody));
    assertThat(send("DELETE", "/api/v1/silences/" + bobs, BOB, null, null).statusCode()).as("bob may expire his own").isEqualTo(200);

    HttpResponse<String> resolved = send("POST", "/api/v1/incidents/" + incident + "/resolve", ALICE, "application/json",
        "{\"actor\": \"mallory\"}");
    assertThat(resolved.statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> Json.MAPPER.readTree(
        send("GET", "/api/v1/incidents/" + incident, ALICE, null, null).body()).path("status").asText().equals("resolved"));
    JsonNode timeline = Json.MAPPER.readTree(send("GET", "/api/v1/incidents/" + incident, ALICE, null, null).body()).path("timeline");
    assertThat(timeline.findValuesAsText("actor")).contains("alice").doesNotContain("mallory");
  }

  @Test
  @Order(4)
  void shouldAnswerEveryHostileBodyOnEveryRouteWithoutAServerErrorAndStayHealthy() throws Exception {
    Random random = new Random(20261201);
    String incident = firstIncident();
    String silence = silenceId(send("POST", "/api/v1/silences", OLGA, "application/json",
        "{\"matchers\": [\"service=fuzz-target\"], \"endsAt\": \"" + Instant.now().plus(Duration.ofHours(1)) + "\"}"));
    String link = receiver.bodies("PAGE").get(0).path("links").path("acknowledge").asText();
    String token = link.substring(link.lastIndexOf('/') + 1);
    List<String> failures = new ArrayList<>();
    int sent = 0;
    long started = System.nanoTime();

    for (RouteInfo route : pipeline.routeTable()) {
      String path = route.pattern().replace("{id}", route.pattern().contains("silences") ? silence : incident)
          .replace("{token}", token).replace("{name}", "primary");
      String auth = route.scope() == Principal.Scope.INGEST ? INGEST : OLGA;
      for (HostileBodies.Attempt attempt : HostileBodies.forRoute(route, validBody(route), random)) {
        HttpResponse<String> answer;
        try {
          answer = client.send(request(route.method(), path + attempt.query(), auth, attempt.contentType(), attempt.body())
              .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
          failures.add(route.method() + " " + route.pattern() + " " + attempt.what() + ": " + e);
          continue;
        }
        sent++;
        int status = answer.statusCode();
        // Pagewire's own error body names the error; the PagerDuty Events API answers its own
        // validation errors as PagerDuty does, with a list of errors.
        boolean named = answer.body().contains("\"error\"")
            || route.pattern().equals("/v2/enqueue") && answer.body().contains("\"errors\"");
        boolean jsonError = status < 400
            || answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json") && named;
        if ((status >= 500 && status != 503) || !jsonError) {
          failures.add(route.method() + " " + route.pattern() + " " + attempt.what() + ": " + status + " "
              + answer.body().substring(0, Math.min(200, answer.body().length())));
        }
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    org.slf4j.LoggerFactory.getLogger(HostileHttpIT.class).info("fuzz: {} requests on {} routes in {} ms",
        sent, pipeline.routeTable().size(), took.toMillis());

    assertThat(failures).as("answers that were a server error or not a JSON error").isEmpty();
    assertThat(sent).isGreaterThanOrEqualTo(150 * pipeline.routeTable().size());
    HttpResponse<String> health = send("GET", "/healthz", null, null, null);
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    // A valid request still succeeds afterwards, and pages.
    String instance = "after-fuzz";
    assertThat(send("POST", "/api/v1/alerts/alertmanager", INGEST, "application/json", webhook("AfterFuzz", instance)).statusCode())
        .isEqualTo(200);
    await("the page of an alert posted after the fuzz").atMost(Duration.ofSeconds(30)).until(() -> receiver.bodies("PAGE").stream()
        .anyMatch(p -> p.path("labels").path("instance").asText().equals(instance)));
  }

  /** A request each route accepts (or refuses for a reason of state, such as a resolved incident). */
  private static String validBody(RouteInfo route) {
    String soon = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS).toString();
    String later = Instant.now().plus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS).toString();
    String p = route.pattern();
    if (p.endsWith("/alertmanager")) {
      return webhookBody("Fuzz", "fuzz-0");
    } else if (p.endsWith("/snooze")) {
      return "{\"for\": \"30m\", \"note\": \"n\"}";
    } else if (p.endsWith("/reassign")) {
      return "{\"user\": \"bob\"}";
    } else if (p.endsWith("/notes")) {
      return "{\"kind\": \"action_item\", \"text\": \"t\", \"owner\": \"bob\", \"due\": \"2026-12-01\"}";
    } else if (p.equals("/api/v1/silences")) {
      return "{\"matchers\": [\"service=fuzz\", \"env=~\\\"prod|stage\\\"\"], \"startsAt\": \"" + soon + "\", \"endsAt\": \""
          + later + "\", \"comment\": \"c\"}";
    } else if (p.endsWith("/overrides")) {
      return "{\"user\": \"bob\", \"replaces\": \"alice\", \"start\": \"" + soon + "\", \"end\": \"" + later + "\"}";
    }
    return "{\"note\": \"n\"}";
  }

  private String firstIncident() throws Exception {
    return await().atMost(Duration.ofSeconds(20)).until(() -> {
      JsonNode list = Json.MAPPER.readTree(send("GET", "/api/v1/incidents", ALICE, null, null).body()).path("incidents");
      return list.size() > 0 ? list.get(0).path("id").asText() : null;
    }, id -> id != null);
  }

  private static String silenceId(HttpResponse<String> created) throws Exception {
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Json.MAPPER.readTree(created.body()).path("id").asText();
  }

  private String webhook(String alertname, String instance) {
    alerts++;
    return webhookBody(alertname, instance).replace("\"00000000000000f0\"", "\"%016x\"".formatted(alerts));
  }

  private static String webhookBody(String alertname, String instance) {
    return """
        {"receiver": "pagewire", "status": "firing", "version": "4", "groupKey": "{}:{alertname=\\"%1$s\\"}",
         "externalURL": "http://am:9093", "groupLabels": {"alertname": "%1$s"}, "commonLabels": {},
         "commonAnnotations": {}, "truncatedAlerts": 0,
         "alerts": [{"status": "firing", "fingerprint": "00000000000000f0", "startsAt": "%3$s", "endsAt": "0001-01-01T00:00:00Z",
           "generatorURL": "http://prom/graph",
           "labels": {"alertname": "%1$s", "service": "svc-%2$s", "severity": "critical", "instance": "%2$s"},
           "annotations": {"summary": "hostile %1$s"}}]}
        """.formatted(alertname, instance, Instant.now().truncatedTo(ChronoUnit.SECONDS));
  }

  private HttpRequest.Builder request(String method, String path, String auth, String contentType, String body) {
    return request(method, path, auth, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  private HttpRequest.Builder request(String method, String path, String auth, String contentType, byte[] body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(pipeline.baseUrl() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (auth != null) {
      request.header("Authorization", auth);
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return request;
  }

  private HttpResponse<String> send(String method, String path, String auth, String contentType, String body) throws Exception {
    return client.send(request(method, path, auth, contentType, body).build(), HttpResponse.BodyHandlers.ofString());
  }
}
