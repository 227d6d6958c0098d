package io.pagewire.escalation.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.platform.cli.Cli;
import io.pagewire.platform.cli.TokenOption;
import io.pagewire.platform.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --url URL} and the token of a command that calls a running Pagewire's HTTP API, and the
 * one client those commands share: JSON in and out, the token as a bearer token, a refusal
 * turned into one {@link Cli.Failure} line.
 */
public final class ApiClient {

  public static final String URL_ENV = "PAGEWIRE_URL";

  @Option(names = "--url", paramLabel = "URL",
      description = "Base URL of the Pagewire HTTP API (default: $PAGEWIRE_URL, else http.host:http.port of the configuration).")
  String url;

  @Mixin TokenOption token;

  /** The base URL: {@code --url}, {@code $PAGEWIRE_URL}, else {@code fallback}; without a trailing slash. */
  String base(Map<String, String> env, String fallback) {
    String base = url != null ? url : env.getOrDefault(URL_ENV, fallback);
    return base.replaceAll("/+$", "");
  }

  /** An answer of the API: its status and JSON body. */
  record Answer(int status, JsonNode body) {}

  /** Sends {@code body} (null: none) and returns the answer; a transport problem is a {@link Cli.Failure}. */
  Answer send(String method, String url, Object body, Map<String, String> env) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
          .header("X-Pagewire-Cli", "1")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body)));
      if (body != null) {
        request.header("Content-Type", "application/json");
      }
      String secret = token.token(env);
      if (secret != null) {
        request.header("Authorization", "Bearer " + secret);
      }
      HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
          .send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode answer;
      try {
        answer = response.body().isEmpty() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(response.body());
      } catch (IOException notJson) {
        answer = Json.MAPPER.createObjectNode().put("message", response.body());
      }
      return new Answer(response.statusCode(), answer);
    } catch (IOException e) {
      throw new Cli.Failure("cannot reach the Pagewire API at " + url + " (" + e.getClass().getSimpleName()
          + (e.getMessage() != null ? ": " + e.getMessage() : "") + "); is it running? (--url, $" + URL_ENV + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Cli.Failure("interrupted");
    }
  }

  /** Throws the refusal in one line unless the answer has status {@code expected}. */
  static JsonNode expect(Answer answer, int expected) {
    if (answer.status() != expected) {
      throw new Cli.Failure("HTTP " + answer.status() + ": " + answer.body().path("message").asText(answer.body().toString()));
    }
    return answer.body();
  }
}
