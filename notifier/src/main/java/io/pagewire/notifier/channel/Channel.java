package io.pagewire.notifier.channel;

import io.pagewire.notifier.template.Templates;
import io.pagewire.schemas.NotificationRequest;

/**
 * One configured way of reaching people: console, webhook, Slack, Teams, email, PagerDuty. Each
 * channel type lives in its own package beside its config record and is registered once, in
 * {@link ChannelRegistry}.
 *
 * <p>Implementations must be thread-safe: the notifier calls one channel from up to
 * {@code notifier.delivery.concurrency} threads of that channel's lane at once (the HTTP channels
 * share one immutable client; email opens a transport per message).
 */
public interface Channel {

  /** The name this channel is configured under ({@code notifier.channels.NAME}). */
  String name();

  /**
   * Sends one message, once. Blocks, but never longer than the channel's own timeout; does not
   * retry (the caller does, see {@code io.pagewire.notifier.delivery.Retrier}).
   *
   * @return how the attempt went: delivered, worth retrying, or never going to succeed. The
   *     reason never contains a secret (URL, token, header value, password).
   */
  Delivery send(Message message);

  /** Sends one notification rendered with the default templates. */
  default Delivery send(NotificationRequest request) {
    return send(Templates.defaults().render(request, null));
  }
}
