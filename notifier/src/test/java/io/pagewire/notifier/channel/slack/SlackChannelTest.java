package io.pagewire.notifier.channel.slack;

import static io.pagewire.testsupport.WebhookReceiver.Answer.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.notifier.TestRequests;
import io.pagewire.testsupport.WebhookReceiver;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.notifier.template.Templates;
import io.pagewire.platform.config.Secret;
import io.pagewire.platform.http.Json;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SlackChannelTest {

  private static final String PATH = "/services/T000/B000/s3cr3t";
  private final WebhookReceiver slack = new WebhookReceiver();

  @AfterEach
  void stop() {
    slack.close();
  }

  private SlackChannel channel() {
    return new SlackChannel("slack-ops", new SlackConfig(Secret.of(slack.url(PATH)), null), Clock.systemUTC());
  }

  @Test
  void shouldPostBlockKitWithPrioritySeveritySummaryLabelsAndLinkButtons() throws Exception {
    assertThat(channel().send(TestRequests.pageWithLinks("inc-42/page/1"))).isEqualTo(Delivery.delivered());

    WebhookReceiver.Received post = slack.received(PATH).get(0);
    assertThat(post.header("Content-Type")).isEqualTo("application/json");
    JsonNode body = Json.MAPPER.readTree(post.body());
    assertThat(body.get("text").asText()).isEqualTo("[P0 SEV-1] PAGE: Checkout down");
    JsonNode blocks = body.get("blocks");
    assertThat(blocks).hasSize(5);
    assertThat(blocks.get(0).get("type").asText()).isEqualTo("header");
    assertThat(blocks.get(0).get("text").get("type").asText()).isEqualTo("plain_text");
    assertThat(blocks.get(0).get("text").get("text").asText()).isEqualTo("[P0 SEV-1] PAGE: Checkout down");
    JsonNode fields = blocks.get(1).get("fields");
    assertThat(blocks.get(1).get("type").asText()).isEqualTo("section");
    assertThat(fields).hasSize(4);
    assertThat(fields.get(0).get("type").asText()).isEqualTo("mrkdwn");
    assertThat(fields.get(0).get("text").asText()).isEqualTo("*Priority*\nP0");
    assertThat(fields.get(1).get("text").asText()).isEqualTo("*Severity*\nSEV-1");
    assertThat(fields.get(2).get("text").asText()).isEqualTo("*Incident*\ninc-42");
    assertThat(fields.get(3).get("text").asText()).isEqualTo("*Level*\n1");
    assertThat(blocks.get(2).get("text").get("text").asText()).isEqualTo("5xx above 20%");
    assertThat(blocks.get(3).get("type").asText()).isEqualTo("context");
    assertThat(blocks.get(3).get("elements").get(0).get("text").asText()).isEqualTo("`alertname=HighErrorRate` `service=checkout`");
    JsonNode actions = blocks.get(4);
    assertThat(actions.get("type").asText()).isEqualTo("actions");
    JsonNode ack = actions.get("elements").get(0);
    assertThat(ack.get("type").asText()).isEqualTo("button");
    assertThat(ack.get("action_id").asText()).isEqualTo("acknowledge");
    assertThat(ack.get("text").get("type").asText()).isEqualTo("plain_text");
    assertThat(ack.get("text").get("text").asText()).isEqualTo("Acknowledge");
    assertThat(ack.get("url").asText()).isEqualTo("http://pagewire.local/api/v1/incidents/inc-42/acknowledge");
    assertThat(ack.get("style").asText()).isEqualTo("primary");
    JsonNode resolve = actions.get("elements").get(1);
    assertThat(resolve.get("text").get("text").asText()).isEqualTo("Resolve");
    assertThat(resolve.get("url").asText()).isEqualTo("http://pagewire.local/api/v1/incidents/inc-42/resolve");
    assertThat(resolve.get("style").asText()).isEqualTo("danger");
    assertThat(actions.get("elements").get(2).get("url").asText()).isEqualTo("https://runbooks.local/checkout-5xx");
    assertThat(actions.get("elements").get(2).has("style")).isFalse();
    assertThat(actions.get("elements").get(3).get("url").asText()).isEqualTo("http://pagewire.local/api/v1/incidents/inc-42");
  }

  @Test
  void shouldPostADigestAsAHeaderAndTheList() throws Exception {
    var digest = Templates.defaults().digest(List.of(TestRequests.page("n-1"), TestRequests.page("n-2")), "alice", null);

    channel().send(digest);

    JsonNode blocks = Json.MAPPER.readTree(slack.received(PATH).get(0).body()).get("blocks");
    assertThat(blocks.get(0).get("text").get("text").asText()).isEqualTo("[DIGEST] 2 notifications for alice");
    assertThat(blocks.get(1).get("text").get("text").asText()).contains("[n-1]", "[n-2]");
  }

  @Test
  void shouldTreatInvalidPayloadAsPermanentAndRateLimitAsRetryable() {
    slack.answer(PATH, status(400).withBody("invalid_payload"), status(429).withHeader("Retry-After", "30"));

    assertThat(channel().send(TestRequests.page("n-1"))).isEqualTo(Delivery.permanent("HTTP 400: invalid_payload"));
    assertThat(channel().send(TestRequests.page("n-1"))).isEqualTo(Delivery.retryable("HTTP 429", Optional.of(Duration.ofSeconds(30))));
  }
}
