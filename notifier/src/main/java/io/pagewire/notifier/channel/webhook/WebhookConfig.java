package io.pagewire.notifier.channel.webhook;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.pagewire.notifier.channel.InvalidSetting;
import io.pagewire.notifier.channel.http.HttpPoster;
import io.pagewire.notifier.channel.http.HttpTimeouts;
import io.pagewire.platform.config.Secret;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of a {@code type: webhook} channel.
 *
 * @param url where to POST; a secret (Slack-style URLs carry their token), so write it as
 *     {@code ${env:NAME}} or {@code ${file:/path}}; it is never logged
 * @param headers extra request headers, for example {@code Authorization}; values are secrets
 * @param signingKey when set, every POST is signed with HMAC-SHA256 ({@code X-Pagewire-Signature},
 *     see {@link WebhookSignature}); a secret
 * @param connectTimeout the most the TCP connection and TLS handshake may take; default 5s, at most 60s
 * @param readTimeout the most to wait for the answer once the request is sent; default 10s, at
 *     most 60s ({@code timeout} is its former name and still read)
 */
public record WebhookConfig(Secret url, Map<String, Secret> headers, Secret signingKey,
                            Duration connectTimeout, @JsonAlias("timeout") Duration readTimeout) {

  public WebhookConfig {
    HttpPoster.requireHttpUrl(url);
    headers = headers != null ? Map.copyOf(headers) : Map.of();
    HttpTimeouts timeouts = new HttpTimeouts(connectTimeout, readTimeout);
    connectTimeout = timeouts.connect();
    readTimeout = timeouts.read();
    if (signingKey != null && signingKey.reveal().length() < 16) {
      throw new InvalidSetting("signingKey", "must be at least 16 characters");
    }
  }

  public WebhookConfig(Secret url, Map<String, Secret> headers, Duration readTimeout, Secret signingKey) {
    this(url, headers, signingKey, null, readTimeout);
  }

  public WebhookConfig(Secret url, Map<String, Secret> headers, Duration readTimeout) {
    this(url, headers, null, null, readTimeout);
  }

  public HttpTimeouts timeouts() {
    return new HttpTimeouts(connectTimeout, readTimeout);
  }
}
