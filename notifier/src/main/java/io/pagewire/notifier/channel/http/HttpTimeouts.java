package io.pagewire.notifier.channel.http;

import io.pagewire.notifier.channel.InvalidSetting;
import java.time.Duration;

/**
 * How long one HTTP attempt may wait, in two parts: {@code connect} for the TCP connection and
 * the TLS handshake, {@code read} for the answer once the request is sent (status, headers and
 * the start of the body). An attempt therefore ends after at most {@code connect + read}, and a
 * receiver that accepts the connection but never answers fails as retryable after {@code read}.
 *
 * @param connect default {@value #DEFAULT_CONNECT_SECONDS}s, at most 60s
 * @param read default {@value #DEFAULT_READ_SECONDS}s, at most 60s
 */
public record HttpTimeouts(Duration connect, Duration read) {

  public static final int DEFAULT_CONNECT_SECONDS = 5;
  public static final int DEFAULT_READ_SECONDS = 10;
  private static final Duration MAX = Duration.ofSeconds(60);

  public HttpTimeouts {
    connect = check("connectTimeout", connect, Duration.ofSeconds(DEFAULT_CONNECT_SECONDS));
    read = check("readTimeout", read, Duration.ofSeconds(DEFAULT_READ_SECONDS));
  }

  public static HttpTimeouts defaults() {
    return new HttpTimeouts(null, null);
  }

  /**
   * The rule every channel's timeout settings follow: absent takes the default; otherwise
   * between 1ms and 60s (a longer wait would only hold a page back from its next attempt).
   */
  public static Duration check(String key, Duration value, Duration fallback) {
    Duration checked = value != null ? value : fallback;
    if (checked.isNegative() || checked.isZero() || checked.compareTo(MAX) > 0) {
      throw new InvalidSetting(key, "must be between 1ms and 60s");
    }
    return checked;
  }
}
