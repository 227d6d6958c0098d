package io.pagewire.escalation.api;

import static io.pagewire.escalation.IncidentFixtures.command;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.escalation.links.LinkSigner;
import io.pagewire.platform.text.TextBounds;
import io.pagewire.escalation.topology.EscalationTopology;
import io.pagewire.escalation.topology.OpenedIndex;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.CommandType;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.IncidentTimeline;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incidents list and the byte bounds of commands, on real HTTP servers: two instances, each
 * answering from the stores of its own TopologyTestDriver and asking the other for its part.
 */
class IncidentsApiTest {

  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  private static final LinkSigner SIGNER = new LinkSigner("test-key-0123456789abcdef".getBytes(), Duration.ofHours(24));

  @TempDir
  Path stateDir;

  private final HttpClient client = HttpClient.newHttpClient();
  private Instance a;
  private Instance b;

  /** One escalation instance: its topology on a test driver, and the incidents API on its stores. */
  private final class Instance implements IncidentStores {
    final TopologyTestDriver driver;
    final TestInputTopic<String, IncidentEvent> events;
    final TestInputTopic<String, IncidentCommand> commands;
    final HttpApi http;
    final IncidentsApi api;
    Instance other;

    Instance(String name) throws Exception {
      PagewireConfig config = PagewireConfig.defaults().withKafka("unused:9092", stateDir.resolve(name))
          .withHttp(new PagewireConfig.Http("127.0.0.1", 0, 0, null, null));
      driver = new TopologyTestDriver(EscalationTopology.build(config), KafkaSettings.streams(config, "api-" + name, null), T0);
      events = driver.createInputTopic(Topics.INCIDENT_EVENTS.name(),
          Topics.INCIDENT_EVENTS.keySerde().serializer(), Topics.INCIDENT_EVENTS.valueSerde().serializer());
      commands = driver.createInputTopic(Topics.INCIDENT_COMMANDS.name(),
          Topics.INCIDENT_COMMANDS.keySerde().serializer(), Topics.INCIDENT_COMMANDS.valueSerde().serializer());
      http = new HttpApi(config.http());
      api = new IncidentsApi(config, this, SIGNER, Clock.fixed(T0.plus(Duration.ofDays(1)), ZoneOffset.UTC));
      api.register(http);
      http.start();
    }

    @Override
    public ReadOnlyKeyValueStore<String, IncidentState> incidents() {
      return driver.getKeyValueStore(EscalationTopology.INCIDENTS_STORE);
    }

    @Override
    public ReadOnlyKeyValueStore<String, IncidentTimeline> timelines() {
      return driver.getKeyValueStore(EscalationTopology.TIMELINE_STORE);
    }

    @Override
    public ReadOnlyKeyValueStore<String, TimelineEvent> timelineEvents() {
      return driver.getKeyValueStore(EscalationTopology.TIMELINE_EVENTS_STORE);
    }

    @Override
    public ReadOnlyKeyValueStore<Bytes, byte[]> opened() {
      return driver.getKeyValueStore(EscalationTopology.OPENED_STORE);
    }

    @Override
    public Optional<String> ownerElsewhere(String incidentId) {
      return other != null && other.incidents().get(incidentId) != null
          ? Optional.of("127.0.0.1:" + other.http.port()) : Optional.empty();
    }

    @Override
    public List<String> otherInstances() {
      return other != null ? List.of("127.0.0.1:" + other.http.port()) : List.of();
    }

    void open(String id, Priority priority, String team, Instant at) {
      IncidentEvent event = io.pagewire.escalation.IncidentFixtures.opened(id, priority, at);
      event.setTeam(team);
      events.pipeInput(id, event, at);
    }

    void close() {
      http.close();
      api.close();
      driver.close();
    }
  }

  @BeforeEach
  void start() throws Exception {
    a = new Instance("a");
    b = new Instance("b");
    a.other = b;
    b.other = a;
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
  }

