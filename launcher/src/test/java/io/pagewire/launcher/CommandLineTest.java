package io.pagewire.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code pagewire} command line as a user meets it: help, usage errors, completion, quiet output. */
class CommandLineTest {

  record Run(int code, String out, String err) {}

  private static Run pagewire(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Every command and sub-command, as the words that name it ({@code [incident, ack]}). */
  private static List<List<String>> everyCommand() {
    List<List<String>> all = new ArrayList<>();
    collect(Main.commandLine(System.out, System.err), List.of(), all);
    return all;
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> all) {
    java.util.Set<CommandLine> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    command.getSubcommands().forEach((name, sub) -> {
      if (!seen.add(sub)) {
        return; // an alias (ack / acknowledge): the same command
      }
      List<String> words = new ArrayList<>(path);
      words.add(name);
      all.add(words);
      collect(sub, words, all);
    });
  }

  @Test
  void shouldPrintTheUsageAndExitZeroOnHelpOfEveryCommandAndSubCommand() {
    List<List<String>> commands = everyCommand();
    assertThat(commands).contains(List.of("run"), List.of("service"), List.of("check-config"), List.of("routes", "test"),
        List.of("oncall"), List.of("override", "add"), List.of("override", "list"), List.of("override", "delete"),
        List.of("incident", "show"), List.of("incident", "ack"), List.of("incident", "snooze"), List.of("incident", "note"),
        List.of("report"), List.of("help"), List.of("completion"));
    for (List<String> command : commands) {
      for (String help : List.of("--help", "-h")) {
        List<String> args = new ArrayList<>(command);
        args.add(help);
        Run run = pagewire(args.toArray(String[]::new));
        assertThat(run.code()).as(args + ": " + run.err()).isZero();
        assertThat(run.out()).as(args.toString()).startsWith("Usage: pagewire " + String.join(" ", command) + " ");
      }
    }
  }

  @Test
  void shouldExitTwoWithTheProblemAndTheUsageOnAUsageErrorOfEveryCommandAndSubCommand() {
    for (List<String> command : everyCommand()) {
      List<String> args = new ArrayList<>(command);
      args.add("--no-such-option");
      Run run = pagewire(args.toArray(String[]::new));
      assertThat(run.code()).as(args + ": " + run.out() + run.err()).isEqualTo(2);
      // A command with a required argument may name that first.
      assertThat(run.err()).as(args.toString()).containsPattern("^(Unknown option: '--no-such-option'|Missing required)")
          .contains("Usage: pagewire " + String.join(" ", command));
      assertThat(run.out()).as(args.toString()).isEmpty();
    }
    assertThat(pagewire().code()).isEqualTo(2);
    assertThat(pagewire("frobnicate").code()).isEqualTo(2);
    assertThat(pagewire("help", "frobnicate").code()).isEqualTo(2);
    assertThat(pagewire("help", "incident", "ack").out()).startsWith("Usage: pagewire incident ack ");
    assertThat(pagewire("incident", "snooze", "inc-1").err()).startsWith("Missing required parameter: 'DURATION'");
    assertThat(pagewire("service", "mailer").err()).startsWith("unknown service 'mailer' (known: notifier, escalation,");
  }

  @Test
  void shouldListEveryCommandInHelpAndPrintTheVersion() {
    Run help = pagewire("help");
    assertThat(help.code()).isZero();
    for (List<String> command : everyCommand()) {
      assertThat(help.out()).contains("  " + command.get(0) + " ");
    }
    Run version = pagewire("--version");
    assertThat(version.code()).isZero();
    assertThat(version.out()).matches("pagewire \\d+\\.\\d+\\.\\d+.*\\n");
  }

  @Test
  void shouldRefuseATokenOnTheCommandLine() {
    assertThat(pagewire("incident", "ack", "inc-1", "--token", "s3cr3t").code()).isEqualTo(2);
    assertThat(pagewire("override", "list", "--schedule", "s", "--token", "s3cr3t").code()).isEqualTo(2);
  }

  @Test
  void shouldLoadTheCompletionScriptInBashAndCompleteCommandsAndSubCommands(@TempDir Path dir) throws Exception {
    Run completion = pagewire("completion");
    assertThat(completion.code()).isZero();
    Path script = dir.resolve("pagewire.bash");
    Files.writeString(script, completion.out());

    String printed = bash(dir, "source " + script + " && complete -p pagewire"
        + " && COMP_WORDS=(pagewire inc) COMP_CWORD=1 && _complete_pagewire && echo \"[${COMPREPLY[*]}]\""
        + " && COMP_WORDS=(pagewire incident sn) COMP_CWORD=2 && _complete_pagewire && echo \"[${COMPREPLY[*]}]\"");

    assertThat(printed.lines().toList()).containsExactly("complete -o default -F _complete_pagewire pagewire", "[incident]", "[snooze]");
  }

  private static String bash(Path dir, String script) throws Exception {
    Process bash = new ProcessBuilder("bash", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(bash.exitValue()).as(output).isZero();
    return output;
  }

  /**
   * The real process: {@code pagewire oncall} against a port nobody listens on prints only its
   * answer on stdout, says in its first line that the overrides could not be read, logs nothing,
   * and answers well within the bound.
   */
  @Test
  void shouldAnswerOnCallWithoutABrokerInOneLineQuicklyAndLogNothing(@TempDir Path dir) throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Path config = dir.resolve("c.yaml");
    Files.writeString(config, """
        users: {alice: {}, bob: {}}
        escalation:
          schedules:
            berlin:
              zone: Europe/Berlin
              layers:
                - {users: [alice, bob], start: 2026-03-23, handoff: "09:00", length: weekly}
        """ + "kafka: {bootstrapServers: \"127.0.0.1:" + closedPort + "\"}\n");
    Path stderr = dir.resolve("stderr");
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "oncall", "--config", config.toString(),
        "--at", "2026-03-29T16:00:00Z")
        .redirectError(stderr.toFile()).start();
    long started = System.nanoTime();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(process.exitValue()).isZero();
    assertThat(out.lines().findFirst()).hasValue("on call at 2026-03-29T16:00:00Z; overrides NOT included: could not read"
        + " pagewire.schedule-overrides from 127.0.0.1:" + closedPort + " within 3s (no broker accepts connections)");
    assertThat(out.lines().skip(1)).allMatch(line -> line.matches("(SCHEDULE|berlin) .*"));
    assertThat(Files.readString(stderr)).isEmpty();
    assertThat(took).isLessThan(Duration.ofSeconds(10));
  }
}
