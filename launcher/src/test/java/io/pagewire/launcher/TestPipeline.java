package io.pagewire.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.Json;
import io.pagewire.testsupport.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * The whole pipeline as {@code pagewire run} starts it (every service, one HTTP API), on a real
 * embedded broker, with a configuration written as an operator would write it.
 */
final class TestPipeline implements AutoCloseable {

  final PagewireConfig config;
  private final Pipeline pipeline;
  private final HttpClient client = HttpClient.newHttpClient();

  TestPipeline(EmbeddedKafka kafka, Path stateDir, String yaml) throws IOException {
    this(kafka, stateDir, yaml, ServiceCatalog.names());
  }

  /** Only the named services, as {@code pagewire service NAME} runs one per process. */
  TestPipeline(EmbeddedKafka kafka, Path stateDir, String yaml, List<String> services) throws IOException {
    PagewireConfig parsed = ConfigLoader.parse("test.yaml", yaml.replace("${HTTP_PORT}", Integer.toString(freePort())));
    this.config = parsed.withKafka(kafka.bootstrapServers(), stateDir);
    this.pipeline = Pipeline.start(config, services);
    Awaitility.await("pipeline ready").atMost(Duration.ofSeconds(60)).until(pipeline::ready);
  }

  List<io.pagewire.platform.http.RouteInfo> routeTable() {
    return pipeline.routeTable();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + pipeline.httpPort();
  }

  HttpResponse<String> post(String path, String body) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET().build());
  }

  /** The incidents the API lists now (empty while the stores are not queryable). */
  List<JsonNode> incidents() {
    HttpResponse<String> response = get("/api/v1/incidents");
    if (response.statusCode() != 200) {
      return List.of();
    }
    try {
      List<JsonNode> list = new ArrayList<>();
      Json.MAPPER.readTree(response.body()).path("incidents").forEach(list::add);
      return list;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static int freePort() {
    return FreePorts.next();
  }

  @Override
  public void close() {
    pipeline.close();
  }
}
