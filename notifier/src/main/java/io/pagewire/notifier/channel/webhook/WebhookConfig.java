package io.pagewire.notifier.channel.webhook;

import io.pagewire.notifier.channel.http.HttpPoster;
import io.pagewire.platform.config.Secret;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of a {@code type: webhook} channel.
 *
 * @param url where to POST; a secret (Slack-style URLs carry their token), so write it as
 *     {@code ${env:NAME}} or {@code ${file:/path}}; it is never logged
 * @param headers extra request headers, for example {@code Authorization}; values are secrets
 * @param timeout the most one attempt may take, connecting included; at most 60s, because the
 *     notifier polls Kafka only between attempts
 * @param signingKey when set, every POST is signed with HMAC-SHA256 ({@code X-Pagewire-Signature},
 *     see {@link WebhookSignature}); a secret
 */
public record WebhookConfig(Secret url, Map<String, Secret> headers, Duration timeout, Secret signingKey) {

  public WebhookConfig {
    HttpPoster.requireHttpUrl(url);
    headers = headers != null ? Map.copyOf(headers) : Map.of();
    timeout = HttpPoster.timeout(timeout);
    if (signingKey != null && signingKey.reveal().length() < 16) {
      throw new IllegalArgumentException("signingKey must be at least 16 characters");
    }
  }

  public WebhookConfig(Secret url, Map<String, Secret> headers, Duration timeout) {
    this(url, headers, timeout, null);
  }
}
