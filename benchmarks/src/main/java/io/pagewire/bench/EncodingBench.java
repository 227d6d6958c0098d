package io.pagewire.bench;

import io.pagewire.escalation.links.LinkSigner;
import io.pagewire.escalation.state.Transition;
import io.pagewire.escalation.topology.EscalationTopology;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Schemas;
import io.pagewire.schemas.Severity;
import io.pagewire.schemas.serde.AvroSerde;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * encoding: the records an incident's opening makes (the router's event; escalation's state,
 * page request and timeline events, from its real lifecycle), encoded in the embedded wire
 * format by the jar's {@code AvroSerde} and, as the baseline in the same process, by Avro's own
 * {@code BinaryMessageEncoder} (the same bytes: checked). Prints nanoseconds per opening's
 * records, the best of {@code --rounds} after as many warm-up rounds, and the ratio.
 */
final class EncodingBench {

  private EncodingBench() {}

  static int run(Path jar, Options options) throws Exception {
    int openings = options.intValue("--openings", 200_000);
    int rounds = options.intValue("--rounds", 5);
    options.checkAllRead();
    List<SpecificRecordBase> records = opening();
    List<Function<SpecificRecordBase, byte[]>> serde = new ArrayList<>();
    List<Function<SpecificRecordBase, byte[]>> avro = new ArrayList<>();
    for (SpecificRecordBase record : records) {
      serde.add(serdeOf(record));
      avro.add(avroOf(record));
    }
    long bytes = 0;
    for (int i = 0; i < records.size(); i++) {
      byte[] ours = serde.get(i).apply(records.get(i));
      if (!Arrays.equals(ours, avro.get(i).apply(records.get(i)))) {
        throw new IllegalStateException(records.get(i).getSchema().getName() + ": AvroSerde and BinaryMessageEncoder wrote different bytes");
      }
      bytes += ours.length;
    }
    System.out.printf("encoding: the %d records of one opening (%s; %,d bytes), %,d openings a round, best of %d rounds after %d warm-up rounds; jar %s%n",
        records.size(), String.join(", ", records.stream().map(r -> r.getSchema().getName()).toList()), bytes, openings, rounds, rounds, jar);
    double bestSerde = Double.MAX_VALUE;
    double bestAvro = Double.MAX_VALUE;
    for (int round = 0; round < 2 * rounds; round++) {
      double a = nanosPerOpening(records, avro, openings);
      double s = nanosPerOpening(records, serde, openings);
      if (round >= rounds) {
        bestAvro = Math.min(bestAvro, a);
        bestSerde = Math.min(bestSerde, s);
      }
    }
    System.out.printf("  Avro BinaryMessageEncoder (baseline): %,.0f ns per opening%n", bestAvro);
    System.out.printf("  AvroSerde:                            %,.0f ns per opening = %.2f× the baseline's time%n", bestSerde, bestSerde / bestAvro);
    return 0;
  }

  private static double nanosPerOpening(List<SpecificRecordBase> records, List<Function<SpecificRecordBase, byte[]>> encoders, int openings) {
    long sink = 0;
    long started = System.nanoTime();
    for (int n = 0; n < openings; n++) {
      for (int i = 0; i < records.size(); i++) {
        sink += encoders.get(i).apply(records.get(i)).length;
      }
    }
    double nanos = (double) (System.nanoTime() - started) / openings;
    if (sink == 0) {
      throw new IllegalStateException("nothing encoded");
    }
    return nanos;
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecordBase> Function<SpecificRecordBase, byte[]> serdeOf(T record) {
    AvroSerde<T> serde = AvroSerde.of((Class<T>) record.getClass());
    return value -> serde.encode((T) value);
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecordBase> Function<SpecificRecordBase, byte[]> avroOf(T record) {
    Class<T> type = (Class<T>) record.getClass();
    BinaryMessageEncoder<T> encoder = new BinaryMessageEncoder<>(SpecificData.getForClass(type), Schemas.current(type));
    return value -> {
      try {
        ByteBuffer buffer = encoder.encode((T) value);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  /** The router's OPENED event of a P1 alert, and what escalation's lifecycle makes of it. */
  private static List<SpecificRecordBase> opening() {
    Instant at = Instant.parse("2026-12-01T03:00:00Z");
    Alert alert = Alert.newBuilder()
        .setFingerprint("6f1f9d0c2b7a4e11")
        .setStatus(AlertStatus.FIRING)
        .setLabels(Map.of("alertname", "CheckoutLatencyHigh", "service", "checkout", "severity", "critical",
            "team", "payments", "instance", "checkout-7d9f8c-2xk4q:9090", "job", "checkout", "namespace", "prod"))
        .setAnnotations(Map.of("summary", "p99 latency of checkout above 2 s for 5 minutes",
            "runbook_url", "https://runbooks.example.com/checkout/latency"))
        .setStartsAt(at)
        .setEndsAt(null)
        .setReceivedAt(at)
        .build();
    String id = "inc-7k2m9q4x8w3r5t6y";
    IncidentEvent opened = IncidentEvent.newBuilder()
        .setEventId(id + "/1")
        .setIncidentId(id)
        .setType(IncidentEventType.OPENED)
        .setIncidentKey("alertname=CheckoutLatencyHigh,service=checkout")
        .setTitle("CheckoutLatencyHigh checkout")
        .setPriority(Priority.P1)
        .setSeverity(Severity.SEV_2)
        .setReason("label severity=critical")
        .setTeam("payments")
        .setAlert(alert)
        .setFiringAlerts(1)
        .setAt(at)
        .build();
    PagewireConfig config = PagewireConfig.defaults();
    Transition transition = EscalationTopology.lifecycle(config, LinkSigner.fromConfig(null, Duration.ofDays(1))).onEvent(null, opened);
    List<SpecificRecordBase> records = new ArrayList<>();
    records.add(opened);
    records.add(transition.state());
    records.addAll(transition.notifications());
    records.addAll(transition.timeline());
    return records;
  }
}
