package io.pagewire.escalation.schedule;

import static io.pagewire.escalation.schedule.OnCallTest.override;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.Json;
import io.pagewire.schemas.ScheduleOverride;
import io.pagewire.schemas.Topics;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The on-call routes on a real HTTP server, overrides from the global store of a TopologyTestDriver. */
class OnCallApiTest {

  private static final Instant NOW = Instant.parse("2026-03-23T11:00:00Z"); // Monday 12:00 in Berlin

  private TopologyTestDriver driver;
  private TestInputTopic<String, ScheduleOverride> overrides;
  private HttpApi http;
  private final HttpClient client = HttpClient.newHttpClient();
  private boolean queryable = true;

  @BeforeEach
  void start() throws Exception {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "oncall-api-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver = new TopologyTestDriver(ScheduleOverrides.addTo(new Topology()), props);
    overrides = driver.createInputTopic(Topics.SCHEDULE_OVERRIDES.name(),
        Topics.SCHEDULE_OVERRIDES.keySerde().serializer(), Topics.SCHEDULE_OVERRIDES.valueSerde().serializer());
    PagewireConfig config = OnCallTest.CONFIG.withHttp(new PagewireConfig.Http("127.0.0.1", 0, 0, null, null));
    http = new HttpApi(config.http());
    new OnCallApi(config, () -> {
      if (!queryable) {
        throw new InvalidStateStoreException("restoring");
      }
      return driver.getKeyValueStore(ScheduleOverrides.STORE);
    }, Clock.fixed(NOW, ZoneOffset.UTC)).register(http);
    http.start();
  }

  @AfterEach
  void stop() {
    http.close();
    driver.close();
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return Json.MAPPER.readTree(response.body());
  }

  @Test
  void answersWhoIsOnCallForEveryScheduleNowAndUntilWhen() throws Exception {
    HttpResponse<String> response = get("/api/v1/oncall");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response);
    assertThat(body.path("at").asText()).isEqualTo("2026-03-23T11:00:00Z");
    assertThat(body.path("schedules")).extracting(s -> s.path("schedule").asText())
        .containsExactly("berlin", "ny-daily", "ny-gap", "sydney");
    JsonNode berlin = body.path("schedules").get(0);
    assertThat(berlin.path("zone").asText()).isEqualTo("Europe/Berlin");
    assertThat(berlin.path("onCall")).extracting(JsonNode::asText).containsExactly("alice");
    assertThat(berlin.path("until").asText()).as("the night layer starts at 18:00 CET").isEqualTo("2026-03-23T17:00:00Z");
  }

  @Test
  void answersForOneScheduleAtAGivenTimeWithOverrides() throws Exception {
    Instant sundayNight = Instant.parse("2026-03-29T16:30:00Z"); // 18:30 CEST: carol's night
    overrides.pipeInput("o1", override("o1", "berlin", "frank", "carol", sundayNight.minusSeconds(3600),
        sundayNight.plusSeconds(3600), 1));

    JsonNode body = json(get("/api/v1/oncall?schedule=berlin&at=" + URLEncoder.encode("2026-03-29T18:30:00+02:00",
        StandardCharsets.UTF_8)));

    assertThat(body.path("schedules")).hasSize(1);
    assertThat(body.path("schedules").get(0).path("onCall")).extracting(JsonNode::asText).containsExactly("frank");
    assertThat(body.path("schedules").get(0).path("until").asText()).isEqualTo("2026-03-29T17:30:00Z");

    JsonNode listed = json(get("/api/v1/schedules/berlin/overrides"));
    assertThat(listed.path("overrides")).hasSize(1);
    assertThat(listed.path("overrides").get(0).path("replaces").asText()).isEqualTo("carol");
    assertThat(json(get("/api/v1/schedules/sydney/overrides")).path("overrides")).isEmpty();
  }

  @Test
  void refusesUnknownSchedulesAndBadTimes() throws Exception {
    HttpResponse<String> unknown = get("/api/v1/oncall?schedule=nope");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).path("message").asText()).contains("no schedule nope");
    assertThat(get("/api/v1/schedules/nope/overrides").statusCode()).isEqualTo(404);
    HttpResponse<String> badAt = get("/api/v1/oncall?at=tomorrow");
    assertThat(badAt.statusCode()).isEqualTo(400);
    assertThat(json(badAt).path("message").asText()).contains("'tomorrow' is not an ISO-8601 time");
  }

  @Test
  void answers503WhileTheOverridesAreNotQueryable() throws Exception {
    queryable = false;
    assertThat(get("/api/v1/oncall").statusCode()).isEqualTo(503);
    assertThat(get("/api/v1/schedules/berlin/overrides").statusCode()).isEqualTo(503);
  }
}
