package io.pagewire.ingest.lane;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertAction;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NewGroupsTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void shouldCallAGroupNewOnItsFirstWebhookAndAgainOnlyAfterAWindowWithoutOne() {
    NewGroups groups = new NewGroups();
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
    NewGroups groups = new NewGroups();
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

  private static Alert alert(AlertStatus status, AlertAction action) {
    return Alert.newBuilder().setFingerprint("f1").setStatus(status).setLabels(Map.of("alertname", "A"))
        .setAnnotations(Map.of()).setStartsAt(T0).setReceivedAt(T0.plus(Duration.ofSeconds(1))).setAction(action).build();
  }
}
