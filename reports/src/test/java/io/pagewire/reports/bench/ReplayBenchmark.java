package io.pagewire.reports.bench;

import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.platform.kafka.TopicAdmin;
import io.pagewire.reports.Reports;
import io.pagewire.reports.model.PeriodReport;
import io.pagewire.reports.model.ReportQuery;
import io.pagewire.reports.replay.Progress;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Topics;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Locale;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes 1,000,000 timeline events (20,000 incidents of 50 events) to an embedded broker, replays
 * them into a report, and prints events per second and the peak heap used during the replay.
 * Not a test: run it by hand with
 * {@code mvn -q -pl reports exec:java -Dexec.mainClass=io.pagewire.reports.bench.ReplayBenchmark -Dexec.classpathScope=test}.
 */
public final class ReplayBenchmark {

  private static final int INCIDENTS = 20_000;
  private static final int EVENTS_PER_INCIDENT = 50;

  private ReplayBenchmark() {}

  public static void main(String[] args) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary()) {
      PagewireConfig config = PagewireConfig.defaults()
          .withKafka(kafka.bootstrapServers(), Files.createTempDirectory("bench-state"));
      TopicAdmin.ensureTopics(config);
      long written = write(config);
      System.gc();
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        pool.resetPeakUsage();
      }
      long heapBefore = heapUsed();
      long started = System.nanoTime();
      PeriodReport report = (PeriodReport) Reports.replay(config, ReportQuery.all(),
          System.console() != null ? Progress.bar(System.err) : Progress.NONE);
      double seconds = (System.nanoTime() - started) / 1e9;
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      System.out.printf(Locale.ROOT, "written: %d timeline events (%d incidents)%n", written, INCIDENTS);
      System.out.printf(Locale.ROOT, "replayed: %d records in %.2f s = %.0f events/s; %d incidents in the report%n",
          report.source().recordsRead(), seconds, report.source().recordsRead() / seconds, report.incidents().size());
      System.out.printf(Locale.ROOT, "heap: %.0f MiB before the replay, peak %.0f MiB during it (sum of heap pool peaks), max %.0f MiB%n",
          heapBefore / 1048576.0, peak / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0);
    }
  }

  private static long write(PagewireConfig config) throws Exception {
    var props = KafkaSettings.producer(config, "bench");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    var serializer = Topics.INCIDENT_TIMELINE.valueSerde().serializer();
    long start = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    long count = 0;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < INCIDENTS; i++) {
        String id = "inc-" + i;
        long opened = start + i * 60_000L;
        for (int e = 0; e < EVENTS_PER_INCIDENT; e++) {
          TimelineEventType type = e == 0 ? TimelineEventType.OPENED : e == EVENTS_PER_INCIDENT - 1 ? TimelineEventType.RESOLVED
              : e == EVENTS_PER_INCIDENT - 2 ? TimelineEventType.ACKNOWLEDGED : e % 2 == 1 ? TimelineEventType.PAGED
              : TimelineEventType.ESCALATED;
          int step = (e + 1) / 2;
          long at = opened + e * 30_000L;
          TimelineEvent event = TimelineEvent.newBuilder()
              .setEventId(type == TimelineEventType.PAGED ? id + "/paged/" + step : id + "/" + type + "/" + e)
              .setIncidentId(id).setType(type)
              .setActor(type == TimelineEventType.ACKNOWLEDGED ? "alice" : null)
              .setLevel(type == TimelineEventType.PAGED ? (step - 1) % 3 + 1 : null)
              .setDetail(type == TimelineEventType.OPENED ? "P1 Benchmark alert (label severity=warning)"
                  : type == TimelineEventType.PAGED ? "paged level-" + ((step - 1) % 3 + 1) + " via console (step " + step + ")" : "")
              .setPriority(type == TimelineEventType.OPENED ? Priority.P1 : null)
              .setStep(type == TimelineEventType.PAGED ? step : null)
              .setRecipient(type == TimelineEventType.PAGED ? "level-" + ((step - 1) % 3 + 1) : null)
              .setAt(Instant.ofEpochMilli(at)).build();
          producer.send(new ProducerRecord<>(Topics.INCIDENT_TIMELINE.name(), null, at, id,
              serializer.serialize(Topics.INCIDENT_TIMELINE.name(), event)));
          count++;
        }
      }
      producer.flush();
    }
    return count;
  }

  private static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
