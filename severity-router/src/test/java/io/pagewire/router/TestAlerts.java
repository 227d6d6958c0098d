package io.pagewire.router;

import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.serde.AvroSerde;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Alerts as the ingest writes them, modelled on the Alertmanager 0.25 fixtures. */
public final class TestAlerts {

  public static final Instant STARTS = Instant.parse("2026-11-22T20:14:18.295Z");

  static {
    // Avro 1.12 copies records (Alert.newBuilder(alert)) only for classes it trusts, and the
    // trust is granted in AvroSerde's static initializer: load it before any copy.
    AvroSerde.of(Alert.class);
  }

  private TestAlerts() {}

  /** A firing alert; {@code labels} are name, value pairs. */
  public static Alert firing(String fingerprint, Instant startsAt, String... labels) {
    return alert(fingerprint, AlertStatus.FIRING, startsAt, null, labels);
  }

  /** The resolved form of {@code alert}, ended at {@code endsAt}. */
  public static Alert resolved(Alert alert, Instant endsAt) {
    return Alert.newBuilder(alert).setStatus(AlertStatus.RESOLVED).setEndsAt(endsAt).build();
  }

  /** {@code alert} with a {@code summary} annotation. */
  public static Alert withSummary(Alert alert, String summary) {
    Map<String, String> annotations = new LinkedHashMap<>(alert.getAnnotations());
    annotations.put("summary", summary);
    return Alert.newBuilder(alert).setAnnotations(annotations).build();
  }

  public static Map<String, String> labels(String... pairs) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      labels.put(pairs[i], pairs[i + 1]);
    }
    return labels;
  }

  private static Alert alert(String fingerprint, AlertStatus status, Instant startsAt, Instant endsAt, String... labels) {
    return Alert.newBuilder()
        .setFingerprint(fingerprint)
        .setStatus(status)
        .setLabels(labels(labels))
        .setAnnotations(new LinkedHashMap<>())
        .setStartsAt(startsAt)
        .setEndsAt(endsAt)
        .setGeneratorUrl("")
        .setReceiver("webhook")
        .setExternalUrl("http://vm:19093")
        .setReceivedAt(startsAt.plusMillis(10))
        .setRequestId("req-" + fingerprint)
        .build();
  }
}
