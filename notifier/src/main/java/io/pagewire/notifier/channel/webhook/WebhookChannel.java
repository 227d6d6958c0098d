package io.pagewire.notifier.channel.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pagewire.notifier.channel.Channel;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.notifier.channel.Message;
import io.pagewire.notifier.channel.http.HttpPoster;
import io.pagewire.platform.config.Secret;
import io.pagewire.platform.http.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * POSTs each notification as JSON ({@link WebhookBody}; a digest as {@link WebhookDigest}) with
 * header {@code X-Pagewire-Notification-Id}, and when a {@code signingKey} is configured
 * {@code X-Pagewire-Timestamp} and {@code X-Pagewire-Signature} ({@link WebhookSignature}).
 * Classification as {@link HttpPoster}.
 */
public final class WebhookChannel implements Channel {

  /** Header carrying the notification id, for receivers that deduplicate. */
  public static final String NOTIFICATION_ID_HEADER = "X-Pagewire-Notification-Id";

  private final String name;
  private final Map<String, Secret> headers;
  private final Secret signingKey;
  private final Clock clock;
  private final HttpPoster poster;

  public WebhookChannel(String name, WebhookConfig config, Clock clock) {
    this.name = name;
    this.headers = config.headers();
    this.signingKey = config.signingKey();
    this.clock = clock;
    List<Secret> secrets = new ArrayList<>(headers.values());
    if (signingKey != null) {
      secrets.add(signingKey);
    }
    this.poster = new HttpPoster(config.url(), config.timeouts(), clock, secrets);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Delivery send(Message message) {
    byte[] body = body(message);
    Map<String, String> sent = new LinkedHashMap<>();
    sent.put(NOTIFICATION_ID_HEADER, message.id());
    if (signingKey != null) {
      long timestamp = clock.instant().getEpochSecond();
      sent.put(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp));
      sent.put(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(signingKey.reveal(), timestamp, body));
    }
    headers.forEach((header, value) -> sent.put(header, value.reveal()));
    return poster.post(body, sent);
  }

  private static byte[] body(Message message) {
    try {
      return Json.MAPPER.writeValueAsBytes(message.digest() ? WebhookDigest.of(message) : WebhookBody.of(message.request()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the webhook body", e);
    }
  }
}
