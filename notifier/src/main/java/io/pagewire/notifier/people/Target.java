package io.pagewire.notifier.people;

import io.pagewire.schemas.DeliveryLogEntry;
import io.pagewire.schemas.Ids;
import java.time.Duration;

/**
 * One place a notification goes: a channel named by the request, or one of a user's contact
 * methods chosen by their notification rules.
 *
 * @param key unique within the notification, opaque: the channel name, or
 *     {@link Ids#contactMethodTarget} of the user and contact method
 * @param channel the notifier channel it goes through
 * @param to the address on that channel, or null
 * @param after how long after the request it is due (a notification rule's delay)
 * @param user the user whose contact method this is, or null for a named channel
 * @param contactMethod the user's contact method, or null for a named channel (and for a user's
 *     target read from a delivery log entry written before the log recorded it)
 */
public record Target(String key, String channel, String to, Duration after, String user, String contactMethod) {

  /** A channel the request names. */
  public static Target channel(String name) {
    return new Target(name, name, null, Duration.ZERO, null, null);
  }

  /** One of {@code user}'s contact methods, due {@code after} the request. */
  public static Target contactMethod(String user, String contactMethod, String channel, String to, Duration after) {
    return new Target(Ids.contactMethodTarget(user, contactMethod), channel, to, after, user, contactMethod);
  }

  /**
   * The target a PENDING delivery log entry was held for, from the entry's fields, never from its
   * key. An entry written before the log recorded user and contact method belongs to the request's
   * recipient when the request named no channel; which of their methods it was is unknown, so it
   * has no fallback.
   */
  public static Target held(DeliveryLogEntry entry) {
    String user = entry.getUser();
    if (user == null && entry.getRequest() != null && entry.getRequest().getChannels().isEmpty()) {
      user = entry.getRequest().getRecipient();
    }
    return new Target(entry.getTarget(), entry.getChannel(), entry.getTo(), Duration.ZERO, user, entry.getContactMethod());
  }

  public boolean ofUser() {
    return user != null;
  }
}
