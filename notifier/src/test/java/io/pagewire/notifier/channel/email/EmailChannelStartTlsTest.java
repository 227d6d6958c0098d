package io.pagewire.notifier.channel.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.notifier.TestRequests;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.notifier.template.Templates;
import io.pagewire.platform.config.Secret;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real STARTTLS session, which GreenMail cannot offer (it has no STARTTLS command): SubEtha SMTP
 * on a free loopback port, with a self-signed certificate made by the JDK's {@code keytool}, TLS
 * required ({@code requireTLS}: AUTH and MAIL before STARTTLS are refused with 530) and AUTH
 * required. The server records, at AUTH and at message arrival, whether its side of the connection
 * was a TLS socket, so "upgraded before AUTH" is observed by the server, not assumed.
 */
class EmailChannelStartTlsTest {

  private static final String PASSWORD = "s3cr3t-pw";

  @TempDir
  static Path tls;

  private static SSLContext serverTls;

  private SMTPServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<Login> logins = new CopyOnWriteArrayList<>();

  private record Received(String from, String to, byte[] data, boolean tls, boolean authenticated) {}

  private record Login(String username, boolean tls) {}

  @BeforeAll
  static void makeCertificate() throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Path keystore = tls.resolve("smtp.p12");
    Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "smtp",
        "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", keystore.toString(),
        "-storepass", "changeit", "-keypass", "changeit", "-noprompt")
        .redirectErrorStream(true)
        .redirectOutput(tls.resolve("keytool.log").toFile())
        .start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("keytool finished").isTrue();
    assertThat(process.exitValue()).as(Files.readString(tls.resolve("keytool.log"))).isZero();

    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(keystore.toFile())) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, "changeit".toCharArray());
    serverTls = SSLContext.getInstance("TLS");
    serverTls.init(keys.getKeyManagers(), null, null);
  }

  @BeforeEach
  void start() throws Exception {
    server = SMTPServer.port(0)
        .bindAddress(InetAddress.getLoopbackAddress())
        .hostName("127.0.0.1")
        .startTlsSocketFactory(serverTls)
        .enableTLS()
        .requireTLS()
        .requireAuth()
        .connectionTimeout(5, TimeUnit.SECONDS)
        .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory(
            (username, password, context) -> {
              logins.add(new Login(username, isTls(context)));
              if (!username.equals("pagewire") || !password.equals(PASSWORD)) {
                throw new LoginFailedException();
              }
            }))
        .messageHandler((context, from, to, data) -> received.add(new Received(from, to, data,
            isTls(context), context.getAuthenticationHandler().map(a -> a.getIdentity() != null).orElse(false))))
        .build();
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  /** What the server sees: its end of the connection is an SSL socket once STARTTLS has run. */
  private static boolean isTls(MessageContext context) {
    return context instanceof org.subethamail.smtp.server.Session session
        && session.isTLSStarted() && session.getSocket() instanceof SSLSocket;
  }

  private EmailChannel channel(String password, List<String> trustedHosts) {
    return new EmailChannel("email", new EmailConfig("127.0.0.1", server.getPortAllocated(), "starttls",
        "pagewire", Secret.of(password), "Pagewire <pagewire@example.com>", null, trustedHosts,
        Duration.ofSeconds(5)), Clock.systemUTC());
  }

  @Test
  void shouldUpgradeToTlsBeforeAuthAndDeliverTextAndHtmlOverStarttls() throws Exception {
    var message = Templates.defaults().render(TestRequests.pageWithLinks("inc-42/page/1"), "alice@example.com");

    assertThat(channel(PASSWORD, List.of("127.0.0.1")).send(message)).isEqualTo(Delivery.delivered());

    assertThat(logins).containsExactly(new Login("pagewire", true));
    assertThat(received).hasSize(1);
    Received arrival = received.get(0);
    assertThat(arrival.tls()).as("message arrived over TLS").isTrue();
    assertThat(arrival.authenticated()).as("message arrived after AUTH").isTrue();
    assertThat(arrival.from()).isEqualTo("pagewire@example.com");
    assertThat(arrival.to()).isEqualTo("alice@example.com");
    MimeMessage mail = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(arrival.data()));
    assertThat(mail.getSubject()).isEqualTo("[P0 SEV-1] PAGE: Checkout down");
    assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("alice@example.com");
    assertThat(mail.getHeader("X-Pagewire-Notification-Id")[0]).isEqualTo("inc-42/page/1");
    assertThat(mail.getContentType()).startsWith("multipart/alternative");
    Multipart parts = (Multipart) mail.getContent();
    assertThat(parts.getCount()).isEqualTo(2);
    assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
    assertThat((String) parts.getBodyPart(0).getContent()).contains("5xx above 20%",
        "Acknowledge: http://pagewire.local/api/v1/incidents/inc-42/acknowledge");
    assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
    assertThat((String) parts.getBodyPart(1).getContent()).contains("<h2>[P0 SEV-1] PAGE: Checkout down</h2>",
        "<a href=\"http://pagewire.local/api/v1/incidents/inc-42/acknowledge\">");
  }

  @Test
  void shouldFailPermanentlyWhenThePasswordIsRefusedOverStarttls() {
    var message = Templates.defaults().render(TestRequests.page("n-1"), "bob@example.com");

    Delivery delivery = channel("wrong-pw", List.of("127.0.0.1")).send(message);

    assertThat(delivery).isEqualTo(Delivery.permanent("SMTP authentication failed"));
    // The refused password itself travelled inside TLS.
    assertThat(logins).containsExactly(new Login("pagewire", true));
    assertThat(received).isEmpty();
  }

  @Test
  void shouldNotSendWhenTheSelfSignedCertificateIsNotTrusted() {
    var message = Templates.defaults().render(TestRequests.page("n-1"), "bob@example.com");

    // Secure by default: no trustedHosts, so the self-signed certificate fails verification.
    Delivery delivery = channel(PASSWORD, List.of()).send(message);

    assertThat(delivery).isNotEqualTo(Delivery.delivered());
    assertThat(logins).as("no password offered to an unverified server").isEmpty();
    assertThat(received).isEmpty();
  }
}
