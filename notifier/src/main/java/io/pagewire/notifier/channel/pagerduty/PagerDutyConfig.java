package io.pagewire.notifier.channel.pagerduty;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.pagewire.notifier.channel.InvalidSetting;
import io.pagewire.notifier.channel.http.HttpPoster;
import io.pagewire.notifier.channel.http.HttpTimeouts;
import io.pagewire.platform.config.Secret;
import java.time.Duration;

/**
 * Settings of a {@code type: pagerduty} channel (PagerDuty Events API v2).
 *
 * @param routingKey the integration key of the PagerDuty service; a secret
 * @param url the Events API endpoint; default {@value #DEFAULT_URL} (EU accounts:
 *     {@code https://events.eu.pagerduty.com/v2/enqueue})
 * @param source the {@code payload.source} of triggers; default {@code pagewire}
 * @param connectTimeout the most the TCP connection and TLS handshake may take; default 5s, at most 60s
 * @param readTimeout the most to wait for PagerDuty's answer; default 10s, at most 60s
 *     ({@code timeout} is its former name and still read)
 */
public record PagerDutyConfig(Secret routingKey, Secret url, String source,
                              Duration connectTimeout, @JsonAlias("timeout") Duration readTimeout) {

  public static final String DEFAULT_URL = "https://events.pagerduty.com/v2/enqueue";

  public PagerDutyConfig {
    if (routingKey == null || routingKey.reveal().isBlank()) {
      throw new InvalidSetting("routingKey", "is required");
    }
    url = url != null ? url : Secret.of(DEFAULT_URL);
    HttpPoster.requireHttpUrl(url);
    source = source != null ? source : "pagewire";
    HttpTimeouts timeouts = new HttpTimeouts(connectTimeout, readTimeout);
    connectTimeout = timeouts.connect();
    readTimeout = timeouts.read();
  }

  public PagerDutyConfig(Secret routingKey, Secret url, String source, Duration readTimeout) {
    this(routingKey, url, source, null, readTimeout);
  }

  public HttpTimeouts timeouts() {
    return new HttpTimeouts(connectTimeout, readTimeout);
  }
}
