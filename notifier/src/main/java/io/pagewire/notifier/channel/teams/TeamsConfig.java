package io.pagewire.notifier.channel.teams;

import io.pagewire.notifier.channel.http.HttpPoster;
import io.pagewire.platform.config.Secret;
import java.time.Duration;

/**
 * Settings of a {@code type: teams} channel (a Microsoft Teams incoming webhook or a Workflows
 * "post to a channel when a webhook request is received" URL).
 *
 * @param url the webhook URL; a secret
 * @param timeout the most one attempt may take; default 10s, at most 60s
 */
public record TeamsConfig(Secret url, Duration timeout) {
  public TeamsConfig {
    HttpPoster.requireHttpUrl(url);
    timeout = HttpPoster.timeout(timeout);
  }
}
