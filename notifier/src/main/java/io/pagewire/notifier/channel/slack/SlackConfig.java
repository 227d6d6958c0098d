package io.pagewire.notifier.channel.slack;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.pagewire.notifier.channel.http.HttpPoster;
import io.pagewire.notifier.channel.http.HttpTimeouts;
import io.pagewire.platform.config.Secret;
import java.time.Duration;

/**
 * Settings of a {@code type: slack} channel (a Slack incoming webhook).
 *
 * @param url the incoming webhook URL ({@code https://hooks.slack.com/services/...}); a secret
 * @param connectTimeout the most the TCP connection and TLS handshake may take; default 5s, at most 60s
 * @param readTimeout the most to wait for Slack's answer; default 10s, at most 60s
 *     ({@code timeout} is its former name and still read)
 */
public record SlackConfig(Secret url, Duration connectTimeout, @JsonAlias("timeout") Duration readTimeout) {
  public SlackConfig {
    HttpPoster.requireHttpUrl(url);
    HttpTimeouts timeouts = new HttpTimeouts(connectTimeout, readTimeout);
    connectTimeout = timeouts.connect();
    readTimeout = timeouts.read();
  }

  public SlackConfig(Secret url, Duration readTimeout) {
    this(url, null, readTimeout);
  }

  public HttpTimeouts timeouts() {
    return new HttpTimeouts(connectTimeout, readTimeout);
  }
}
