package io.pagewire.notifier.channel.email;

import io.pagewire.notifier.channel.Channel;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.notifier.channel.Message;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.util.Date;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Sends each message as an email over SMTP (Jakarta Mail, Angus): {@code multipart/alternative}
 * with a plain-text part (the rendered body) and an HTML part (the same text, escaped, links made
 * clickable). The subject is the rendered title; header {@code X-Pagewire-Notification-Id}
 * carries the id. STARTTLS is required by default; AUTH when a username is set.
 *
 * <p>Every connect, reply and write is bounded by {@link EmailConfig#connectTimeout()} and
 * {@link EmailConfig#readTimeout()} (Jakarta Mail's own default is to wait forever).
 *
 * <p>Classification: an SMTP 4xx reply, connection failures and timeouts are retryable; a 5xx
 * reply, a refused login and an invalid address are permanent.
 */
public final class EmailChannel implements Channel {

  private final String name;
  private final EmailConfig config;
  private final Session session;
  private final String protocol;

  public EmailChannel(String name, EmailConfig config, Clock clock) {
    this.name = name;
    this.config = config;
    this.protocol = config.security().equals("tls") ? "smtps" : "smtp";
    Properties props = new Properties();
    String p = "mail." + protocol + ".";
    props.put(p + "host", config.host());
    props.put(p + "port", Integer.toString(config.port()));
    props.put(p + "auth", Boolean.toString(config.username() != null));
    // Jakarta Mail waits forever by default; every connect, reply and write is bounded here.
    props.put(p + "connectiontimeout", Long.toString(config.connectTimeout().toMillis()));
    props.put(p + "timeout", Long.toString(config.readTimeout().toMillis()));
    props.put(p + "writetimeout", Long.toString(config.readTimeout().toMillis()));
    if (config.security().equals("starttls")) {
      props.put(p + "starttls.enable", "true");
      props.put(p + "starttls.required", "true");
    }
    if (!config.security().equals("none")) {
      if (config.trustedHosts().isEmpty()) {
        props.put(p + "ssl.checkserveridentity", "true");
      } else {
        // An explicitly trusted relay: its (self-signed) certificate is accepted as it is.
        props.put(p + "ssl.checkserveridentity", "false");
        props.put(p + "ssl.trust", String.join(" ", config.trustedHosts()));
      }
    }
    this.session = Session.getInstance(props);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Delivery send(Message message) {
    String to = message.to() != null ? message.to() : config.to();
    if (to == null) {
      return Delivery.permanent("no recipient address: set 'to' on the contact method or the channel");
    }
    try {
      MimeMessage mail = new MimeMessage(session);
      mail.setFrom(new InternetAddress(config.from(), true));
      mail.setRecipients(jakarta.mail.Message.RecipientType.TO, InternetAddress.parse(to, true));
      mail.setSubject(message.title(), "UTF-8");
      mail.setSentDate(new Date());
      mail.setHeader("X-Pagewire-Notification-Id", message.id());
      MimeBodyPart text = new MimeBodyPart();
      text.setText(message.body(), "UTF-8", "plain");
      MimeBodyPart html = new MimeBodyPart();
      html.setText(Html.of(message.title(), message.body()), "UTF-8", "html");
      // Plain text first: multipart/alternative lists the preferred part last.
      mail.setContent(new MimeMultipart("alternative", text, html));
      try (Transport transport = session.getTransport(protocol)) {
        transport.connect(config.host(), config.port(), config.username(),
            config.password() == null ? null : config.password().reveal());
        mail.saveChanges();
        transport.sendMessage(mail, mail.getAllRecipients());
      }
      return Delivery.delivered();
    } catch (AddressException e) {
      return Delivery.permanent("invalid address: " + e.getMessage());
    } catch (AuthenticationFailedException e) {
      return Delivery.permanent("SMTP authentication failed");
    } catch (MessagingException e) {
      return classify(e);
    }
  }

  private static Delivery classify(MessagingException e) {
    SocketTimeoutException timeout = timeout(e);
    if (timeout != null) {
      // connectTimeout or readTimeout: the server did not connect, greet, reply or read in time.
      return Delivery.retryable("SMTP timed out: " + oneLine(timeout.getMessage()));
    }
    int code = replyCode(e);
    String reason = "SMTP " + (code > 0 ? code + " " : "") + oneLine(e.getMessage());
    if (code >= 500) {
      return Delivery.permanent(reason);
    }
    if (code >= 400 || isIo(e)) {
      return Delivery.retryable(code >= 400 ? reason : "connection failed: " + oneLine(e.getMessage()));
    }
    // STARTTLS required but not offered, and similar refusals of the configured security.
    return Delivery.permanent(reason);
  }

  private static int replyCode(MessagingException e) {
    for (Exception x = e; x != null; x = x instanceof MessagingException m ? m.getNextException() : null) {
      if (x instanceof SMTPSendFailedException s) {
        return s.getReturnCode();
      }
      if (x instanceof SMTPAddressFailedException a) {
        return a.getReturnCode();
      }
      if (x instanceof SendFailedException && x != e) {
        continue;
      }
    }
    return -1;
  }

  private static SocketTimeoutException timeout(Throwable e) {
    for (Throwable x = e; x != null; x = x.getCause() == x ? null : x.getCause()) {
      if (x instanceof SocketTimeoutException t) {
        return t;
      }
      if (x instanceof MessagingException m && m.getNextException() instanceof SocketTimeoutException t) {
        return t;
      }
    }
    return null;
  }

  private static boolean isIo(Throwable e) {
    for (Throwable x = e; x != null; x = x.getCause() == x ? null : x.getCause()) {
      if (x instanceof IOException) {
        return true;
      }
      if (x instanceof MessagingException m && m.getNextException() instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s+", " ").strip();
  }
}