  private HttpResponse<String> get(Instance instance, String pathAndQuery) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.http.port() + pathAndQuery))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode list(String query) throws Exception {
    HttpResponse<String> response = get(a, "/api/v1/incidents" + query);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Json.MAPPER.readTree(response.body());
  }

  private static List<String> ids(JsonNode page) {
    return page.path("incidents").findValuesAsText("id");
  }

  @Test
  void shouldPageThroughTheIncidentsOfEveryInstanceNewestFirstWithoutRepeatsOrGaps() throws Exception {
    List<String> newestFirst = new ArrayList<>();
    for (int i = 0; i < 13; i++) {
      Instance holder = i % 3 == 0 ? b : a;
      holder.open("inc-" + i, Priority.P2, null, T0.plus(Duration.ofMinutes(i)));
      newestFirst.add(0, "inc-" + i);
    }

    List<String> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String token = null;
    do {
      JsonNode page = list("?limit=4" + (token != null ? "&pageToken=" + token : ""));
      seen.addAll(ids(page));
      sizes.add(page.path("incidents").size());
      token = page.path("nextPageToken").isTextual() ? page.path("nextPageToken").asText() : null;
    } while (token != null && sizes.size() < 10);

    assertThat(seen).containsExactlyElementsOf(newestFirst);
    assertThat(sizes).containsExactly(4, 4, 4, 1);
  }

  @Test
  void shouldFilterByStatusPriorityTeamAndSince() throws Exception {
    a.open("inc-old-payments", Priority.P1, "payments", T0);
    b.open("inc-payments-p0", Priority.P0, "payments", T0.plus(Duration.ofHours(2)));
    a.open("inc-search-p0", Priority.P0, "search", T0.plus(Duration.ofHours(3)));
    b.open("inc-acked", Priority.P0, "payments", T0.plus(Duration.ofHours(4)));
    b.commands.pipeInput("inc-acked", command("inc-acked", CommandType.ACKNOWLEDGE, "alice", T0.plus(Duration.ofHours(5))));

    assertThat(ids(list("?team=payments"))).containsExactly("inc-acked", "inc-payments-p0", "inc-old-payments");
    assertThat(ids(list("?priority=p0&status=triggered"))).containsExactly("inc-search-p0", "inc-payments-p0");
    assertThat(ids(list("?status=acknowledged"))).containsExactly("inc-acked");
    assertThat(ids(list("?since=" + T0.plus(Duration.ofHours(1)) + "&team=payments")))
        .containsExactly("inc-acked", "inc-payments-p0");
    // A duration counts back from now (the API's clock: a day after T0).
    assertThat(ids(list("?since=21h"))).containsExactly("inc-acked", "inc-search-p0");
    assertThat(list("?team=payments").path("nextPageToken").isNull()).isTrue();
  }

  @Test
  void shouldAnswer400ForALimitOutOfRangeABadFilterOrAForeignPageToken() throws Exception {
    for (String query : List.of("?limit=0", "?limit=" + (ListQuery.MAX_LIMIT + 1), "?limit=ten", "?priority=P9",
        "?status=open", "?since=yesterday", "?pageToken=bm90LWEtdG9rZW4", "?pageToken=o1.%21%21")) {
      HttpResponse<String> response = get(a, "/api/v1/incidents" + query);
      assertThat(response.statusCode()).as(query).isEqualTo(400);
      assertThat(Json.MAPPER.readTree(response.body()).path("error").asText()).isEqualTo("bad_request");
    }
  }

  @Test
  void shouldStopAPageWhereAnInstanceStoppedReadingSoThatNothingIsSkipped() {
    Instant t = T0;
    IncidentView newest = view("inc-3", t.plusSeconds(3));
    IncidentView middle = view("inc-2", t.plusSeconds(2));
    IncidentView oldest = view("inc-1", t.plusSeconds(1));
    // One instance read only down to inc-3 (its scan bound); the other read everything it holds.
    Bytes stoppedAt = OpenedIndex.key(newest.openedAt(), newest.id());
    Map<String, Object> page = IncidentsApi.merge(List.of(
        new IncidentsApi.LocalPage(List.of(newest), stoppedAt),
        new IncidentsApi.LocalPage(List.of(middle, oldest), null)), 10);

    assertThat(page.get("incidents")).isEqualTo(List.of(newest));
    assertThat(ListQuery.parseToken((String) page.get("nextPageToken"))).isEqualTo(stoppedAt);
  }

  private static IncidentView view(String id, Instant openedAt) {
    return new IncidentView(id, "t", "P2", null, "triggered", 1, openedAt, null, null, null, null, null, null, null,
        null, Map.of(), Map.of(), List.of(), null, null);
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.http.port() + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldAnswer400NamingTheFieldAndTheLimitForANoteOverTheBound() throws Exception {
    a.open("inc-1", Priority.P1, null, T0);
    String tooLong = "ü".repeat(TextBounds.NOTE_BYTES / 2 + 1); // two bytes each in UTF-8

    HttpResponse<String> note = post("/api/v1/incidents/inc-1/notes", "{\"text\": \"" + tooLong + "\"}");
    HttpResponse<String> ack = post("/api/v1/incidents/inc-1/acknowledge", "{\"note\": \"" + tooLong + "\"}");
    HttpResponse<String> actor = post("/api/v1/incidents/inc-1/resolve",
        "{\"actor\": \"" + "a".repeat(TextBounds.NAME_BYTES + 1) + "\"}");

    assertThat(note.statusCode()).isEqualTo(400);
    JsonNode error = Json.MAPPER.readTree(note.body());
    assertThat(error.path("error").asText()).isEqualTo("field_too_long");
    assertThat(error.path("message").asText()).isEqualTo("text: at most 4096 bytes (UTF-8), not 4098");
    assertThat(ack.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(ack.body()).path("message").asText()).startsWith("note: at most 4096 bytes");
    assertThat(actor.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(actor.body()).path("message").asText()).startsWith("actor: at most 256 bytes");
  }
}
