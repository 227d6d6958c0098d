package io.pagewire.notifier.channel.console;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pagewire.notifier.TestRequests;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.schemas.NotificationKind;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.Priority;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ConsoleChannelTest {

  private final Logger pages = (Logger) LoggerFactory.getLogger(ConsoleChannel.LOGGER);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Level configuredLevel;

  @BeforeEach
  void capturePages() {
    configuredLevel = pages.getLevel();
    pages.setLevel(Level.INFO);
    appender.start();
    pages.addAppender(appender);
  }

  @AfterEach
  void releasePages() {
    pages.detachAppender(appender);
    pages.setLevel(configuredLevel);
  }

  @Test
  void shouldWriteOneReadableLinePerPageAtInfo() {
    ConsoleChannel channel = new ConsoleChannel("console", new ConsoleConfig(), Clock.systemUTC());

    assertThat(channel.send(TestRequests.page("inc-42/1/1", "console"))).isEqualTo(Delivery.delivered());

    assertThat(appender.list).singleElement().satisfies(event -> {
      assertThat(event.getLevel()).isEqualTo(Level.INFO);
      assertThat(event.getFormattedMessage()).isEqualTo(
          "PAGE P0 SEV-1 [inc-42] level 1 primary-oncall: Checkout down — 5xx above 20% (ack: pagewire incident ack inc-42)");
      assertThat(event.getFormattedMessage()).as("the signed link acts without credentials").doesNotContain("http://pagewire.local/ack");
    });
  }

  @Test
  void shouldLeaveOutWhatTheRequestDoesNotCarry() {
    NotificationRequest request = TestRequests.page("n-2", "console");
    request.setKind(NotificationKind.RESOLVED);
    request.setPriority(Priority.P3);
    request.setSeverity(null);
    request.setSummary("");
    request.setLinks(Map.of());
    request.setLevel(2);
    request.setRecipient("secondary-oncall");

    assertThat(ConsoleChannel.line(request)).isEqualTo("RESOLVED P3 [inc-42] level 2 secondary-oncall: Checkout down");
  }
}
