package io.pagewire.notifier.channel.teams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.notifier.TestRequests;
import io.pagewire.testsupport.WebhookReceiver;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.platform.config.Secret;
import io.pagewire.platform.http.Json;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TeamsChannelTest {

  private static final String PATH = "/webhookb2/abc/IncomingWebhook/s3cr3t";
  private final WebhookReceiver teams = new WebhookReceiver();

  @AfterEach
  void stop() {
    teams.close();
  }

  @Test
  void shouldPostAnAdaptiveCardInTheMessageAttachmentsEnvelope() throws Exception {
    TeamsChannel channel = new TeamsChannel("teams-ops", new TeamsConfig(Secret.of(teams.url(PATH)), null), Clock.systemUTC());

    assertThat(channel.send(TestRequests.pageWithLinks("inc-42/page/1"))).isEqualTo(Delivery.delivered());

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
}
