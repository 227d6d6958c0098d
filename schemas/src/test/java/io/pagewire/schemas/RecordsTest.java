package io.pagewire.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordsTest {

  private static Alert alert() {
    return Alert.newBuilder()
        .setFingerprint("c75f68922c9ebc87")
        .setStatus(AlertStatus.FIRING)
        .setLabels(Map.of("alertname", "HighLatency", "severity", "critical"))
        .setAnnotations(Map.of("summary", "p99 above 500ms"))
        .setStartsAt(Instant.parse("2026-11-22T20:14:18.295Z"))
        .setReceivedAt(Instant.parse("2026-11-22T20:14:20Z"))
        .build();
  }

  @Test
  void aShallowCopyEqualsItsRecordAndSharesItsValues() {
    Alert alert = alert();

    Alert copy = Records.shallowCopy(alert);

    assertThat(copy).isEqualTo(alert).isNotSameAs(alert);
    assertThat(copy.getLabels()).isSameAs(alert.getLabels());
  }

  @Test
  void settingAFieldOfTheCopyLeavesTheRecordAsItWas() {
    Alert alert = alert();

    Alert copy = Records.shallowCopy(alert);
    copy.setStatus(AlertStatus.RESOLVED);
    copy.setLabels(Map.of("alertname", "Other"));

    assertThat(alert).isEqualTo(alert());
  }
}
