package io.pagewire.notifier.channel;

import io.pagewire.schemas.NotificationRequest;
import java.util.List;
import java.util.Objects;

/**
 * One message to send: a notification, or a digest of several for the same recipient, with its
 * rendered title and body (see {@code io.pagewire.notifier.template.Templates}).
 *
 * @param request the notification; for a digest, the first of {@code bundled}
 * @param to the address on the channel (a contact method's {@code to}), or null for the
 *     channel's own default
 * @param title one line
 * @param body plain text
 * @param bundled for a digest, every notification it carries (two or more); empty otherwise
 */
public record Message(NotificationRequest request, String to, String title, String body, List<NotificationRequest> bundled) {

  public Message {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(body, "body");
    bundled = bundled != null ? List.copyOf(bundled) : List.of();
  }

  public boolean digest() {
    return !bundled.isEmpty();
  }

  /** The id receivers deduplicate on: the notification's, or for a digest {@code digest:<first id>}. */
  public String id() {
    return digest() ? "digest:" + request.getNotificationId() : request.getNotificationId();
  }
}
