package io.pagewire.notifier.channel.slack;

import io.pagewire.notifier.channel.http.HttpPoster;
import io.pagewire.platform.config.Secret;
import java.time.Duration;

/**
 * Settings of a {@code type: slack} channel (a Slack incoming webhook).
 *
 * @param url the incoming webhook URL ({@code https://hooks.slack.com/services/...}); a secret
 * @param timeout the most one attempt may take; default 10s, at most 60s
 */
public record SlackConfig(Secret url, Duration timeout) {
  public SlackConfig {
    HttpPoster.requireHttpUrl(url);
    timeout = HttpPoster.timeout(timeout);
  }
}
