package io.pagewire.notifier.people;

import java.time.Duration;

/**
 * One place a notification goes: a channel named by the request, or one of a user's contact
 * methods chosen by their notification rules.
 *
 * @param key unique within the notification: the channel name, or {@code user/contactMethod}
 * @param channel the notifier channel it goes through
 * @param to the address on that channel, or null
 * @param after how long after the request it is due (a notification rule's delay)
 * @param user the user whose contact method this is, or null for a named channel
 */
public record Target(String key, String channel, String to, Duration after, String user) {

  public boolean ofUser() {
    return user != null;
  }
}
