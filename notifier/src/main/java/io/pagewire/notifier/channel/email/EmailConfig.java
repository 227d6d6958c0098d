package io.pagewire.notifier.channel.email;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.pagewire.notifier.channel.InvalidSetting;
import io.pagewire.notifier.channel.http.HttpTimeouts;
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
 * @param connectTimeout the most the TCP connection may take; default 5s, at most 60s
 * @param readTimeout the most to wait for each reply of the server (the greeting included) and
 *     for each write; default 10s, at most 60s ({@code timeout} is its former name and still read)
 */
public record EmailConfig(String host, Integer port, String security, String username, Secret password,
                          String from, String to, List<String> trustedHosts,
                          Duration connectTimeout, @JsonAlias("timeout") Duration readTimeout) {

  public EmailConfig {
    if (host == null || host.isBlank()) {
      throw new InvalidSetting("host", "is required");
    }
    if (from == null || from.isBlank()) {
      throw new InvalidSetting("from", "is required");
    }
    security = security != null ? security : "starttls";
    if (!List.of("starttls", "tls", "none").contains(security)) {
      throw new InvalidSetting("security", "must be starttls, tls or none");
    }
    port = port != null ? port : switch (security) {
      case "tls" -> 465;
      case "none" -> 25;
      default -> 587;
    };
    if ((username == null) != (password == null)) {
      throw username == null ? new InvalidSetting("username", "is required with password")
          : new InvalidSetting("password", "is required with username");
    }
    trustedHosts = trustedHosts != null ? List.copyOf(trustedHosts) : List.of();
    HttpTimeouts timeouts = new HttpTimeouts(connectTimeout, readTimeout);
    connectTimeout = timeouts.connect();
    readTimeout = timeouts.read();
  }

  public EmailConfig(String host, Integer port, String security, String username, Secret password,
                     String from, String to, List<String> trustedHosts, Duration readTimeout) {
    this(host, port, security, username, password, from, to, trustedHosts, null, readTimeout);
  }
}
