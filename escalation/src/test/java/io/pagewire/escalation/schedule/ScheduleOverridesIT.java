package io.pagewire.escalation.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.platform.kafka.TopicAdmin;
import io.pagewire.escalation.cli.OnCallCommand;
import io.pagewire.platform.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overrides through a real broker: two instances, each a Kafka Streams app with the overrides
 * global store and the on-call API on its own HTTP server, as two escalation instances have.
 * An override added on one is answered by the other; deleted on the other, it is gone on both;
 * a restarted instance restores it from the compacted topic.
 */
class ScheduleOverridesIT {

  private static EmbeddedKafka kafka;

  @TempDir
  Path tmp;

  private final List<AutoCloseable> open = new ArrayList<>();
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafka.startTemporary();
    TopicAdmin.ensureTopics(config(Path.of("unused")));
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private static PagewireConfig config(Path stateDir) {
    return OnCallTest.CONFIG.withKafka(kafka.bootstrapServers(), stateDir)
        .withHttp(new PagewireConfig.Http("127.0.0.1", 0, 0, null, null));
  }

  /** One instance; returns the base URL of its API. */
  private String instance(String name) throws Exception {
    PagewireConfig config = config(tmp.resolve(name));
    KafkaStreams streams = new KafkaStreams(ScheduleOverrides.addTo(new Topology()),
        KafkaSettings.streams(config, "it-overrides", null));
    open.add(streams::close);
    HttpApi http = new HttpApi(config.http());
    OnCallApi.register(http, config, () -> streams);
    open.add(http);
    streams.start();
    http.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
    return "http://127.0.0.1:" + http.port();
  }

