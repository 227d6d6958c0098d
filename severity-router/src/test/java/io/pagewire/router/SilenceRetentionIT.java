package io.pagewire.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.kafka.AcknowledgedWriter;
import io.pagewire.platform.text.TextBounds;
import io.pagewire.router.topology.RouterTopology;
import io.pagewire.schemas.Silence;
import io.pagewire.schemas.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Silences are bounded records: their text has byte limits, and expired ones leave the compacted topic after the retention. */
class SilenceRetentionIT {

  @TempDir
  static Path dir;

  private static RunningRouter router;

  @BeforeAll
  static void start() {
    router = RunningRouter.start(dir, PagewireConfig.defaults());
  }

  @AfterAll
  static void stop() {
    if (router != null) {
      router.close();
    }
  }

  @Test
  void shouldTombstoneSilencesThatEndedLongerAgoThanTheRetention() {
    Instant now = Instant.now();
    Duration retention = router.config().classification().silenceRetention();
    try (AcknowledgedWriter<String, Silence> writer =
        new AcknowledgedWriter<>(router.config(), Topics.SILENCES, "silence-retention-it")) {
      writer.write("old", silence("old", now.minus(retention).minusSeconds(60)), now);
      writer.write("recent", silence("recent", now.minus(retention).plusSeconds(600)), now);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> store().get("old") != null && store().get("recent") != null);

    int forgotten = router.service().silences().forgetExpired(now);

    assertThat(forgotten).isEqualTo(1);
    await().atMost(Duration.ofSeconds(30)).until(() -> store().get("old") == null);
    assertThat(store().get("recent")).isNotNull();
  }

  @Test
  void shouldRefuseSilencesWhoseTextIsOverItsByteBoundNamingTheField() throws Exception {
    try (HttpApi api = routerApi()) {
      HttpClient http = HttpClient.newHttpClient();
      URI silences = URI.create("http://127.0.0.1:" + api.port() + "/api/v1/silences");
      String endsAt = Instant.now().plusSeconds(3600).toString();
      String longComment = "{\"matchers\": [\"service=db\"], \"endsAt\": \"%s\", \"comment\": \"%s\"}"
          .formatted(endsAt, "x".repeat(TextBounds.NOTE_BYTES + 1));
      String manyMatchers = "{\"matchers\": [%s], \"endsAt\": \"%s\"}".formatted(
          String.join(",", java.util.Collections.nCopies(65, "\"service=db\"")), endsAt);

      for (String body : List.of(longComment, manyMatchers)) {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(silences)
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("field_too_long");
      }
      HttpResponse<String> comment = http.send(HttpRequest.newBuilder(silences)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(longComment)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(comment.body()).contains("comment: at most " + TextBounds.NOTE_BYTES + " bytes");
    }
  }

  @Test
  void shouldLetTheCreatorReadAndExpireASilenceRightAfterCreatingIt() throws Exception {
    try (HttpApi api = routerApi()) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + api.port() + "/api/v1/silences";
      String body = "{\"matchers\": [\"service=read-your-write\"], \"endsAt\": \"%s\"}".formatted(Instant.now().plusSeconds(3600));
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        String id = Json.MAPPER.readTree(created.body()).path("id").asText();

        // No waiting in between: the answer to the POST comes once this instance's store has it.
        HttpResponse<String> expired = http.send(HttpRequest.newBuilder(URI.create(base + "/" + id)).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(expired.statusCode()).as(expired.body()).isEqualTo(200);
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(base + "/" + id)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(Json.MAPPER.readTree(read.body()).path("status").asText()).isEqualTo("expired");
      }
    }
  }

  /** The router's HTTP routes on a free port, started. */
  private static HttpApi routerApi() throws IOException {
    HttpApi api = new HttpApi(router.config().http().withPort(0));
    router.service().routes(api);
    api.start();
    return api;
  }

  private static Silence silence(String id, Instant endedAt) {
    return Silence.newBuilder()
        .setId(id)
        .setMatchers(List.of("service=db"))
        .setStartsAt(endedAt.minusSeconds(3600))
        .setEndsAt(endedAt)
        .setCreatedBy("alice")
        .setUpdatedAt(endedAt)
        .build();
  }

  private static ReadOnlyKeyValueStore<String, Silence> store() {
    return router.service().streams().store(StoreQueryParameters.fromNameAndType(
        RouterTopology.SILENCE_STORE, QueryableStoreTypes.<String, Silence>keyValueStore()));
  }
}
