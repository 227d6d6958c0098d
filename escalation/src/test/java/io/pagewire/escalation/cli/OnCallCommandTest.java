package io.pagewire.escalation.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagewire.escalation.schedule.OnCallTest;
import io.pagewire.platform.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnCallCommandTest {

  @TempDir
  Path tmp;

  @Test
  void showsEveryScheduleFromTheConfigurationAndSaysWhenOverridesCouldNotBeRead() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Path config = tmp.resolve("c.yaml");
    Files.writeString(config, OnCallTest.YAML + "kafka: {bootstrapServers: \"127.0.0.1:" + closedPort + "\"}\n");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    long started = System.nanoTime();
    int code = Cli.execute(new OnCallCommand(), new PrintStream(bytes, true, StandardCharsets.UTF_8), System.err,
        "--config", config.toString(), "--at", "2026-03-29T16:00:00Z");

    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(code).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(OnCallCommand.KAFKA_TIMEOUT);
    assertThat(printed.lines().toList()).containsExactly(
        "on call at 2026-03-29T16:00:00Z; overrides NOT included: could not read pagewire.schedule-overrides from 127.0.0.1:"
            + closedPort + " within 3s (no broker accepts connections)",
        "SCHEDULE  ZONE              ON CALL   UNTIL",
        "berlin    Europe/Berlin     carol     2026-03-30 09:00 CEST (Mon)",
        "ny-daily  America/New_York  carol     2026-03-30 09:00 EDT (Mon)",
        "ny-gap    America/New_York  bob       2026-03-30 02:30 EDT (Mon)",
        "sydney    Australia/Sydney  (nobody)  2026-04-01 08:00 AEDT (Wed)");
  }

  @Test
  void readsLocalTimesInTheScheduleZone() {
    assertThat(OnCallCommand.time("2026-03-08T09:00", ZoneId.of("America/New_York")))
        .isEqualTo(Instant.parse("2026-03-08T13:00:00Z"));
    assertThat(OnCallCommand.time("2026-03-08T09:00+01:00", ZoneId.of("America/New_York")))
        .isEqualTo(Instant.parse("2026-03-08T08:00:00Z"));
    assertThatThrownBy(() -> OnCallCommand.time("tomorrow", ZoneId.of("UTC"))).hasMessageContaining("'tomorrow' is not a time");
  }

  @Test
  void refusesUnknownOptionsAndMissingArgumentsWithExitTwo() {
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertThat(Cli.execute(new OnCallCommand(), out, errors, "--when", "now")).isEqualTo(2);
    assertThat(Cli.execute(new OnCallCommand.OverrideCommand(Map.of()), out, errors, "add", "--schedule", "berlin")).isEqualTo(2);
    assertThat(Cli.execute(new OnCallCommand.OverrideCommand(Map.of()), out, errors, "rename")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown options: '--when', 'now'")
        .contains("Missing required options: '--user=U', '--start=TIME', '--end=TIME'")
        .contains("Unmatched argument at index 0: 'rename'");
  }
}
