package io.pagewire.notifier.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagewire.notifier.channel.console.ConsoleChannel;
import io.pagewire.notifier.channel.http.HttpTimeouts;
import io.pagewire.notifier.channel.slack.SlackConfig;
import io.pagewire.notifier.channel.webhook.WebhookConfig;
import io.pagewire.notifier.channel.webhook.WebhookChannel;
import io.pagewire.platform.config.ConfigException;
import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelRegistryTest {

  private static Map<String, Channel> create(String yaml) {
    PagewireConfig config = ConfigLoader.parse("test.yaml", yaml);
    return ChannelRegistry.create(config.notifier().channels(), Clock.systemUTC());
  }

  @Test
  void shouldBuildEachConfiguredChannelFromItsTypeAndSettings(@TempDir Path dir) throws IOException {
    Path urlFile = dir.resolve("url");
    Files.writeString(urlFile, "https://hooks.example.com/services/s3cr3t\n");

    Map<String, Channel> channels = create("""
        notifier:
          channels:
            console: {type: console}
            ops:
              type: webhook
              url: ${file:%s}
              headers: {Authorization: Bearer x}
              timeout: 5s
        """.formatted(urlFile));

    assertThat(channels).containsOnlyKeys("console", "ops");
    assertThat(channels.get("console")).isInstanceOf(ConsoleChannel.class);
    assertThat(channels.get("ops")).isInstanceOf(WebhookChannel.class);
    assertThat(channels.get("ops").name()).isEqualTo("ops");
  }

  @Test
  void shouldRefuseAChannelNameGivenTwice() {
    assertThatThrownBy(() -> create("""
        notifier:
          channels:
            ops: {type: console}
            ops: {type: webhook, url: "http://localhost/x"}
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.yaml line 4")
        .hasMessageContaining("Duplicate field 'ops'");
  }

  @Test
  void shouldBuildSlackTeamsPagerDutyAndEmailChannels() {
    Map<String, Channel> channels = create("""
        notifier:
          channels:
            slack-ops: {type: slack, url: "https://hooks.slack.example/services/T/B/x"}
            teams-ops: {type: teams, url: "https://teams.example/webhook/x"}
            pd: {type: pagerduty, routingKey: "0123456789abcdef0123456789abcdef"}
            mail: {type: email, host: smtp.example.com, from: pagewire@example.com, username: pw, password: secret}
        """);

    assertThat(channels).containsOnlyKeys("slack-ops", "teams-ops", "pd", "mail");
  }

  @Test
  void shouldDefaultToOneConsoleChannel() {
    Map<String, Channel> channels = ChannelRegistry.create(PagewireConfig.defaults().notifier().channels(), Clock.systemUTC());

    assertThat(channels).containsOnlyKeys("console");
  }

  @Test
  void shouldFailNamingTheChannelAndKnownTypesForAnUnknownType() {
    assertThatThrownBy(() -> create("""
        notifier:
          channels:
            team-chat: {type: carrier-pigeon}
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessage("notifier.channels.team-chat.type: unknown channel type 'carrier-pigeon' (known types: console, email, pagerduty, slack, teams, webhook)");
  }

  @Test
  void shouldFailForAChannelWithoutType() {
    assertThatThrownBy(() -> create("""
        notifier:
          channels:
            ops: {url: "http://localhost/x"}
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessage("notifier.channels.ops: missing 'type' (known types: console, email, pagerduty, slack, teams, webhook)");
  }

  @Test
  void shouldFailNamingAnUnknownKey() {
    assertThatThrownBy(() -> create("""
        notifier:
          channels:
            ops: {type: webhook, url: "http://localhost/x", retries: 3}
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessage("notifier.channels.ops.retries: unknown key for type webhook"
            + " (known here: connectTimeout, headers, readTimeout, signingKey, url)");
    assertThatThrownBy(() -> create("""
        notifier:
          channels:
            console: {type: console, colour: red}
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("notifier.channels.console.colour: unknown key for type console");
  }

  @Test
  void shouldFailWithoutRepeatingASecretUrl() {
    assertThatThrownBy(() -> create("""
        notifier:
          channels:
            ops: {type: webhook, url: "ftp://hooks.example.com/s3cr3t"}
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessage("notifier.channels.ops.url: must be an absolute http:// or https:// URL")
        .message().doesNotContain("s3cr3t");
    assertThatThrownBy(() -> create("""
        notifier:
          channels:
            ops: {type: webhook}
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessage("notifier.channels.ops.url: is required");
  }

  @Test
  void shouldFailForABadTimeoutNamingItsKey() {
    assertThatThrownBy(() -> create("""
        notifier:
          channels:
            ops: {type: webhook, url: "http://localhost/x", readTimeout: 5m}
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessage("notifier.channels.ops.readTimeout: must be between 1ms and 60s");
    assertThatThrownBy(() -> create("""
        notifier:
          channels:
            ops: {type: webhook, url: "http://localhost/x", connectTimeout: 5 minutes}
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("notifier.channels.ops.connectTimeout: ");
  }

  @Test
  void shouldReadTheFormerTimeoutKeyAsTheReadTimeout() {
    ChannelRegistry.Binding binding = ChannelRegistry.bind(ConfigLoader.parse("test.yaml", """
        notifier:
          channels:
            ops: {type: webhook, url: "http://localhost/x", timeout: 3s}
            chat: {type: slack, url: "http://localhost/y"}
        """).notifier().channels());

    assertThat(binding.problems()).isEmpty();
    assertThat(((WebhookConfig) binding.channels().get("ops").config()).timeouts())
        .isEqualTo(new HttpTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(3)));
    assertThat(((SlackConfig) binding.channels().get("chat").config()).timeouts())
        .isEqualTo(new HttpTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10)));
  }

  @Test
  void shouldReportEveryProblemOfEveryChannelAtOnce() {
    ChannelRegistry.Binding binding = ChannelRegistry.bind(ConfigLoader.parse("test.yaml", """
        notifier:
          channels:
            console: {type: console}
            ops: {type: webhook, url: "http://localhost/x", retries: 3, backoff: 1s}
            chat: {type: slack}
            pd: {type: pagerduty, routingKey: "k", readTimeout: 2h}
            mail: {type: email, host: smtp.example.com, from: a@example.com, port: many}
        """).notifier().channels());

    assertThat(binding.problems()).extracting(Object::toString).containsExactly(
        "notifier.channels.chat.url: is required",
        "notifier.channels.mail.port: cannot read this value as a number",
        "notifier.channels.ops.retries: unknown key for type webhook (known here: connectTimeout, headers, readTimeout, signingKey, url)",
        "notifier.channels.ops.backoff: unknown key for type webhook (known here: connectTimeout, headers, readTimeout, signingKey, url)",
        "notifier.channels.pd.readTimeout: must be between 1ms and 60s");
    assertThat(binding.channels()).containsOnlyKeys("console");
  }
}
