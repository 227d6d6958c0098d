package io.pagewire.notifier.people;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.notifier.TestRequests;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.DeliveryLogEntry;
import io.pagewire.schemas.DeliveryLogState;
import io.pagewire.schemas.NotificationRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Targets and their fallbacks come from typed fields; a target's key is never read apart. */
class TargetsTest {

  static {
    Objects.requireNonNull(io.pagewire.schemas.Topics.ALERTS); // initialises the Avro serdes the builders rely on
  }

  /** A user id with a slash: a key {@code ops/alice/phone} cannot say where the user ends. */
  private static final String USER = "ops/alice";
  private static final PagewireConfig.User ALICE = new PagewireConfig.User("Alice", "alice@example.com", null,
      List.of(new PagewireConfig.ContactMethod("phone", "sms", "+100"),
          new PagewireConfig.ContactMethod("mail", "email", null)),
      List.of(new PagewireConfig.NotificationRule("phone", Duration.ZERO, "any")));

  private final Targets targets = new Targets(Map.of(USER, ALICE));

  private static NotificationRequest pageTo(String recipient) {
    return NotificationRequest.newBuilder(TestRequests.page("inc-42/page/1")).setRecipient(recipient).build();
  }

  @Test
  void shouldNameAUsersTargetByUserAndContactMethod() {
    assertThat(targets.of(pageTo(USER))).containsExactly(
        new Target("ops/alice/phone", "sms", "+100", Duration.ZERO, USER, "phone"));
  }

  @Test
  void shouldFallBackToTheContactMethodAfterTheOneTheTargetNamesWhateverItsKey() {
    Target failed = new Target("opaque-key", "sms", "+100", Duration.ZERO, USER, "phone");

    assertThat(targets.fallback(pageTo(USER), failed)).contains(
        new Target("ops/alice/mail", "email", "alice@example.com", Duration.ZERO, USER, "mail"));
  }

  @Test
  void shouldNotFallBackWhenWhichContactMethodFailedIsUnknown() {
    Target fromAnOldLogEntry = new Target("ops/alice/phone", "sms", "+100", Duration.ZERO, USER, null);

    assertThat(targets.fallback(pageTo(USER), fromAnOldLogEntry)).isEmpty();
  }

  @Test
  void shouldRebuildAHeldTargetFromTheLogEntrysFields() {
    DeliveryLogEntry entry = held(pageTo(USER)).setTarget("opaque-key").setChannel("sms")
        .setUser(USER).setContactMethod("phone").build();

    assertThat(Target.held(entry)).isEqualTo(new Target("opaque-key", "sms", "+100", Duration.ZERO, USER, "phone"));
  }

  @Test
  void shouldTakeTheUserOfAnEntryWrittenBeforeTheLogRecordedItFromTheRequest() {
    DeliveryLogEntry userEntry = held(pageTo(USER)).setTarget("ops/alice/phone").setChannel("sms").build();
    DeliveryLogEntry channelEntry = held(TestRequests.page("inc-42/page/1", "slack")).setTarget("slack")
        .setChannel("slack").build();

    assertThat(Target.held(userEntry).user()).isEqualTo(USER);
    assertThat(Target.held(userEntry).contactMethod()).isNull();
    assertThat(Target.held(channelEntry).ofUser()).isFalse();
  }

  private static DeliveryLogEntry.Builder held(NotificationRequest request) {
    return DeliveryLogEntry.newBuilder().setNotificationId(request.getNotificationId())
        .setIncidentId(request.getIncidentId()).setRecipient(request.getRecipient())
        .setState(DeliveryLogState.PENDING).setDueAt(Instant.EPOCH).setRequest(request).setTo("+100")
        .setAt(Instant.EPOCH);
  }
}
