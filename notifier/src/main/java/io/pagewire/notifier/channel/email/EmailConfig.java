package io.pagewire.notifier.channel.email;

import io.pagewire.platform.config.Secret;
import java.time.Duration;
import java.util.List;

/**
 * Settings of a {@code type: email} channel (SMTP).
 *
 * @param host the SMTP server
 * @param port default 587 ({@code starttls}), 465 ({@code tls}), 25 ({@code none})
 * @param security {@code starttls} (default: STARTTLS is required, the message is never sent in
 *     clear), {@code tls} (implicit TLS, SMTPS) or {@code none} (a local relay only)
 * @param username for SMTP AUTH; with {@code password}
 * @param password a secret
 * @param from the sender address
 * @param to the default recipient, when the contact method names none; optional
 * @param trustedHosts hosts whose TLS certificate is accepted without verification (a relay with
 *     a self-signed certificate); default none, every certificate is verified
 * @param timeout connect, read and write timeout; default 10s, at most 60s
 */
public record EmailConfig(String host, Integer port, String security, String username, Secret password,
                          String from, String to, List<String> trustedHosts, Duration timeout) {

  public EmailConfig {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host is required");
    }
    if (from == null || from.isBlank()) {
      throw new IllegalArgumentException("from is required");
    }
    security = security != null ? security : "starttls";
    if (!List.of("starttls", "tls", "none").contains(security)) {
      throw new IllegalArgumentException("security must be starttls, tls or none");
    }
    port = port != null ? port : switch (security) {
      case "tls" -> 465;
      case "none" -> 25;
      default -> 587;
    };
    if ((username == null) != (password == null)) {
      throw new IllegalArgumentException("username and password go together");
    }
    trustedHosts = trustedHosts != null ? List.copyOf(trustedHosts) : List.of();
    timeout = timeout != null ? timeout : Duration.ofSeconds(10);
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new IllegalArgumentException("timeout must be between 1ms and 60s");
    }
  }
}
