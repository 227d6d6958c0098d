package io.pagewire.ingest.lane;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertAction;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NewGroupsTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final List<String> DECIDING = List.of("alertname", "cluster", "severity");

  @Test
  void shouldCallAGroupNewOnItsFirstWebhookAndAgainOnlyAfterAWindowWithoutOne() {
    NewGroups groups = new NewGroups(DECIDING);
    assertThat(groups.isNew("{}:{alertname=\"A\"}", T0)).isTrue();
    assertThat(groups.isNew("{}:{alertname=\"A\"}", T0.plusSeconds(1))).isFalse();
    assertThat(groups.isNew("{}:{alertname=\"B\"}", T0.plusSeconds(1))).as("another group").isTrue();
    // Every webhook of the group renews it: a group that keeps sending stays known.
    Instant later = T0.plusSeconds(1).plus(NewGroups.WINDOW).minusMillis(1);
    assertThat(groups.isNew("{}:{alertname=\"A\"}", later)).isFalse();
    assertThat(groups.isNew("{}:{alertname=\"A\"}", later.plus(NewGroups.WINDOW))).isTrue();
  }

  @Test
  void shouldForgetTheLeastRecentlySeenGroupBeyondItsBound() {
    NewGroups groups = new NewGroups(DECIDING);
    groups.isNew("first", T0);
    for (int i = 0; i < NewGroups.MAX_GROUPS; i++) {
      groups.isNew("group-" + i, T0.plusMillis(1));
    }
    assertThat(groups.isNew("group-" + (NewGroups.MAX_GROUPS - 1), T0.plusMillis(2))).isFalse();
    assertThat(groups.isNew("first", T0.plusMillis(2))).as("forgotten: new once more").isTrue();
  }

  @Test
  void shouldSendOnlyTheFiringAlertsOfANewGroupByTheUrgentLane() {
    Alert firing = alert(AlertStatus.FIRING, null);
    assertThat(NewGroups.topicOf(firing, true)).isEqualTo(Topics.ALERTS_URGENT);
    assertThat(NewGroups.topicOf(firing, false)).isEqualTo(Topics.ALERTS);
    assertThat(NewGroups.topicOf(alert(AlertStatus.RESOLVED, null), true)).as("a resolve never pages").isEqualTo(Topics.ALERTS);
    assertThat(NewGroups.topicOf(alert(AlertStatus.FIRING, AlertAction.ACKNOWLEDGE), true)).isEqualTo(Topics.ALERTS);
  }

  @Test
  void shouldSendOnlyTheFirstAlertOfEachIncidentAndPriorityOfANewGroupsWebhookByTheUrgentLane() {
    NewGroups.Webhook storm = new NewGroups(DECIDING).webhook("{}:{alertname=\"A\"}", T0);
    assertThat(storm.topicOf(firing("i1", "eu", "warning"))).isEqualTo(Topics.ALERTS_URGENT);
    assertThat(storm.topicOf(firing("i2", "eu", "warning"))).as("joins the incident i1 opens").isEqualTo(Topics.ALERTS);
    assertThat(storm.topicOf(firing("i3", "eu", "critical"))).as("raises it at once").isEqualTo(Topics.ALERTS_URGENT);
    assertThat(storm.topicOf(firing("i4", "us", "warning"))).as("another incident").isEqualTo(Topics.ALERTS_URGENT);
    assertThat(storm.topicOf(firing("i5", "us", "warning"))).isEqualTo(Topics.ALERTS);
  }

  @Test
  void shouldSendAtMostABoundedNumberOfAWebhooksAlertsByTheUrgentLane() {
    NewGroups.Webhook storm = new NewGroups(DECIDING).webhook("{}:{alertname=\"A\"}", T0);
    int urgent = 0;
    for (int i = 0; i < 1_000; i++) {
      if (storm.topicOf(firing("i" + i, "cluster-" + i, "critical")) == Topics.ALERTS_URGENT) {
        urgent++;
      }
    }
    assertThat(urgent).isEqualTo(NewGroups.MAX_URGENT_PER_WEBHOOK);
  }

  @Test
  void shouldSendEveryAlertOfAKnownGroupsWebhookByTheRoutineLane() {
    NewGroups groups = new NewGroups(DECIDING);
    groups.webhook("g", T0);
    NewGroups.Webhook again = groups.webhook("g", T0.plusSeconds(30));
    assertThat(again.topicOf(firing("i1", "eu", "critical"))).isEqualTo(Topics.ALERTS);
  }

  private static Alert firing(String instance, String cluster, String severity) {
    return Alert.newBuilder().setFingerprint(instance).setStatus(AlertStatus.FIRING)
        .setLabels(Map.of("alertname", "A", "instance", instance, "cluster", cluster, "severity", severity))
        .setAnnotations(Map.of()).setStartsAt(T0).setReceivedAt(T0).build();
  }

  private static Alert alert(AlertStatus status, AlertAction action) {
    return Alert.newBuilder().setFingerprint("f1").setStatus(status).setLabels(Map.of("alertname", "A"))
        .setAnnotations(Map.of()).setStartsAt(T0).setReceivedAt(T0.plus(Duration.ofSeconds(1))).setAction(action).build();
  }
}
