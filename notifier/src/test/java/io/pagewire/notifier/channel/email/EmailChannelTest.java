package io.pagewire.notifier.channel.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.pagewire.notifier.TestRequests;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.notifier.template.Templates;
import io.pagewire.platform.config.Secret;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against a real SMTP server (GreenMail). GreenMail 2.1.5 speaks SMTP with AUTH and SMTPS
 * (implicit TLS, self-signed certificate) but has no STARTTLS command, so STARTTLS is pinned by
 * refusal: with {@code security: starttls} (the default) a server that does not offer it gets
 * nothing, not a cleartext message.
 */
class EmailChannelTest {

  private GreenMail smtp;
  private GreenMail smtps;

  @BeforeEach
  void start() {
    smtp = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.setUser("pagewire@example.com", "pagewire", "s3cr3t-pw");
    smtp.start();
    smtps = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTPS));
    smtps.setUser("pagewire@example.com", "pagewire", "s3cr3t-pw");
    smtps.start();
  }

  @AfterEach
  void stop() {
    smtp.stop();
    smtps.stop();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static EmailChannel channel(GreenMail server, String security, String password) {
    return new EmailChannel("email", new EmailConfig("127.0.0.1", server.getSmtp() != null ? server.getSmtp().getPort() : server.getSmtps().getPort(),
        security, "pagewire", Secret.of(password), "Pagewire <pagewire@example.com>", null, List.of("127.0.0.1"), Duration.ofSeconds(5)),
        Clock.systemUTC());
  }

  @Test
  void shouldSendMultipartAlternativeTextAndHtmlOverImplicitTlsWithAuth() throws Exception {
    var message = Templates.defaults().render(TestRequests.pageWithLinks("inc-42/page/1"), "alice@example.com");

    assertThat(channel(smtps, "tls", "s3cr3t-pw").send(message)).isEqualTo(Delivery.delivered());

    MimeMessage[] received = smtps.getReceivedMessages();
    assertThat(received).hasSize(1);
    MimeMessage mail = received[0];
    assertThat(mail.getSubject()).isEqualTo("[P0 SEV-1] PAGE: Checkout down");
    assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("alice@example.com");
    assertThat(mail.getFrom()[0].toString()).isEqualTo("Pagewire <pagewire@example.com>");
    assertThat(mail.getHeader("X-Pagewire-Notification-Id")[0]).isEqualTo("inc-42/page/1");
    assertThat(mail.getContentType()).startsWith("multipart/alternative");
    Multipart parts = (Multipart) mail.getContent();
    assertThat(parts.getCount()).isEqualTo(2);
    assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
    String text = (String) parts.getBodyPart(0).getContent();
    assertThat(text).contains("5xx above 20%", "Priority: P0, severity: SEV-1", "alertname=HighErrorRate",
        "Runbook: https://runbooks.local/checkout-5xx", "Acknowledge: http://pagewire.local/api/v1/incidents/inc-42/acknowledge");
    assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
    String html = (String) parts.getBodyPart(1).getContent();
    assertThat(html).contains("<h2>[P0 SEV-1] PAGE: Checkout down</h2>",
        "<a href=\"http://pagewire.local/api/v1/incidents/inc-42/acknowledge\">");
  }

  @Test
  void shouldAuthenticateOverPlainSmtpWhenSecurityIsNone() {
    var message = Templates.defaults().render(TestRequests.page("n-1"), "bob@example.com");

    assertThat(channel(smtp, "none", "s3cr3t-pw").send(message)).isEqualTo(Delivery.delivered());

    assertThat(smtp.getReceivedMessages()).hasSize(1);
  }

  @Test
  void shouldFailPermanentlyWithoutThePasswordWhenAuthenticationIsRefused() {
    Delivery delivery = channel(smtps, "tls", "wrong-pw").send(Templates.defaults().render(TestRequests.page("n-1"), "bob@example.com"));

    assertThat(delivery).isEqualTo(Delivery.permanent("SMTP authentication failed"));
    assertThat(smtps.getReceivedMessages()).isEmpty();
  }

  @Test
  void shouldRefuseToSendInClearWhenTheServerDoesNotOfferStarttls() {
    Delivery delivery = channel(smtp, "starttls", "s3cr3t-pw").send(Templates.defaults().render(TestRequests.page("n-1"), "bob@example.com"));

    assertThat(delivery).isInstanceOf(Delivery.Permanent.class);
    assertThat(((Delivery.Permanent) delivery).reason()).contains("STARTTLS");
    assertThat(smtp.getReceivedMessages()).isEmpty();
  }

  @Test
  void shouldRetryWhenTheServerCannotBeReached() {
    int closed = freePort();
    EmailChannel channel = new EmailChannel("email", new EmailConfig("127.0.0.1", closed, "none", null, null,
        "pagewire@example.com", "ops@example.com", null, Duration.ofSeconds(2)), Clock.systemUTC());

    Delivery delivery = channel.send(Templates.defaults().render(TestRequests.page("n-1"), null));

    assertThat(delivery).isInstanceOf(Delivery.Retryable.class);
  }

  @Test
  void shouldFailAsRetryableWithinTheReadTimeoutWhenTheServerNeverGreets() throws Exception {
    // The kernel accepts the connection into the backlog; no SMTP greeting ever comes.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      EmailChannel channel = new EmailChannel("email", new EmailConfig("127.0.0.1", silent.getLocalPort(), "none", null, null,
          "pagewire@example.com", "ops@example.com", null, Duration.ofSeconds(1), Duration.ofMillis(300)), Clock.systemUTC());

      long start = System.nanoTime();
      Delivery delivery = assertTimeoutPreemptively(Duration.ofSeconds(3),
          () -> channel.send(Templates.defaults().render(TestRequests.page("n-1"), null)));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(delivery).isInstanceOfSatisfying(Delivery.Retryable.class,
          retryable -> assertThat(retryable.reason()).isEqualTo("SMTP timed out: Read timed out"));
      assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(3));
    }
  }
}
