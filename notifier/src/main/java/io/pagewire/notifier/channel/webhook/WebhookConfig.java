package io.pagewire.notifier.channel.webhook;

import io.pagewire.platform.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of a {@code type: webhook} channel.
 *
 * @param url where to POST; a secret (Slack-style URLs carry their token), so write it as
 *     {@code ${env:NAME}} or {@code ${file:/path}}; it is never logged
 * @param headers extra request headers, for example {@code Authorization}; values are secrets
 * @param timeout the most one attempt may take, connecting included; at most
 *     {@value #MAX_TIMEOUT_SECONDS}s, because the notifier polls Kafka only between attempts
 */
public record WebhookConfig(Secret url, Map<String, Secret> headers, Duration timeout) {

  static final long MAX_TIMEOUT_SECONDS = 60;

  public WebhookConfig {
    if (url == null) {
      throw new IllegalArgumentException("url is required");
    }
    URI uri;
    try {
      uri = URI.create(url.reveal());
    } catch (IllegalArgumentException e) {
      // The parser's message quotes the URL, which is a secret.
      throw new IllegalArgumentException("url is not a valid URL");
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("url must be an absolute http:// or https:// URL");
    }
    headers = headers != null ? Map.copyOf(headers) : Map.of();
    timeout = timeout != null ? timeout : Duration.ofSeconds(10);
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofSeconds(MAX_TIMEOUT_SECONDS)) > 0) {
      throw new IllegalArgumentException("timeout must be between 1ms and " + MAX_TIMEOUT_SECONDS + "s");
    }
  }
}
