package io.pagewire.notifier.channel.teams;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.pagewire.notifier.channel.http.HttpPoster;
import io.pagewire.notifier.channel.http.HttpTimeouts;
import io.pagewire.platform.config.Secret;
import java.time.Duration;

/**
 * Settings of a {@code type: teams} channel: the URL of a Teams Workflows (Power Automate) flow
 * started by "When a Teams webhook request is received" and posting the card with "Post card in
 * a chat or channel" (the template "Post to a channel when a webhook request is received").
 *
 * @param url the flow's HTTP trigger URL; a secret (its {@code sig} query parameter signs it)
 * @param connectTimeout the most the TCP connection and TLS handshake may take; default 5s, at most 60s
 * @param readTimeout the most to wait for the answer; default 10s, at most 60s ({@code timeout}
 *     is its former name and still read)
 */
public record TeamsConfig(Secret url, Duration connectTimeout, @JsonAlias("timeout") Duration readTimeout) {
  public TeamsConfig {
    HttpPoster.requireHttpUrl(url);
    HttpTimeouts timeouts = new HttpTimeouts(connectTimeout, readTimeout);
    connectTimeout = timeouts.connect();
    readTimeout = timeouts.read();
  }

  public TeamsConfig(Secret url, Duration readTimeout) {
    this(url, null, readTimeout);
  }

  public HttpTimeouts timeouts() {
    return new HttpTimeouts(connectTimeout, readTimeout);
  }
}
