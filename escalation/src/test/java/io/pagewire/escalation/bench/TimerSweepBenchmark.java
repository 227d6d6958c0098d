package io.pagewire.escalation.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.escalation.IncidentFixtures;
import io.pagewire.escalation.links.LinkSigner;
import io.pagewire.escalation.topology.EscalationTopology;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Loads N open P0 incidents (default 1,000,000) through the production escalation topology on
 * TopologyTestDriver with its RocksDB stores, each with three timers pending (escalation,
 * acknowledge SLA, resolve SLA), then sweeps once per simulated second and prints the cost of
 * each sweep (p50/p99/max, wall time of one punctuation including the driver's commit) and how
 * late the fired escalations were (p50/p99, simulated time, deadline to page).
 *
 * <p>Openings are spread over {@code N / rate} seconds, so {@code rate} incidents (two timers
 * each: escalation and acknowledge SLA share the deadline) fall due per second, against
 * {@code escalation.sweepBatch} 500 timers per 1-second sweep.
 *
 * <pre>
 * MAVEN_OPTS=-Xmx3g mvn -q -o -pl escalation exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.pagewire.escalation.bench.TimerSweepBenchmark -Dexec.cleanupDaemonThreads=false \
 *   [-Dexec.args="INCIDENTS RATE SWEEPS"]
 * </pre>
 */
public final class TimerSweepBenchmark {

  private static final Instant T0 = Instant.parse("2025-03-03T00:00:00Z");
  private static final Duration ACK = Duration.ofMinutes(15);

  private TimerSweepBenchmark() {}

  public static void main(String[] args) throws Exception {
    // One INFO line per page would measure the logger, not the sweep.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.pagewire"))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    int incidents = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int ratePerSecond = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int sweeps = args.length > 2 ? Integer.parseInt(args[2]) : 900;
    Path stateDir = Files.createTempDirectory("pagewire-sweep-bench");
    PagewireConfig config = PagewireConfig.defaults().withKafka("unused:9092", stateDir);
    LinkSigner signer = new LinkSigner("benchmark-key-0123456789".getBytes(), Duration.ofHours(24));
    try (TopologyTestDriver driver = new TopologyTestDriver(
        EscalationTopology.build(config, new SimpleMeterRegistry(), signer),
        KafkaSettings.streams(config, "pagewire-escalation", null), T0)) {
      TestInputTopic<String, IncidentEvent> events = driver.createInputTopic(Topics.INCIDENT_EVENTS.name(),
          Topics.INCIDENT_EVENTS.keySerde().serializer(), Topics.INCIDENT_EVENTS.valueSerde().serializer());
      TestOutputTopic<String, NotificationRequest> pages = driver.createOutputTopic(Topics.NOTIFICATION_REQUESTS.name(),
          Topics.NOTIFICATION_REQUESTS.keySerde().deserializer(), Topics.NOTIFICATION_REQUESTS.valueSerde().deserializer());
      // The driver keeps every record written to any topic; drain them so memory stays bounded.
      List<TestOutputTopic<byte[], byte[]>> drains = new ArrayList<>();
      for (String topic : List.of(Topics.INCIDENT_TIMELINE.name(),
          "pagewire-escalation-" + EscalationTopology.INCIDENTS_STORE + "-changelog",
          "pagewire-escalation-" + EscalationTopology.DEADLINES_STORE + "-changelog",
          "pagewire-escalation-" + EscalationTopology.TIMELINE_STORE + "-changelog")) {
        drains.add(driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
      }

      long[] openedAt = new long[incidents];
      long loadStart = System.nanoTime();
      for (int i = 0; i < incidents; i++) {
        Instant at = T0.plusMillis((long) i * 1000 / ratePerSecond);
        openedAt[i] = at.toEpochMilli();
        events.pipeInput("inc-" + i, IncidentFixtures.opened("inc-" + i, Priority.P0, at), at);
        if (i % 10_000 == 9_999) {
          pages.readRecordsToList();
          drains.forEach(TestOutputTopic::readRecordsToList);
        }
        if (i % 100_000 == 99_999) {
          System.out.printf("loaded %,d incidents (%.0f s)%n", i + 1, (System.nanoTime() - loadStart) / 1e9);
        }
      }
      pages.readRecordsToList();
      drains.forEach(TestOutputTopic::readRecordsToList);
      double loadSeconds = (System.nanoTime() - loadStart) / 1e9;

      // Sweeps with a million incidents open and nothing due: the cost of an idle sweep.
      int idle = 100;
      long[] idleMicros = new long[idle];
      for (int s = 0; s < idle; s++) {
        long started = System.nanoTime();
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        idleMicros[s] = (System.nanoTime() - started) / 1000;
      }
      Arrays.sort(idleMicros);
      // Then to just before the first deadline in one step, and a sweep every second.
      driver.advanceWallClockTime(ACK.minusSeconds(1 + idle));
      long[] sweepMicros = new long[sweeps];
      List<Long> lateness = new ArrayList<>();
      for (int s = 0; s < sweeps; s++) {
        long started = System.nanoTime();
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        sweepMicros[s] = (System.nanoTime() - started) / 1000;
        for (NotificationRequest page : pages.readValuesToList()) {
          int i = Integer.parseInt(page.getIncidentId().substring(4));
          lateness.add(page.getCreatedAt().toEpochMilli() - (openedAt[i] + ACK.toMillis()));
        }
        drains.forEach(TestOutputTopic::readRecordsToList);
      }

      Arrays.sort(sweepMicros);
      long[] late = lateness.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf("%nincidents open: %,d (each with escalation, acknowledge-SLA and resolve-SLA timers), loaded in %.0f s%n",
          incidents, loadSeconds);
      System.out.printf("due: %d incidents/s = %d timers/s; sweep every 1 s, at most 500 timers per sweep%n",
          ratePerSecond, 2 * ratePerSecond);
      System.out.printf("idle sweeps (nothing due): %d; cost per sweep ms: p50 %.2f  p99 %.2f%n", idle,
          idleMicros[idle / 2] / 1000.0, idleMicros[(int) (idle * 0.99)] / 1000.0);
      System.out.printf("sweeps with timers due: %d; cost per sweep ms: p50 %.2f  p99 %.2f  max %.2f%n", sweeps,
          sweepMicros[sweeps / 2] / 1000.0, sweepMicros[(int) (sweeps * 0.99)] / 1000.0, sweepMicros[sweeps - 1] / 1000.0);
      System.out.printf("escalations fired: %,d; lateness ms (deadline to page, simulated time): p50 %d  p99 %d  max %d%n",
          late.length, late[late.length / 2], late[(int) (late.length * 0.99)], late[late.length - 1]);
    }
  }
}
