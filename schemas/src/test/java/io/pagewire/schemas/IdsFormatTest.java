package io.pagewire.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The notification, timeline and delivery-log id formats are part of the data: the notifier
 * deduplicates by notification id and the compacted delivery log by key, so a format that changed
 * between versions would deliver a page twice after an upgrade. These pin them byte for byte.
 */
class IdsFormatTest {

  @Test
  void notificationIdsKeepTheirFormat() {
    assertThat(Ids.pageNotification("inc-1", 2)).isEqualTo("inc-1/page/2");
    assertThat(Ids.renotifyNotification("inc-1", 3)).isEqualTo("inc-1/renotify/3");
    assertThat(Ids.assignedNotification("inc-1", "cmd-9")).isEqualTo("inc-1/assigned/cmd-9");
    assertThat(Ids.resolvedNotification("inc-1")).isEqualTo("inc-1/resolved");
    assertThat(Ids.recipientNotification("inc-1/page/2", "alice")).isEqualTo("inc-1/page/2/alice");
    assertThat(Ids.recipientNotification(Ids.resolvedNotification("inc-1"), "bob")).isEqualTo("inc-1/resolved/bob");
  }

  @Test
  void unmutedNotificationIsNamedForTheRouterEventsSequence() {
    assertThat(Ids.unmutedNotification("inc-1", Ids.incidentEventId("inc-1", 3))).isEqualTo("inc-1/unmuted/3");
    // An event id of another shape is kept whole rather than cut somewhere arbitrary.
    assertThat(Ids.unmutedNotification("inc-1", "other-7")).isEqualTo("inc-1/unmuted/other-7");
  }

  @Test
  void timelineEventIdsKeepTheirFormat() {
    assertThat(Ids.stepPagedEvent("inc-1", 1)).isEqualTo("inc-1/paged/1");
    assertThat(Ids.stepPagedEvent("inc-1", 2, "alice")).isEqualTo("inc-1/paged/2/alice");
    assertThat(Ids.pagedEvent("inc-1/renotify/1")).isEqualTo("inc-1/renotify/1/paged");
    assertThat(Ids.nobodyPagedEvent(Ids.stepPagedEvent("inc-1", 4))).isEqualTo("inc-1/paged/4/nobody");
    assertThat(Ids.escalatedEvent("inc-1", 2)).isEqualTo("inc-1/escalated/2");
    assertThat(Ids.renotifiedEvent("inc-1", 1)).isEqualTo("inc-1/renotified/1");
    assertThat(Ids.slaBreachedEvent("inc-1", true)).isEqualTo("inc-1/sla-breached/acknowledge");
    assertThat(Ids.slaBreachedEvent("inc-1", false)).isEqualTo("inc-1/sla-breached/resolve");
    assertThat(Ids.resolvedEvent("inc-1")).isEqualTo("inc-1/resolved");
    assertThat(Ids.commandEvent("inc-1", "acknowledged", "cmd-1")).isEqualTo("inc-1/acknowledged/cmd-1");
    assertThat(Ids.noteEvent("inc-1", "cmd-2")).isEqualTo("inc-1/note/cmd-2");
    assertThat(Ids.mutedEvent("inc-1/1")).isEqualTo("inc-1/1/muted");
    assertThat(Ids.unmutedEvent("inc-1/4")).isEqualTo("inc-1/4/unmuted");
  }

  @Test
  void sequenceNumbersAreTwelveZeroPaddedDigitsThatSortInNumberOrder() {
    assertThat(Ids.sequence(0)).isEqualTo("000000000000");
    assertThat(Ids.sequence(42)).isEqualTo("000000000042");
    assertThat(Ids.sequence(999_999_999_999L)).isEqualTo("999999999999");
    assertThat(Ids.sequence(9)).isLessThan(Ids.sequence(10));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Ids.sequence(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void notifierKeysKeepTheirFormat() {
    assertThat(Ids.contactMethodTarget("alice", "phone")).isEqualTo("alice/phone");
    assertThat(Ids.deliveryLogKey("inc-1/page/1", "alice/phone")).isEqualTo("inc-1/page/1|alice/phone");
    assertThat(Ids.deliveryEvent("inc-1/page/1", "slack", DeliveryOutcome.FAILED)).isEqualTo("inc-1/page/1|slack|FAILED");
  }
}
