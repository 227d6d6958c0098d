package io.pagewire.escalation.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.platform.cli.OutputOption;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pagewire incident ...}: commands on one incident through the HTTP API of a running
 * escalation service, as the user whose API token is in {@code $PAGEWIRE_TOKEN} (or
 * {@code --token-file}); never a token on the command line, where {@code ps} shows it.
 * Each sub-command exits 0 when the API accepted it and 1 (one line on stderr) when it refused.
 */
@Command(name = "incident", description = "Show, acknowledge, resolve, escalate, snooze, reassign or annotate an incident"
    + " through the HTTP API of a running Pagewire.")
public final class IncidentCommand {

  static final String DEFAULT_URL = "http://127.0.0.1:8080";

  private final Map<String, String> env;
  @Spec CommandSpec spec;

  public IncidentCommand() {
    this(System.getenv());
  }

  /** @param env the environment ({@code PAGEWIRE_URL}, {@code PAGEWIRE_TOKEN}) */
  public IncidentCommand(Map<String, String> env) {
    this.env = env;
  }

  @Command(name = "show", description = "Print one incident with its notes and timeline (JSON).")
  int show(@Parameters(paramLabel = "ID", description = "Incident id.") String id, @Mixin ApiClient api) {
    JsonNode incident = ApiClient.expect(api.send("GET", url(api, id, null), null, env), 200);
    OutputOption.printJson(out(), incident);
    return 0;
  }

  @Command(name = "ack", aliases = "acknowledge", description = "Acknowledge the incident: paging stops.")
  int ack(@Parameters(paramLabel = "ID") String id, @Option(names = "--note", paramLabel = "TEXT") String note,
      @Mixin ApiClient api, @Mixin OutputOption output) {
    return command(api, output, id, "acknowledge", note, Map.of());
  }

  @Command(name = "resolve", description = "Resolve the incident.")
  int resolve(@Parameters(paramLabel = "ID") String id, @Option(names = "--note", paramLabel = "TEXT") String note,
      @Mixin ApiClient api, @Mixin OutputOption output) {
    return command(api, output, id, "resolve", note, Map.of());
  }

  @Command(name = "escalate", description = "Page the next escalation step now.")
  int escalate(@Parameters(paramLabel = "ID") String id, @Option(names = "--note", paramLabel = "TEXT") String note,
      @Mixin ApiClient api, @Mixin OutputOption output) {
    return command(api, output, id, "escalate", note, Map.of());
  }

  @Command(name = "snooze", description = "Stop paging for a while (30m, 2h); paging resumes after it.")
  int snooze(@Parameters(index = "0", paramLabel = "ID") String id,
      @Parameters(index = "1", paramLabel = "DURATION", description = "For how long: 30m, 2h.") String duration,
      @Option(names = "--note", paramLabel = "TEXT") String note, @Mixin ApiClient api, @Mixin OutputOption output) {
    return command(api, output, id, "snooze", note, Map.of("for", duration));
  }

  @Command(name = "reassign", description = "Send the next pages to another user.")
  int reassign(@Parameters(index = "0", paramLabel = "ID") String id,
      @Parameters(index = "1", paramLabel = "USER", description = "User id.") String user,
      @Option(names = "--note", paramLabel = "TEXT") String note, @Mixin ApiClient api, @Mixin OutputOption output) {
    return command(api, output, id, "reassign", note, Map.of("user", user));
  }

  @Command(name = "note", description = "Add a note: a comment, root cause, resolution, lesson learned or action item.")
  int note(@Parameters(index = "0", paramLabel = "ID") String id,
      @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT") List<String> text,
      @Option(names = "--kind", paramLabel = "KIND", defaultValue = "comment",
          description = "comment (default), root_cause, resolution, lesson_learned or action_item.") String kind,
      @Option(names = "--owner", paramLabel = "USER", description = "Owner of an action item.") String owner,
      @Option(names = "--due", paramLabel = "YYYY-MM-DD", description = "Due date of an action item.") String due,
      @Mixin ApiClient api, @Mixin OutputOption output) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("kind", kind);
    body.put("text", String.join(" ", text));
    body.put("owner", owner);
    body.put("due", due);
    return command(api, output, id, "notes", null, body);
  }

  private int command(ApiClient api, OutputOption output, String id, String path, String note, Map<String, ?> fields) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (note != null) {
      body.put("note", note);
    }
    body.putAll(fields);
    JsonNode answer = ApiClient.expect(api.send("POST", url(api, id, path), body, env), 202);
    if (output.json()) {
      OutputOption.printJson(out(), answer);
    } else {
      out().println("accepted: " + answer.path("type").asText() + " " + answer.path("incidentId").asText()
          + " (command " + answer.path("commandId").asText() + ")");
      out().flush();
    }
    return 0;
  }

  private String url(ApiClient api, String id, String path) {
    return api.base(env, DEFAULT_URL) + "/api/v1/incidents/" + URLEncoder.encode(id, StandardCharsets.UTF_8)
        + (path != null ? "/" + path : "");
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
