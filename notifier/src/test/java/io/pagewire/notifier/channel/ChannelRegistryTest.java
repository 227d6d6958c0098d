package io.pagewire.notifier.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagewire.notifier.channel.console.ConsoleChannel;
import io.pagewire.notifier.channel.webhook.WebhookChannel;
import io.pagewire.platform.config.ConfigException;
import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
        .hasMessage("notifier.channels.team-chat: unknown channel type 'carrier-pigeon' (known types: console, email, pagerduty, slack, teams, webhook)");
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
        .hasMessage("notifier.channels.ops (type webhook): unknown key 'retries' (known here: headers, signingKey, timeout, url)");
    assertThatThrownBy(() -> create("""
        notifier:
          channels:
            console: {type: console, colour: red}
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("notifier.channels.console (type console): unknown key 'colour'");
  }

  @Test
  void shouldFailWithoutRepeatingASecretUrl() {
    assertThatThrownBy(() -> create("""
        notifier:
          channels:
            ops: {type: webhook, url: "ftp://hooks.example.com/s3cr3t"}
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("notifier.channels.ops (type webhook)")
        .hasMessageContaining("url must be an absolute http:// or https:// URL")
        .message().doesNotContain("s3cr3t");
    assertThatThrownBy(() -> create("""
        notifier:
          channels:
            ops: {type: webhook}
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("url is required");
  }

  @Test
  void shouldFailForABadTimeout() {
    assertThatThrownBy(() -> create("""
        notifier:
          channels:
            ops: {type: webhook, url: "http://localhost/x", timeout: 5 minutes}
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("notifier.channels.ops (type webhook): timeout: ");
  }
}
