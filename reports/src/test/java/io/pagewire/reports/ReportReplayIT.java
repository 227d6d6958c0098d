package io.pagewire.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.reports.model.IncidentFacts;
import io.pagewire.reports.model.IncidentReport;
import io.pagewire.reports.model.PeriodReport;
import io.pagewire.reports.model.Report;
import io.pagewire.reports.model.ReportQuery;
import io.pagewire.reports.render.ReportFormat;
import io.pagewire.platform.kafka.replay.Progress;
import io.pagewire.schemas.Topic;
import io.pagewire.schemas.Topics;
import io.pagewire.testsupport.TestBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scripted week written to a real broker as the pipeline writes it (keys, serdes, record
 * timestamps), replayed, and every figure of the report checked against the scenario.
 */
class ReportReplayIT {

  private static TestBroker broker;
  private static PagewireConfig config;

  @BeforeAll
  static void writeScenario(@TempDir Path stateDir) throws Exception {
    broker = TestBroker.start(stateDir, PagewireConfig.defaults());
    config = broker.config();
    Scenario s = Scenario.week();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaSettings.producer(config, "scenario"),
        new StringSerializer(), new ByteArraySerializer())) {
      send(producer, Topics.ALERTS, s.alerts, a -> a.getFingerprint(), a -> a.getReceivedAt().toEpochMilli());
      send(producer, Topics.INCIDENT_EVENTS, s.incidentEvents, e -> e.getIncidentId(), e -> e.getAt().toEpochMilli());
      send(producer, Topics.INCIDENT_TIMELINE, s.timeline, e -> e.getIncidentId(), e -> e.getAt().toEpochMilli());
      send(producer, Topics.NOTIFICATION_RECEIPTS, s.receipts, r -> r.getIncidentId(), r -> r.getAt().toEpochMilli());
      send(producer, Topics.INCIDENT_COMMANDS, s.commands, c -> c.getIncidentId(), c -> c.getAt().toEpochMilli());
      // A record no reader can decode: skipped and counted, never fatal.
      producer.send(new ProducerRecord<>(Topics.INCIDENT_TIMELINE.name(), null, Scenario.t("2024-03-06T00:00:00Z").toEpochMilli(),
          "inc-x", "not avro".getBytes(StandardCharsets.UTF_8))).get();
      producer.flush();
    }
  }

  private static <V> void send(KafkaProducer<String, byte[]> producer, Topic<String, V> topic, List<V> values,
      Function<V, String> key, Function<V, Long> timestamp) throws Exception {
    for (V value : values) {
      producer.send(new ProducerRecord<>(topic.name(), null, timestamp.apply(value), key.apply(value),
          topic.valueSerde().serializer().serialize(topic.name(), value))).get();
    }
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldReportEveryFigureOfTheWeekFromAReplay() {
    PeriodReport report = (PeriodReport) Reports.replay(config, ReportQuery.all(), Progress.NONE);

    ScenarioAssertions.assertWeek(report);
    Scenario s = Scenario.week();
    long written = s.alerts.size() + s.incidentEvents.size() + s.timeline.size() + s.receipts.size() + s.commands.size();
    assertThat(report.source()).isEqualTo(new Report.Source(written, 1));
  }

  @Test
  void shouldJudgeBusinessHoursInTheRequestedZone() {
    PeriodReport report = (PeriodReport) Reports.replay(config, ReportQuery.all().withZone(ZoneId.of("America/New_York")),
        Progress.NONE);

    ScenarioAssertions.assertNewYorkOutOfHours(report);
  }

  @Test
  void shouldReportOneIncidentFromItsPartitionOnly() {
    IncidentReport report = (IncidentReport) Reports.replay(config, ReportQuery.incident("inc-a"), Progress.NONE);

    ScenarioAssertions.assertIncidentA(report);
    // inc-a wrote 7 timeline events, 2 incident events and 3 receipts; nothing else is handed on.
    assertThat(report.source().recordsRead()).isEqualTo(12);
  }

  @Test
  void shouldFoldTheNotesEscalationAcceptedIntoTheIncidentReport() throws Exception {
    IncidentReport report = (IncidentReport) Reports.replay(config, ReportQuery.incident("inc-c"), Progress.NONE);

    ScenarioAssertions.assertIncidentCNotes(report.incident());
    ScenarioAssertions.assertIncidentCTimeline(report.incident());
    ScenarioAssertions.assertIncidentCNotesRendered(ReportFormat.MARKDOWN.render(report), ReportFormat.JSON.render(report));
    assertThat(ReportFormat.HTML.render(report)).contains("<td>alert on disk usage at 80%</td><td>carol</td><td>2024-03-12</td>")
        .doesNotContain("cosmic rays");
  }

  @Test
  void shouldSelectByTimeTeamAndPriority() {
    PeriodReport fromTuesday = (PeriodReport) Reports.replay(config,
        new ReportQuery(null, Scenario.t("2024-03-05T00:00:00Z"), Scenario.t("2024-03-09T00:00:00Z"), "payments", null,
            null, null), Progress.NONE);
    assertThat(fromTuesday.incidents()).extracting(IncidentFacts::incidentId).containsExactly("inc-c", "inc-d");
    assertThat(fromTuesday.asOf()).isEqualTo(Scenario.t("2024-03-09T00:00:00Z"));
    // Seeking by time skipped HighErrorRate's notifications of Monday.
    assertThat(fromTuesday.noisiestAlerts()).extracting(a -> a.alertname()).containsExactly("DiskFull", "Reminder");

    PeriodReport p1 = (PeriodReport) Reports.replay(config,
        new ReportQuery(null, null, null, null, "search", io.pagewire.schemas.Priority.P1, null), Progress.NONE);
    assertThat(p1.incidents()).extracting(IncidentFacts::incidentId).containsExactly("inc-b");
  }

  @Test
  void shouldWriteTheSameBytesForTheSameTopics(@TempDir Path dir) {
    for (ReportFormat format : ReportFormat.values()) {
      String first = format.render(Reports.replay(config, ReportQuery.all(), Progress.NONE));
      String second = format.render(Reports.replay(config, ReportQuery.all(), Progress.NONE));
      assertThat(second).as(format.name()).isEqualTo(first);
    }
  }

  @Test
  void shouldRunTheCommandAgainstTheConfiguredCluster(@TempDir Path dir) throws Exception {
    Path configFile = dir.resolve("pagewire.yaml");
    Files.writeString(configFile, "kafka:\n  bootstrapServers: " + broker.bootstrapServers() + "\n");
    Path out = dir.resolve("inc-a.md");
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status = ReportCommand.run(new String[] {"--incident", "inc-a", "--config", configFile.toString(),
        "--output", out.toString(), "--no-progress"}, Clock.systemUTC(), System.out, new PrintStream(err, true));

    assertThat(status).isZero();
    assertThat(Files.readString(out)).startsWith("# Post-incident report: HighErrorRate checkout (inc-a)\n")
        .contains("| Time to acknowledge | 18m | 15m | breached |")
        .contains("## Root cause\n\nNot recorded.");
    assertThat(ReportCommand.run(new String[] {"--incident", "inc-nope", "--config", configFile.toString()},
        Clock.systemUTC(), System.out, new PrintStream(err, true))).isEqualTo(1);
  }
}
