package io.pagewire.launcher;

import static io.pagewire.testsupport.WebhookReceiver.Answer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
import io.pagewire.schemas.Topics;
import io.pagewire.testsupport.TopicReader;
import io.pagewire.testsupport.WebhookReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pages that follow an acknowledgement or a snooze, through the real escalation and the real
 * notifier on a real broker: each reaches the receiver exactly once, and only an acknowledgement
 * that comes after a page was requested suppresses it (the notifier compares the status version
 * escalation publishes on {@code pagewire.incident-status} with the request's).
 */
class NotifierRepageIT {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  /** Long enough for a duplicate to show up: several sweeps and notifier turns. */
  private static final Duration QUIET = Duration.ofSeconds(3);

  private static Path dir;
  private static EmbeddedKafka kafka;
  private static WebhookReceiver receiver;
  private static TestPipeline pipeline;
  private static TopicReader<String, TimelineEvent> timeline;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("pagewire-repage-it");
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    receiver = new WebhookReceiver();
    pipeline = new TestPipeline(kafka, dir.resolve("streams"), """
        http: {port: ${HTTP_PORT}}
        sla:
          P0: {acknowledgeWithin: 1h, escalateEvery: 1h, resolveWithin: 4h, reacknowledgeAfter: 3s}
        escalation:
          sweepInterval: 100ms
          levels:
            - {name: primary-oncall, channels: [hook]}
            - {name: secondary-oncall, channels: [hook]}
        notifier:
          channels:
            hook: {type: webhook, url: "%s"}
          retry: {initialBackoff: 100ms, maxBackoff: 1s, giveUpAfter: 30s}
        """.formatted(receiver.url()));
    timeline = TopicReader.of(pipeline.config, Topics.INCIDENT_TIMELINE);
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {timeline, pipeline, receiver, kafka}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing the rest matters more
      }
    }
  }

  @Test
  void shouldDeliverTheRePageAfterTheAcknowledgementTimeoutExactlyOnce() {
    String id = openAndAwaitFirstPage("RepageAfterAckTimeout");
    acknowledge(id);

    await("re-page after the acknowledgement timeout").atMost(PATIENCE).until(() -> pageIds(id).size() == 2);
    assertExactlyOnceEach(id, 2);
    assertThat(pageIds(id).keySet()).anyMatch(n -> n.contains("/renotify/"));
  }

  @Test
  void shouldDeliverEscalateNowOnAnAcknowledgedIncidentExactlyOnce() {
    String id = openAndAwaitFirstPage("EscalateAcknowledged");
    acknowledge(id);

    assertThat(pipeline.post("/api/v1/incidents/" + id + "/escalate", "{\"note\": \"need help\"}").statusCode()).isEqualTo(202);

    await("level-2 page").atMost(PATIENCE).until(() -> pages(id).stream().anyMatch(p -> p.path("level").asInt() == 2));
    assertExactlyOnceEach(id, 2);
  }

  @Test
  void shouldDeliverThePageAtTheEndOfASnoozeExactlyOnce() {
    String id = openAndAwaitFirstPage("SnoozeEnds");
    assertThat(pipeline.post("/api/v1/incidents/" + id + "/snooze", "{\"for\": \"2s\"}").statusCode()).isEqualTo(202);
    await("snoozed").atMost(PATIENCE).until(() -> "snoozed".equals(statusOf(id)) || pageIds(id).size() == 2);

    await("page after the snooze").atMost(PATIENCE).until(() -> pageIds(id).size() == 2);
    assertExactlyOnceEach(id, 2);
  }

  @Test
  void shouldSuppressAPageWhenTheAcknowledgementArrivesBeforeItIsSent() {
    // The receiver is down for the first attempt and asks for 2 s; the acknowledgement comes meanwhile.
    receiver.answer(WebhookReceiver.HOOK, status(503).withHeader("Retry-After", "2"));
    int before = receiver.received(WebhookReceiver.HOOK).size();
    String id = open("AckBeforeSend");
    await("first attempt refused").atMost(PATIENCE).until(() -> receiver.received(WebhookReceiver.HOOK).size() > before);
    acknowledge(id);

    TimelineEvent suppressed = await("suppressed").atMost(PATIENCE).until(() -> timeline.values(e -> e.getIncidentId().equals(id)
        && e.getType() == TimelineEventType.NOTIFICATION_SUPPRESSED).stream().findFirst().orElse(null), e -> e != null);
    // Acknowledged at the retry; or, on a slow machine, acknowledged and already re-paged after the 3 s timeout.
    assertThat(suppressed.getDetail()).matches("(incident acknowledged before sending|superseded: ).*");
    // Escalation may re-page after the acknowledgement timeout (3 s); that is a new page, delivered.
    assertThat(receiver.received(WebhookReceiver.HOOK).stream().map(WebhookReceiver.Received::json)
        .filter(b -> b.path("notificationId").asText().equals(id + "/page/1")))
        .as("only the refused attempt of the first page reached the receiver").hasSize(1);
  }

  private static String openAndAwaitFirstPage(String alertname) {
    String id = open(alertname);
    await("first page").atMost(PATIENCE).until(() -> pageIds(id).size() == 1);
    return id;
  }

  private static String open(String alertname) {
    assertThat(pipeline.post("/api/v1/alerts/alertmanager", webhook(alertname)).statusCode()).isEqualTo(200);
    return await("incident " + alertname).atMost(PATIENCE).until(() -> pipeline.incidents().stream()
        .filter(i -> i.path("title").asText().equals(alertname + " is failing")).map(i -> i.path("id").asText())
        .findFirst().orElse(null), i -> i != null);
  }

  private static void acknowledge(String id) {
    assertThat(pipeline.post("/api/v1/incidents/" + id + "/acknowledge", "{}").statusCode()).isEqualTo(202);
    await("acknowledged").atMost(PATIENCE).until(() -> "acknowledged".equals(statusOf(id)));
  }

  private static String statusOf(String id) {
    return pipeline.incidents().stream().filter(i -> i.path("id").asText().equals(id))
        .map(i -> i.path("status").asText()).findFirst().orElse(null);
  }

  private static List<JsonNode> pages(String incidentId) {
    return receiver.bodies("PAGE").stream().filter(p -> p.path("incidentId").asText().equals(incidentId)).toList();
  }

  /** Notification id to the number of times the receiver got it. */
  private static Map<String, Long> pageIds(String incidentId) {
    return pages(incidentId).stream().collect(Collectors.groupingBy(p -> p.path("notificationId").asText(), Collectors.counting()));
  }

  private static void assertExactlyOnceEach(String incidentId, int distinct) {
    await("no page repeated").during(QUIET).atMost(QUIET.plusSeconds(5))
        .until(() -> pageIds(incidentId).size() == distinct && pageIds(incidentId).values().stream().allMatch(n -> n == 1));
  }

  private static String webhook(String alertname) {
    return """
        {"receiver": "webhook", "status": "firing", "version": "4", "groupKey": "{}:{alertname=\\"%1$s\\"}",
         "externalURL": "http://am:9093", "groupLabels": {"alertname": "%1$s"}, "commonLabels": {},
         "commonAnnotations": {}, "truncatedAlerts": 0,
         "alerts": [{"status": "firing", "fingerprint": "fp-%1$s", "startsAt": "%2$s", "endsAt": "0001-01-01T00:00:00Z",
           "generatorURL": "", "annotations": {"summary": "%1$s is failing"},
           "labels": {"alertname": "%1$s", "service": "checkout", "severity": "critical"}}]}
        """.formatted(alertname, Instant.now().minusSeconds(5));
  }
}
