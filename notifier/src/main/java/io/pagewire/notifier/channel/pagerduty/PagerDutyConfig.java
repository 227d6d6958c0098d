package io.pagewire.notifier.channel.pagerduty;

import io.pagewire.notifier.channel.http.HttpPoster;
import io.pagewire.platform.config.Secret;
import java.time.Duration;

/**
 * Settings of a {@code type: pagerduty} channel (PagerDuty Events API v2).
 *
 * @param routingKey the integration key of the PagerDuty service; a secret
 * @param url the Events API endpoint; default {@value #DEFAULT_URL} (EU accounts:
 *     {@code https://events.eu.pagerduty.com/v2/enqueue})
 * @param source the {@code payload.source} of triggers; default {@code pagewire}
 * @param timeout the most one attempt may take; default 10s, at most 60s
 */
public record PagerDutyConfig(Secret routingKey, Secret url, String source, Duration timeout) {

  public static final String DEFAULT_URL = "https://events.pagerduty.com/v2/enqueue";

  public PagerDutyConfig {
    if (routingKey == null || routingKey.reveal().isBlank()) {
      throw new IllegalArgumentException("routingKey is required");
    }
    url = url != null ? url : Secret.of(DEFAULT_URL);
    HttpPoster.requireHttpUrl(url);
    source = source != null ? source : "pagewire";
    timeout = HttpPoster.timeout(timeout);
  }
}
