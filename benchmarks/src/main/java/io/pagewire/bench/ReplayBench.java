package io.pagewire.bench;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.TopicAdmin;
import io.pagewire.reports.Reports;
import io.pagewire.reports.model.PeriodReport;
import io.pagewire.reports.model.ReportQuery;
import io.pagewire.platform.kafka.replay.Progress;
import io.pagewire.platform.kafka.replay.TopicReplay;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
import io.pagewire.schemas.Topics;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * replay: {@code --events} timeline events (default 1,000,000: incidents of 50 events each) written
 * to a broker of its own (a child JVM), then, in this JVM ({@code -Xmx256m}, scripts/bench):
 *
 * <ol>
 *   <li>a bare consumer with the replay's own settings reads the topic, decoding nothing: the
 *       ceiling;
 *   <li>{@code pagewire report}'s replay ({@link Reports#replay}) folds the same records into a
 *       period report: events/s, the ratio to the bare consumer, and the peak heap while it ran.
 * </ol>
 *
 * The writer is acks=all and idempotent, counts each send's acknowledgement, and the topic's end
 * offsets must hold exactly the events written: a benchmark that replays fewer records than it
 * says it wrote fails instead of printing a flattering number.
 */
final class ReplayBench {

  private static final int EVENTS_PER_INCIDENT = 50;

