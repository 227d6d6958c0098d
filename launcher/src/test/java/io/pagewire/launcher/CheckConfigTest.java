package io.pagewire.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pagewire check-config} binds every channel and template, as the notifier does at start-up. */
class CheckConfigTest {

  @Test
  void shouldReportEveryChannelTemplateAndContactMethodProblemWithItsLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, """
        notifier:
          channels:
            console: {type: console}
            ops:
              type: webhook
              url: "https://hooks.example.com/s3cr3t"
              retries: 3
            chat:
              type: slack
              readTimeout: 5m
            pigeon: {type: carrier-pigeon}
          templates:
            title: "{{priorty}} {{title}}"
        users:
          alice:
            contactMethods:
              - {name: page, channel: pager}
        """);

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), "check-config", "--config", file.toString());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8).lines().map(line -> line.replaceFirst("^pagewire: ", "")).toList()).containsExactly(
            file + " line 7, column 7: notifier.channels.ops.retries: unknown key for type webhook"
                + " (known here: connectTimeout, headers, readTimeout, signingKey, url)",
            file + " line 8, column 5: notifier.channels.chat.url: is required",
            file + " line 11, column 14: notifier.channels.pigeon.type: unknown channel type 'carrier-pigeon'"
                + " (known types: console, email, pagerduty, slack, teams, webhook)",
            file + " line 13, column 5: notifier.templates.title: unknown variable 'priorty' (known: incidentId,"
                + " kind, labels, level, links, links.acknowledge, links.incident, links.resolve, links.runbook, name,"
                + " notificationId, priority, recipient, severity, summary, title, value)",
            file + " line 17, column 22: users.alice.contactMethods[0].channel: unknown notifier channel 'pager'"
                + " (known: chat, console, ops, pigeon)");
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("s3cr3t");
  }

  @Test
  void shouldAcceptTheSampleConfiguration() {
    assertThat(Main.run(System.out, System.err, "check-config")).isZero();
  }
}
