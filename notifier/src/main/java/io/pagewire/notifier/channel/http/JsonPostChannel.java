package io.pagewire.notifier.channel.http;

import io.pagewire.notifier.channel.Channel;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.notifier.channel.Message;

/** A channel that posts one JSON document per message to its URL (Slack, Teams, PagerDuty). */
public abstract class JsonPostChannel implements Channel {

  private final String name;
  private final HttpPoster poster;

  protected JsonPostChannel(String name, HttpPoster poster) {
    this.name = name;
    this.poster = poster;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Delivery send(Message message) {
    return poster.postJson(document(message));
  }

  /** The JSON document (a Jackson tree or a record) the service expects for this message. */
  protected abstract Object document(Message message);
}