  private HttpResponse<String> send(String method, String url, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode onCall(String base, String schedule, String at) throws Exception {
    HttpResponse<String> response = send("GET", base + "/api/v1/oncall?schedule=" + schedule + "&at=" + at, null);
    assertThat(response.statusCode()).isEqualTo(200);
    return Json.MAPPER.readTree(response.body()).path("schedules").get(0).path("onCall");
  }

  @Test
  void anOverrideAddedOnOneInstanceIsAnsweredByTheOtherAndDeletedEverywhere() throws Exception {
    String a = instance("a");
    String b = instance("b");
    // Far in the future, so the override is valid whenever the test runs: Saturday 28 March 2099, Berlin.
    String during = "2099-03-28T12:00:00Z";
    String layered = onCall(b, "berlin", during).get(0).asText();

    HttpResponse<String> created = send("POST", a + "/api/v1/schedules/berlin/overrides",
        "{\"user\": \"frank\", \"start\": \"2099-03-28T00:00:00Z\", \"end\": \"2099-03-29T00:00:00Z\"}");

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode override = Json.MAPPER.readTree(created.body());
    String id = override.path("id").asText();
    assertThat(override.path("createdBy").asText()).isEqualTo("anonymous");
    assertThat(onCall(a, "berlin", during)).extracting(JsonNode::asText).containsExactly("frank");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(onCall(b, "berlin", during)).extracting(JsonNode::asText).containsExactly("frank"));
    assertThat(onCall(b, "berlin", "2099-03-29T00:00:00Z")).extracting(JsonNode::asText).doesNotContain("frank");

    HttpResponse<String> listed = send("GET", b + "/api/v1/schedules/berlin/overrides", null);
    assertThat(Json.MAPPER.readTree(listed.body()).path("overrides")).extracting(o -> o.path("id").asText()).containsExactly(id);

    String c = instance("c");
    assertThat(onCall(c, "berlin", during)).as("a new instance restores overrides from the topic")
        .extracting(JsonNode::asText).containsExactly("frank");

    assertThat(send("DELETE", b + "/api/v1/schedules/berlin/overrides/" + id, null).statusCode()).isEqualTo(204);
    assertThat(onCall(b, "berlin", during)).extracting(JsonNode::asText).containsExactly(layered);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(onCall(a, "berlin", during)).extracting(JsonNode::asText).containsExactly(layered));
    assertThat(send("DELETE", a + "/api/v1/schedules/berlin/overrides/" + id, null).statusCode()).isEqualTo(404);
  }

  @Test
  void refusesOverridesThatCanNeverApply() throws Exception {
    String a = instance("a");
    String url = a + "/api/v1/schedules/berlin/overrides";

    HttpResponse<String> unknownUser = send("POST", url, "{\"user\": \"zoe\", \"start\": \"2099-01-01T00:00:00Z\", \"end\": \"2099-01-02T00:00:00Z\"}");
    HttpResponse<String> backwards = send("POST", url, "{\"user\": \"erin\", \"start\": \"2099-01-02T00:00:00Z\", \"end\": \"2099-01-01T00:00:00Z\"}");
    HttpResponse<String> past = send("POST", url, "{\"user\": \"erin\", \"start\": \"2001-01-01T00:00:00Z\", \"end\": \"2001-01-02T00:00:00Z\"}");
    HttpResponse<String> noSchedule = send("POST", a + "/api/v1/schedules/nope/overrides", "{\"user\": \"erin\"}");

    assertThat(unknownUser.statusCode()).isEqualTo(400);
    assertThat(unknownUser.body()).contains("user: unknown user 'zoe'");
    assertThat(backwards.statusCode()).isEqualTo(400);
    assertThat(backwards.body()).contains("must be after start");
    assertThat(past.statusCode()).isEqualTo(400);
    assertThat(past.body()).contains("is in the past");
    assertThat(noSchedule.statusCode()).isEqualTo(404);
  }

  /** Runs the command line, returning what it printed; fails the test on a non-zero exit. */
  private String cli(String command, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Object cli = command.equals("oncall") ? new OnCallCommand() : new OnCallCommand.OverrideCommand(Map.of());
    int code = Cli.execute(cli, new PrintStream(bytes, true, StandardCharsets.UTF_8), System.err, args);
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(code).as(printed).isZero();
    return printed;
  }

  @Test
  void theCommandLineAddsListsAndDeletesOverridesAndShowsThemInOnCall() throws Exception {
    String a = instance("a");
    Path config = tmp.resolve("pagewire.yaml");
    Files.writeString(config, OnCallTest.YAML + "kafka: {bootstrapServers: \"" + kafka.bootstrapServers() + "\"}\n");

    String added = cli("override", "add", "--config", config.toString(), "--url", a, "--schedule", "sydney",
        "--user", "alice", "--replaces", "erin", "--start", "2099-04-02T08:00", "--end", "2099-04-02T20:00");
    assertThat(added).startsWith("added override ")
        .contains("alice instead of erin on sydney from 2099-04-02 08:00 AEDT (Thu) to 2099-04-02 20:00 AEDT (Thu)");
    String id = added.substring("added override ".length(), added.indexOf(':'));

    assertThat(cli("override", "list", "--config", config.toString(), "--url", a, "--schedule", "sydney"))
        .contains(id).contains("alice").contains("erin");
    // The oncall command reads the configuration and the overrides topic, not the API.
    String onCall = cli("oncall", "--config", config.toString(), "--schedule", "sydney", "--at", "2099-04-02T12:00");
    assertThat(onCall).contains("1 override(s) read from pagewire.schedule-overrides")
        .containsPattern("sydney\\s+Australia/Sydney\\s+alice\\s+2099-04-02 20:00 AEDT \\(Thu\\)");

    assertThat(cli("override", "delete", "--config", config.toString(), "--url", a, "--schedule", "sydney", "--id", id))
        .isEqualTo("deleted override " + id + System.lineSeparator());
    assertThat(cli("oncall", "--config", config.toString(), "--schedule", "sydney", "--at", "2099-04-02T12:00"))
        .contains("0 override(s) read").containsPattern("sydney\\s+Australia/Sydney\\s+erin");
  }
}
