package io.pagewire.notifier.channel.teams;

import static io.pagewire.testsupport.WebhookReceiver.Answer.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.notifier.TestRequests;
import io.pagewire.testsupport.WebhookReceiver;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.platform.config.Secret;
import io.pagewire.platform.http.Json;
import io.pagewire.schemas.NotificationRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TeamsChannelTest {

  private static final String PATH = "/webhookb2/abc/IncomingWebhook/s3cr3t";
  private final WebhookReceiver teams = new WebhookReceiver();

  @AfterEach
  void stop() {
    teams.close();
  }

  private TeamsChannel channel() {
    return new TeamsChannel("teams-ops", new TeamsConfig(Secret.of(teams.url(PATH)), null), Clock.systemUTC());
  }

  @Test
  void shouldPostAnAdaptiveCardInTheWorkflowsMessageAttachmentsEnvelope() throws Exception {
    // A Workflows trigger answers 202 Accepted once the flow has started.
    teams.answer(PATH, status(202));

    assertThat(channel().send(TestRequests.pageWithLinks("inc-42/page/1"))).isEqualTo(Delivery.delivered());

    JsonNode body = Json.MAPPER.readTree(teams.received(PATH).get(0).body());
    assertThat(body.get("type").asText()).isEqualTo("message");
    assertThat(body.get("attachments")).hasSize(1);
    JsonNode attachment = body.get("attachments").get(0);
    assertThat(attachment.get("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
    assertThat(attachment.get("contentUrl").isNull()).isTrue();
    JsonNode card = attachment.get("content");
    assertThat(card.get("$schema").asText()).isEqualTo("http://adaptivecards.io/schemas/adaptive-card.json");
    assertThat(card.get("type").asText()).isEqualTo("AdaptiveCard");
    assertThat(card.get("version").asText()).isEqualTo("1.4");
    assertThat(card.get("msteams").get("width").asText()).isEqualTo("Full");
    assertThat(body.fieldNames()).toIterable().containsExactly("type", "attachments");
    assertThat(attachment.fieldNames()).toIterable().containsExactly("contentType", "contentUrl", "content");
    JsonNode title = card.get("body").get(0);
    assertThat(title.get("type").asText()).isEqualTo("TextBlock");
    assertThat(title.get("text").asText()).isEqualTo("[P0 SEV-1] PAGE: Checkout down");
    assertThat(title.get("weight").asText()).isEqualTo("Bolder");
    assertThat(title.get("wrap").asBoolean()).isTrue();
    assertThat(card.get("body").get(1).get("text").asText()).isEqualTo("5xx above 20%");
    JsonNode facts = card.get("body").get(2);
    assertThat(facts.get("type").asText()).isEqualTo("FactSet");
    assertThat(facts.get("facts").get(0).get("title").asText()).isEqualTo("Priority");
    assertThat(facts.get("facts").get(0).get("value").asText()).isEqualTo("P0");
    assertThat(facts.get("facts").get(1).get("value").asText()).isEqualTo("SEV-1");
    assertThat(facts.get("facts").get(2).get("value").asText()).isEqualTo("inc-42");
    assertThat(facts.get("facts").get(3).get("value").asText()).isEqualTo("1");
    assertThat(facts.get("facts").get(4).get("title").asText()).isEqualTo("alertname");
    assertThat(facts.get("facts").get(5).get("value").asText()).isEqualTo("checkout");
    JsonNode actions = card.get("actions");
    assertThat(actions).hasSize(4);
    assertThat(actions.get(0).get("type").asText()).isEqualTo("Action.OpenUrl");
    assertThat(actions.get(0).get("title").asText()).isEqualTo("Acknowledge");
    assertThat(actions.get(0).get("url").asText()).isEqualTo("http://pagewire.local/api/v1/incidents/inc-42/acknowledge");
    assertThat(actions.get(1).get("title").asText()).isEqualTo("Resolve");
    assertThat(actions.get(2).get("url").asText()).isEqualTo("https://runbooks.local/checkout-5xx");
  }

  @Test
  void shouldKeepACardWithManyLongLabelsUnderTheTeamsMessageLimit() throws Exception {
    NotificationRequest request = TestRequests.pageWithLinks("n-1");
    request.setSummary("s".repeat(20_000));
    Map<String, String> labels = new HashMap<>();
    for (int i = 0; i < 64; i++) {
      labels.put(String.format("label%02d", i), "v".repeat(2000));
    }
    request.setLabels(labels);

    assertThat(channel().send(request)).isEqualTo(Delivery.delivered());

    String posted = teams.received(PATH).get(0).body();
    assertThat(posted.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(TeamsChannel.MESSAGE_MAX_BYTES);
    JsonNode card = Json.MAPPER.readTree(posted).get("attachments").get(0).get("content");
    assertThat(card.get("body").get(1).get("text").asText()).hasSize(TeamsChannel.SUMMARY_MAX).endsWith("…");
    JsonNode facts = card.get("body").get(2).get("facts");
    JsonNode last = facts.get(facts.size() - 1);
    int shownLabels = facts.size() - 5;
    assertThat(shownLabels).isPositive().isLessThan(64);
    assertThat(last.get("title").asText()).isEqualTo("More labels");
    assertThat(last.get("value").asText()).isEqualTo((64 - shownLabels) + " not shown");
    // The actions survive: they are what a person acts on.
    assertThat(card.get("actions")).hasSize(4);
  }

  @Test
  void shouldTreatAWorkflowRefusingTheRequestAsPermanentAndThrottlingAsRetryable() {
    teams.answer(PATH, status(400).withBody("{\"error\":{\"code\":\"TriggerInputSchemaMismatch\"}}"), status(429));

    assertThat(channel().send(TestRequests.page("n-1"))).isInstanceOf(Delivery.Permanent.class);
    assertThat(channel().send(TestRequests.page("n-1"))).isInstanceOf(Delivery.Retryable.class);
  }
}
