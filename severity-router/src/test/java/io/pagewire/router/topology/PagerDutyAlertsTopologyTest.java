package io.pagewire.router.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.router.RouterService;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertAction;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.CommandType;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.Ids;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PagerDuty events on the production router topology: a resolve and an acknowledge name only the
 * dedup key (no labels), yet they route like the trigger, because the router keeps the trigger's
 * labels by fingerprint; the acknowledge becomes escalation's typed command for the open incident.
 */
class PagerDutyAlertsTopologyTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final String FINGERPRINT = Ids.pagerDutyFingerprint("grafana", "disk-db-1");

  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, Alert> alerts;
  private TestOutputTopic<String, IncidentEvent> events;
  private TestOutputTopic<String, IncidentCommand> commands;

  @BeforeEach
  void start() {
    // A route that matches on severity: a resolve without labels would miss it without the stored labels.
    PagewireConfig config = ConfigLoader.parse("test.yaml", """
        classification:
          routes:
            - name: db-critical
              matchers: ['service="db"', 'severity="critical"']
              groupBy: [alertname]
        """).withKafka("unused:9092", stateDir);
    driver = new TopologyTestDriver(RouterTopology.build(config), KafkaSettings.streams(config, RouterService.APPLICATION_ID, null), T0);
    alerts = driver.createInputTopic(Topics.ALERTS.name(), Topics.ALERTS.keySerde().serializer(), Topics.ALERTS.valueSerde().serializer());
    events = driver.createOutputTopic(Topics.INCIDENT_EVENTS.name(),
        Topics.INCIDENT_EVENTS.keySerde().deserializer(), Topics.INCIDENT_EVENTS.valueSerde().deserializer());
    commands = driver.createOutputTopic(Topics.INCIDENT_COMMANDS.name(),
        Topics.INCIDENT_COMMANDS.keySerde().deserializer(), Topics.INCIDENT_COMMANDS.valueSerde().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void shouldRouteALabelLessResolveLikeItsTriggerAndTurnAnAcknowledgeIntoTheIncidentsCommand() {
    alerts.pipeInput(FINGERPRINT, trigger(), T0);
    IncidentEvent opened = events.readValue();
    assertThat(opened.getType()).isEqualTo(IncidentEventType.OPENED);
    assertThat(opened.getRoute()).isEqualTo("db-critical");
    assertThat(opened.getPriority()).isEqualTo(Priority.P0);

    alerts.pipeInput(FINGERPRINT, labelLess(AlertStatus.FIRING, AlertAction.ACKNOWLEDGE, "req-ack"), T0.plusSeconds(60));
    assertThat(events.isEmpty()).isTrue();
    IncidentCommand ack = commands.readValue();
    assertThat(ack.getType()).isEqualTo(CommandType.ACKNOWLEDGE);
    assertThat(ack.getIncidentId()).isEqualTo(opened.getIncidentId());
    assertThat(ack.getActor()).isEqualTo("pagerduty/grafana");
    assertThat(ack.getVia()).isEqualTo("pagerduty");
    assertThat(ack.getCommandId()).isEqualTo("req-ack");

    alerts.pipeInput(FINGERPRINT, labelLess(AlertStatus.RESOLVED, null, "req-resolve"), T0.plusSeconds(120));
    List<IncidentEvent> after = events.readValuesToList();
    assertThat(after).extracting(IncidentEvent::getType).containsExactly(IncidentEventType.ALERT_RESOLVED, IncidentEventType.RESOLVED);
    assertThat(after).extracting(IncidentEvent::getIncidentId).containsOnly(opened.getIncidentId());
    assertThat(commands.isEmpty()).isTrue();
  }

  @Test
  void shouldDropAResolveOrAcknowledgeOfAnAlertNeverTriggered() {
    alerts.pipeInput(FINGERPRINT, labelLess(AlertStatus.RESOLVED, null, "r1"), T0);
    alerts.pipeInput(FINGERPRINT, labelLess(AlertStatus.FIRING, AlertAction.ACKNOWLEDGE, "r2"), T0);

    assertThat(events.isEmpty()).isTrue();
    assertThat(commands.isEmpty()).isTrue();
  }

  private static Alert trigger() {
    return Alert.newBuilder().setFingerprint(FINGERPRINT).setStatus(AlertStatus.FIRING)
        .setLabels(Map.of("alertname", "DiskFull", "service", "db", "severity", "critical", "integration", "grafana"))
        .setAnnotations(Map.of("summary", "Disk full on db-1"))
        .setStartsAt(T0).setReceivedAt(T0).setReceiver("pagerduty/grafana").setRequestId("req-trigger").build();
  }

  private static Alert labelLess(AlertStatus status, AlertAction action, String requestId) {
    return Alert.newBuilder().setFingerprint(FINGERPRINT).setStatus(status).setAction(action)
        .setLabels(Map.of()).setAnnotations(Map.of())
        .setStartsAt(T0).setEndsAt(status == AlertStatus.RESOLVED ? T0.plusSeconds(120) : null)
        .setReceivedAt(T0).setReceiver("pagerduty/grafana").setRequestId(requestId).build();
  }
}
