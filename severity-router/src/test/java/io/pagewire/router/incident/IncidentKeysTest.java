package io.pagewire.router.incident;

import static io.pagewire.router.TestAlerts.STARTS;
import static io.pagewire.router.TestAlerts.firing;
import static io.pagewire.router.TestAlerts.withSummary;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class IncidentKeysTest {

  private final IncidentKeys keys = new IncidentKeys(List.of("alertname", "service"));

  @Test
  void shouldKeyByGroupByLabelsInConfiguredOrder() {
    var alert = firing("c75f68922c9ebc87", STARTS, "severity", "critical", "service", "checkout", "alertname", "HighLatency");

    assertThat(keys.incidentKey(alert)).isEqualTo("alertname=HighLatency,service=checkout");
  }

  @Test
  void shouldLeaveOutGroupByLabelsTheAlertLacks() {
    var alert = firing("3a429a6edd7eb7a1", STARTS, "alertname", "DiskFull", "severity", "warning");

    assertThat(keys.incidentKey(alert)).isEqualTo("alertname=DiskFull");
  }

  @Test
  void shouldKeyByFingerprintWhenNoGroupByLabelIsPresent() {
    var alert = firing("3a429a6edd7eb7a1", STARTS, "severity", "warning");

    assertThat(keys.incidentKey(alert)).isEqualTo("fingerprint=3a429a6edd7eb7a1");
    assertThat(keys.title(alert)).isEqualTo("3a429a6edd7eb7a1");
  }

  @Test
  void shouldDeriveIncidentIdFromSha256OfKeyAndOpeningTime() throws Exception {
    String key = "alertname=HighLatency,service=checkout";
    long openedAt = 1_795_378_458_295L;
    byte[] hash = MessageDigest.getInstance("SHA-256")
        .digest("alertname=HighLatency,service=checkout@1795378458295".getBytes(StandardCharsets.UTF_8));

    String id = IncidentKeys.incidentId(key, openedAt);

    assertThat(id).isEqualTo("inc-" + HexFormat.of().formatHex(hash).substring(0, 32)).matches("inc-[0-9a-f]{32}");
    assertThat(IncidentKeys.incidentId(key, openedAt)).isEqualTo(id);
    assertThat(IncidentKeys.incidentId(key, openedAt + 1)).isNotEqualTo(id);
    assertThat(IncidentKeys.incidentId("alertname=HighLatency,service=payments", openedAt)).isNotEqualTo(id);
  }

  @Test
  void shouldTitleBySummaryAnnotation() {
    var alert = withSummary(firing("c75f", STARTS, "alertname", "HighLatency", "service", "checkout"), "p99 above 500ms");

    assertThat(keys.title(alert)).isEqualTo("p99 above 500ms");
  }

  @Test
  void shouldTitleByIncidentKeyValuesWithoutSummary() {
    var alert = firing("c75f", STARTS, "service", "checkout", "alertname", "HighLatency");

    assertThat(keys.title(alert)).isEqualTo("HighLatency checkout");
  }
}
