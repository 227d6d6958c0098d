package io.pagewire.notifier.channel.webhook;

import io.pagewire.notifier.channel.Message;
import java.util.List;

/**
 * The JSON a webhook receives for a digest (pages held back by a rate limit, bundled):
 * {@code {"digest": true, "notificationId": "digest:<first id>", "recipient": "...", "count": n,
 * "notifications": [ WebhookBody, ... ]}}.
 */
public record WebhookDigest(boolean digest, String notificationId, String recipient, int count, List<WebhookBody> notifications) {

  public static WebhookDigest of(Message message) {
    return new WebhookDigest(true, message.id(), message.request().getRecipient(), message.bundled().size(),
        message.bundled().stream().map(WebhookBody::of).toList());
  }
}
