package io.pagewire.escalation.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.platform.http.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pagewire incident ...}: commands on one incident through the HTTP API of a running
 * escalation service, as the user whose API token is in {@code $PAGEWIRE_TOKEN} (or
 * {@code --token-file}); never a token on the command line, where {@code ps} shows it.
 */
public final class IncidentCommand {

  public static final String USAGE = """
      pagewire incident show ID
             pagewire incident ack|resolve|escalate ID [--note TEXT]
             pagewire incident snooze ID DURATION            (30m, 2h)
             pagewire incident reassign ID USER
             pagewire incident note ID [--kind comment|root_cause|resolution|lesson_learned|action_item]
                                       [--owner USER] [--due YYYY-MM-DD] TEXT...
               (--url URL, default $PAGEWIRE_URL or http://127.0.0.1:8080; token: $PAGEWIRE_TOKEN or --token-file FILE)""";

  private IncidentCommand() {}

  public static int run(String[] args) {
    return run(List.of(args), System.out, System.getenv());
  }

  /** Runs the command writing to {@code out}; returns 0 when the API accepted it, 1 when it refused. */
  public static int run(List<String> argv, PrintStream out, Map<String, String> env) {
    List<String> words = new ArrayList<>();
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < argv.size(); i++) {
      String arg = argv.get(i);
      if (arg.startsWith("--")) {
        if (i + 1 >= argv.size()) {
          throw new IllegalArgumentException(arg + " needs a value");
        }
        options.put(arg, argv.get(++i));
      } else {
        words.add(arg);
      }
    }
    if (words.size() < 2) {
      throw new IllegalArgumentException("usage: " + USAGE);
    }
    String action = words.get(0);
    String id = words.get(1);
    List<String> rest = words.subList(2, words.size());
    Map<String, Object> body = new LinkedHashMap<>();
    if (options.containsKey("--note")) {
      body.put("note", options.get("--note"));
    }
    String path = switch (action) {
      case "show" -> null;
      case "ack", "acknowledge" -> "acknowledge";
      case "resolve" -> "resolve";
      case "escalate" -> "escalate";
      case "snooze" -> {
        body.put("for", only(rest, "snooze needs a duration, like 30m"));
        yield "snooze";
      }
      case "reassign" -> {
        body.put("user", only(rest, "reassign needs a user id"));
        yield "reassign";
      }
      case "note" -> {
        if (rest.isEmpty()) {
          throw new IllegalArgumentException("note needs a text");
        }
        body.put("kind", options.getOrDefault("--kind", "comment"));
        body.put("text", String.join(" ", rest));
        body.put("owner", options.get("--owner"));
        body.put("due", options.get("--due"));
        yield "notes";
      }
      default -> throw new IllegalArgumentException("unknown incident command '" + action + "'; usage: " + USAGE);
    };
    String base = options.getOrDefault("--url", env.getOrDefault("PAGEWIRE_URL", "http://127.0.0.1:8080"));
    String url = base.replaceAll("/+$", "") + "/api/v1/incidents/" + URLEncoder.encode(id, StandardCharsets.UTF_8)
        + (path != null ? "/" + path : "");
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("X-Pagewire-Cli", "1");
    String token = token(options, env);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      if (path == null) {
        request.GET();
      } else {
        request.header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body)));
      }
      HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode answer = response.body().isEmpty() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(response.body());
      if (response.statusCode() >= 300) {
        out.println("failed: HTTP " + response.statusCode() + ": " + answer.path("message").asText(response.body()));
        return 1;
      }
      if (path == null) {
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
      } else {
        out.println("accepted: " + answer.path("type").asText() + " " + answer.path("incidentId").asText()
            + " (command " + answer.path("commandId").asText() + ")");
      }
      return 0;
    } catch (IOException e) {
      out.println("failed: cannot reach " + base + ": " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static String token(Map<String, String> options, Map<String, String> env) {
    String file = options.get("--token-file");
    if (file != null) {
      try {
        return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read --token-file " + file + ": " + e.getMessage());
      }
    }
    return env.get("PAGEWIRE_TOKEN");
  }

  private static String only(List<String> rest, String problem) {
    if (rest.size() != 1) {
      throw new IllegalArgumentException(problem);
    }
    return rest.get(0);
  }
}
