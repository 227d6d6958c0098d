package io.pagewire.notifier.channel.pagerduty;

import static io.pagewire.testsupport.WebhookReceiver.Answer.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.notifier.TestRequests;
import io.pagewire.testsupport.WebhookReceiver;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.platform.config.Secret;
import io.pagewire.platform.http.Json;
import io.pagewire.schemas.NotificationKind;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.Priority;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PagerDutyChannelTest {

  private static final String ROUTING_KEY = "R0UT1NGK3Y0000000000000000000000";
  private final WebhookReceiver pagerduty = new WebhookReceiver();

  @AfterEach
  void stop() {
    pagerduty.close();
  }

  private PagerDutyChannel channel() {
    return new PagerDutyChannel("pd", new PagerDutyConfig(Secret.of(ROUTING_KEY), Secret.of(pagerduty.url("/v2/enqueue")), null, null),
        Clock.systemUTC());
  }

  private JsonNode lastEvent() throws Exception {
    var posts = pagerduty.received("/v2/enqueue");
    return Json.MAPPER.readTree(posts.get(posts.size() - 1).body());
  }

  @Test
  void shouldTriggerWithTheIncidentAsDedupKeyAndTheDocumentedPayload() throws Exception {
    pagerduty.answer("/v2/enqueue", status(202).withBody("{\"status\":\"success\",\"dedup_key\":\"inc-42\"}"));

    assertThat(channel().send(TestRequests.pageWithLinks("inc-42/page/1"))).isEqualTo(Delivery.delivered());

    JsonNode event = lastEvent();
    assertThat(event.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
    assertThat(event.get("event_action").asText()).isEqualTo("trigger");
    assertThat(event.get("dedup_key").asText()).isEqualTo("inc-42");
    JsonNode payload = event.get("payload");
    assertThat(payload.get("summary").asText()).isEqualTo("[P0 SEV-1] PAGE: Checkout down");
    assertThat(payload.get("source").asText()).isEqualTo("pagewire");
    assertThat(payload.get("severity").asText()).isEqualTo("critical");
    assertThat(payload.get("timestamp").asText()).isEqualTo("2025-01-31T10:15:30.123Z");
    assertThat(payload.get("component").asText()).isEqualTo("checkout");
    assertThat(payload.get("class").asText()).isEqualTo("HighErrorRate");
    assertThat(payload.get("custom_details").get("priority").asText()).isEqualTo("P0");
    assertThat(payload.get("custom_details").get("severity").asText()).isEqualTo("SEV-1");
    assertThat(payload.get("custom_details").get("label.service").asText()).isEqualTo("checkout");
    assertThat(event.get("client").asText()).isEqualTo("Pagewire");
    assertThat(event.get("client_url").asText()).isEqualTo("http://pagewire.local/api/v1/incidents/inc-42");
    assertThat(event.get("links")).anySatisfy(link -> {
      assertThat(link.get("text").asText()).isEqualTo("runbook");
      assertThat(link.get("href").asText()).isEqualTo("https://runbooks.local/checkout-5xx");
    });
  }

  @Test
  void shouldAcknowledgeAndResolveTheSameDedupKeyWithoutPayload() throws Exception {
    NotificationRequest ack = TestRequests.page("inc-42/ack");
    ack.setKind(NotificationKind.ACKNOWLEDGED);
    NotificationRequest resolved = TestRequests.page("inc-42/resolved");
    resolved.setKind(NotificationKind.RESOLVED);

    channel().send(ack);
    JsonNode acknowledge = lastEvent();
    channel().send(resolved);
    JsonNode resolve = lastEvent();

    assertThat(acknowledge.get("event_action").asText()).isEqualTo("acknowledge");
    assertThat(acknowledge.get("dedup_key").asText()).isEqualTo("inc-42");
    assertThat(acknowledge.has("payload")).isFalse();
    assertThat(resolve.get("event_action").asText()).isEqualTo("resolve");
    assertThat(resolve.get("dedup_key").asText()).isEqualTo("inc-42");
    assertThat(resolve.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
  }

  @Test
  void shouldMapEveryPriorityToAPagerDutySeverity() {
    assertThat(PagerDutyChannel.severity(Priority.P0)).isEqualTo("critical");
    assertThat(PagerDutyChannel.severity(Priority.P1)).isEqualTo("error");
    assertThat(PagerDutyChannel.severity(Priority.P2)).isEqualTo("warning");
    assertThat(PagerDutyChannel.severity(Priority.P3)).isEqualTo("info");
    assertThat(PagerDutyChannel.severity(Priority.P4)).isEqualTo("info");
  }

  @Test
  void shouldNeverPutTheRoutingKeyInAReason() {
    pagerduty.answer("/v2/enqueue", status(400).withBody("{\"status\":\"invalid event\",\"message\":\"bad routing_key " + ROUTING_KEY + "\"}"));

    Delivery delivery = channel().send(TestRequests.page("n-1"));

    assertThat(delivery).isInstanceOf(Delivery.Permanent.class);
    assertThat(((Delivery.Permanent) delivery).reason()).startsWith("HTTP 400:").doesNotContain(ROUTING_KEY);
  }
}
