package io.pagewire.notifier.channel.console;

import io.pagewire.notifier.channel.Channel;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.notifier.channel.Message;
import io.pagewire.notifier.channel.Rendering;
import io.pagewire.schemas.NotificationRequest;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each notification as one readable line to the SLF4J logger {@code pagewire.pages} at
 * INFO, for example
 * {@code PAGE P0 SEV-1 [inc-42] level 1 primary-oncall: Checkout down — 5xx above 20% (ack: pagewire incident ack inc-42)};
 * the signed one-click links are never written to the log.
 * It is how the embedded demo shows pages; it always delivers.
 */
public final class ConsoleChannel implements Channel {

  /** The logger pages are written to, so a logging configuration can route them apart. */
  public static final String LOGGER = "pagewire.pages";

  private static final Logger pages = LoggerFactory.getLogger(LOGGER);

  private final String name;

  public ConsoleChannel(String name, ConsoleConfig config, Clock clock) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Delivery send(Message message) {
    if (message.digest()) {
      pages.info("DIGEST {} {}", message.request().getRecipient(), message.body());
    } else {
      pages.info("{}", line(message.request()));
    }
    return Delivery.delivered();
  }

  /** The line for one notification; parts the request does not carry are left out. */
  static String line(NotificationRequest request) {
    StringBuilder line = new StringBuilder()
        .append(request.getKind()).append(' ').append(request.getPriority());
    if (request.getSeverity() != null) {
      line.append(' ').append(Rendering.severity(request.getSeverity()));
    }
    line.append(" [").append(request.getIncidentId()).append("] level ").append(request.getLevel())
        .append(' ').append(request.getRecipient()).append(": ").append(request.getTitle());
    if (!request.getSummary().isBlank()) {
      line.append(" — ").append(request.getSummary());
    }
    // Never the signed link: it acts without credentials, and logs are read by more people than pages are.
    if (request.getLinks().containsKey("acknowledge")) {
      line.append(" (ack: pagewire incident ack ").append(request.getIncidentId()).append(')');
    }
    return line.toString();
  }
}
