package io.pagewire.escalation.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.platform.cli.Cli;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.config.Secret;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.http.Response;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The command line against a real HTTP server that records what it receives. */
class IncidentCommandTest {

  private final List<String> received = new ArrayList<>();
  private HttpApi api;

  @BeforeEach
  void start() throws Exception {
    api = new HttpApi(new PagewireConfig.Http("127.0.0.1", 0, 0, new PagewireConfig.Auth(Secret.of("shared"), null, null), null),
        Map.of("alice", new PagewireConfig.User("Alice", null, Secret.of("alice-token"))));
    for (String action : List.of("acknowledge", "snooze", "reassign", "notes")) {
      api.route("POST", "/api/v1/incidents/{id}/" + action, r -> {
        JsonNode body = Json.MAPPER.readTree(r.body());
        received.add(r.actor() + " " + action + " " + r.pathParam("id") + " " + body + " cli=" + r.headers().getFirst("X-Pagewire-Cli"));
        return Response.accepted(Map.of("type", action, "incidentId", r.pathParam("id"), "commandId", "c-1"));
      });
    }
    api.start();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = Cli.execute(new IncidentCommand(Map.of("PAGEWIRE_URL", "http://127.0.0.1:" + api.port(), "PAGEWIRE_TOKEN", "alice-token")),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8), args);
    return code + " " + out.toString(StandardCharsets.UTF_8).strip();
  }

  @Test
  void shouldSendEachCommandAsTheUserOfTheTokenInTheEnvironment() {
    assertThat(run("ack", "inc-1", "--note", "on it")).isEqualTo("0 accepted: acknowledge inc-1 (command c-1)");
    run("snooze", "inc-1", "30m");
    run("reassign", "inc-1", "bob");
    run("note", "inc-1", "--kind", "action_item", "--owner", "bob", "--due", "2026-12-01", "add", "disk", "alerts");

    assertThat(received).containsExactly(
        "alice acknowledge inc-1 {\"note\":\"on it\"} cli=1",
        "alice snooze inc-1 {\"for\":\"30m\"} cli=1",
        "alice reassign inc-1 {\"user\":\"bob\"} cli=1",
        "alice notes inc-1 {\"kind\":\"action_item\",\"text\":\"add disk alerts\",\"owner\":\"bob\",\"due\":\"2026-12-01\"} cli=1");
  }

  @Test
  void shouldReportTheApiRefusalAndExitWithOne() {
    assertThat(run("escalate", "inc-1")).startsWith("1 pagewire escalate: HTTP 404: no such path");
  }
}