  static int run(Path jar, Options options) throws Exception {
    int events = options.intValue("--events", 1_000_000);
    options.checkAllRead();
    if (events < EVENTS_PER_INCIDENT || events % EVENTS_PER_INCIDENT != 0) {
      throw new IllegalArgumentException("--events must be a multiple of " + EVENTS_PER_INCIDENT);
    }
    int incidents = events / EVENTS_PER_INCIDENT;
    System.out.printf("replay: %,d timeline events (%,d incidents of %d) replayed into a period report; jar %s%n",
        events, incidents, EVENTS_PER_INCIDENT, jar);
    System.out.println("  before: " + Machine.load());
    Path dir = Files.createTempDirectory("pagewire-bench-replay-");
    String classpath = Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        + java.io.File.pathSeparator + jar;
    int kafkaPort = Machine.freePort();
    boolean ok = true;
    try (Child broker = Child.java("broker", dir.resolve("broker.log"),
        List.of("-cp", classpath, BrokerMain.class.getName(), dir.resolve("kafka").toString(), Integer.toString(kafkaPort)))) {
      broker.awaitLine("broker ready", 60_000);
      PagewireConfig config = PagewireConfig.defaults().withKafka("127.0.0.1:" + kafkaPort, dir.resolve("state"));
      TopicAdmin.ensureTopics(config);
      long writeStart = System.nanoTime();
      long acked = write(config, incidents);
      double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
      long stored = storedRecords(config, Topics.INCIDENT_TIMELINE.name());
      System.out.printf("  written: %,d timeline events, %,d acknowledged, %,d in the topic (end offsets) in %.1f s%n",
          (long) events, acked, stored, writeSeconds);
      if (acked != events || stored != events) {
        throw new IllegalStateException("wrote " + events + " events but " + acked + " were acknowledged and the topic holds "
            + stored + "; nothing to measure");
      }

      Bare bareRead = bareConsume(config, Topics.INCIDENT_TIMELINE.name());
      long bare = bareRead.records();
      double bareSeconds = bareRead.seconds();
      double bareRate = bare / bareSeconds;
      System.out.printf("  bare consumer: %,d records in %.2f s = %,.0f records/s (same settings, no decoding)%n",
          bare, bareSeconds, bareRate);

      System.gc();
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        pool.resetPeakUsage();
      }
      long heapBefore = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      long replayStart = System.nanoTime();
      PeriodReport report = (PeriodReport) Reports.replay(config, ReportQuery.all(), Progress.NONE);
      double replaySeconds = (System.nanoTime() - replayStart) / 1e9;
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      System.gc();
      long retained = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() - heapBefore;
      long replayed = report.source().recordsRead();
      double rate = replayed / replaySeconds;
      System.out.printf("  replayed: %,d events in %.2f s, %,d incidents in the report, %,d records skipped%n",
          replayed, replaySeconds, report.incidents().size(), report.source().recordsSkipped());
      System.out.printf("  heap: %.0f MiB before the replay, %.0f MiB held by the finished report (after GC), max %.0f MiB (-Xmx)%n",
          heapBefore / 1048576.0, retained / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0);
      ok &= Report.target("events replayed = events written", String.format("%,d = %,d", replayed, (long) events), "equal",
          replayed == events && report.incidents().size() == incidents);
      ok &= Report.target("replay", String.format("%,.0f events/s", rate), "≥ 300k", rate >= 300_000);
      System.out.printf("  %-46s %.2f (replay %,.0f / bare %,.0f events/s)%n", "ratio to the bare consumer:", rate / bareRate,
          rate, bareRate);
      ok &= Report.target("peak heap during the replay", String.format("%.0f MiB", peak / 1048576.0), "≤ 256 MiB",
          peak <= 256L * 1048576);
      System.out.println("  after: " + Machine.load());
    } finally {
      Machine.deleteTree(dir);
    }
    return ok ? 0 : 1;
  }

  private static long write(PagewireConfig config, int incidents) {
    var serializer = Topics.INCIDENT_TIMELINE.valueSerde().serializer();
    String topic = Topics.INCIDENT_TIMELINE.name();
    // Recent times: records older than the topic's retention (400 days) are deleted by the broker
    // while the benchmark runs.
    long start = Instant.now().minus(Duration.ofDays(15)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toEpochMilli();
    return AckedWriter.write(config.kafka().bootstrapServers(), topic, (long) incidents * EVENTS_PER_INCIDENT, n -> {
      int i = (int) (n / EVENTS_PER_INCIDENT);
      int e = (int) (n % EVENTS_PER_INCIDENT);
      String id = "inc-" + i;
      long at = start + i * 60_000L + e * 30_000L;
      return new ProducerRecord<>(topic, null, at, id.getBytes(StandardCharsets.UTF_8), serializer.serialize(topic, event(id, e, at)));
    });
  }

  private static TimelineEvent event(String id, int e, long at) {
    TimelineEventType type = e == 0 ? TimelineEventType.OPENED : e == EVENTS_PER_INCIDENT - 1 ? TimelineEventType.RESOLVED
        : e == EVENTS_PER_INCIDENT - 2 ? TimelineEventType.ACKNOWLEDGED : e % 2 == 1 ? TimelineEventType.PAGED
        : TimelineEventType.ESCALATED;
    int step = (e + 1) / 2;
    int level = (step - 1) % 3 + 1;
    boolean paged = type == TimelineEventType.PAGED;
    return TimelineEvent.newBuilder()
        .setEventId(paged ? id + "/paged/" + step : id + "/" + type + "/" + e)
        .setIncidentId(id).setType(type)
        .setActor(type == TimelineEventType.ACKNOWLEDGED ? "alice" : null)
        .setLevel(paged ? level : null)
        .setDetail(type == TimelineEventType.OPENED ? "P1 Benchmark alert (label severity=warning)"
            : paged ? "paged level-" + level + " via console (step " + step + ")" : "")
        .setPriority(type == TimelineEventType.OPENED ? Priority.P1 : null)
        .setStep(paged ? step : null)
        .setRecipient(paged ? "level-" + level : null)
        .setAt(Instant.ofEpochMilli(at)).build();
  }

  private static long storedRecords(PagewireConfig config, String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = bareConsumer(config)) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
      return partitions.stream().mapToLong(tp -> end.get(tp) - begin.get(tp)).sum();
    }
  }

  /** What the bare consumer read, and the seconds from its creation until it read the last record (its close is not timed, as the replay does not wait for its own). */
  private record Bare(long records, double seconds) {}

  /** Reads every record of the topic up to its end offsets, as the replay does, and decodes nothing. */
  private static Bare bareConsume(PagewireConfig config, String topic) {
    long started = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> consumer = bareConsumer(config)) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long read = 0;
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        read += records.count();
      }
      return new Bare(read, (System.nanoTime() - started) / 1e9);
    }
  }

  private static KafkaConsumer<byte[], byte[]> bareConsumer(PagewireConfig config) {
    return new KafkaConsumer<>(TopicReplay.consumerProperties(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
    return consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
  }
}
