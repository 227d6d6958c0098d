package io.pagewire.notifier.channel.slack;

import static io.pagewire.testsupport.WebhookReceiver.Answer.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.notifier.TestRequests;
import io.pagewire.testsupport.WebhookReceiver;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.notifier.channel.Message;
import io.pagewire.notifier.template.Templates;
import io.pagewire.platform.config.Secret;
import io.pagewire.platform.http.Json;
import io.pagewire.schemas.NotificationRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    assertThat(blocks.get(1).get("text").get("text").asText()).isEqualTo(
        "• *P0* Checkout down `n-1` <http://pagewire.local/ack/inc-42|Acknowledge>\n"
            + "• *P0* Checkout down `n-2` <http://pagewire.local/ack/inc-42|Acknowledge>");
  }

  @Test
  void shouldEscapeSlackControlCharactersSoAlertTextCannotMentionOrLink() throws Exception {
    NotificationRequest request = TestRequests.pageWithLinks("n-1");
    request.setTitle("<!channel> DB down");
    request.setSummary("<!here> see <https://evil.example|the runbook> & <@U123>");
    request.setLabels(Map.of("team", "<!subteam^S1>", "alertname", "A&B"));
    Message message = Templates.defaults().render(request, null);

    channel().send(message);

    JsonNode body = Json.MAPPER.readTree(slack.received(PATH).get(0).body());
    assertThat(body.get("text").asText()).isEqualTo("[P0 SEV-1] PAGE: &lt;!channel&gt; DB down");
    JsonNode blocks = body.get("blocks");
    assertThat(blocks.get(2).get("text").get("text").asText())
        .isEqualTo("&lt;!here&gt; see &lt;https://evil.example|the runbook&gt; &amp; &lt;@U123&gt;");
    assertThat(blocks.get(2).get("text").get("verbatim").asBoolean()).isTrue();
    assertThat(blocks.get(3).get("elements").get(0).get("text").asText())
        .isEqualTo("`alertname=A&amp;B` `team=&lt;!subteam^S1&gt;`");
    // No mrkdwn text anywhere in the message carries a raw control character from the alert.
    for (String text : mrkdwnTexts(body)) {
      assertThat(text).doesNotContain("<!", "<@", "<http", "& ");
    }
  }

  @Test
  void shouldKeepEveryPartWithinSlacksLimits() throws Exception {
    NotificationRequest request = TestRequests.pageWithLinks("n-1");
    request.setTitle("T".repeat(500));
    request.setSummary("&".repeat(4000));
    Map<String, String> labels = new java.util.HashMap<>();
    for (int i = 0; i < 64; i++) {
      labels.put("label" + i, "v".repeat(2000));
    }
    request.setLabels(labels);
    Map<String, String> links = new java.util.HashMap<>(request.getLinks());
    links.put("runbook", "https://runbooks.local/" + "x".repeat(SlackChannel.URL_MAX));
    request.setLinks(links);

    channel().send(Templates.defaults().render(request, null));

    JsonNode body = Json.MAPPER.readTree(slack.received(PATH).get(0).body());
    assertThat(body.get("text").asText().length()).isLessThanOrEqualTo(SlackChannel.TEXT_MAX);
    JsonNode blocks = body.get("blocks");
    assertThat(blocks.get(0).get("text").get("text").asText()).hasSize(SlackChannel.HEADER_MAX).endsWith("…");
    // Cut below the limit, never inside an entity.
    String summary = blocks.get(2).get("text").get("text").asText();
    assertThat(summary.length()).isLessThanOrEqualTo(SlackChannel.SECTION_MAX);
    assertThat(summary).endsWith("&amp;…").matches("(&amp;)+…");
    assertThat(blocks.get(3).get("elements").get(0).get("text").asText().length()).isLessThanOrEqualTo(SlackChannel.SECTION_MAX);
    assertThat(blocks.get(1).get("fields")).allSatisfy(
        field -> assertThat(field.get("text").asText().length()).isLessThanOrEqualTo(SlackChannel.FIELD_MAX));
    // A link too long for a button loses its button; the others stay.
    assertThat(blocks.get(4).get("elements")).extracting(b -> b.get("action_id").asText())
        .containsExactly("acknowledge", "resolve", "incident");
  }

  @Test
  void shouldKeepADigestOfManyPagesWithinFiftyBlocksAndCountTheRest() throws Exception {
    List<NotificationRequest> pages = new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) {
      NotificationRequest page = TestRequests.page("n-" + i);
      page.setTitle("Disk full on host-" + i + " " + "x".repeat(100));
      pages.add(page);
    }

    channel().send(Templates.defaults().digest(pages, "alice", null));

    JsonNode blocks = Json.MAPPER.readTree(slack.received(PATH).get(0).body()).get("blocks");
    assertThat(blocks.size()).isLessThanOrEqualTo(SlackChannel.MAX_BLOCKS);
    int listed = 0;
    int chars = 0;
    for (JsonNode block : blocks) {
      if (block.get("type").asText().equals("section")) {
        String text = block.get("text").get("text").asText();
        assertThat(text.length()).isLessThanOrEqualTo(SlackChannel.SECTION_MAX);
        listed += text.split("\n").length;
        chars += text.length();
      }
    }
    assertThat(chars).isLessThanOrEqualTo(SlackChannel.DIGEST_TEXT_MAX);
    JsonNode last = blocks.get(blocks.size() - 1);
    assertThat(last.get("type").asText()).isEqualTo("context");
    assertThat(last.get("elements").get(0).get("text").asText()).isEqualTo("… and " + (500 - listed) + " more");
    assertThat(listed).isGreaterThan(50);
  }

  private static List<String> mrkdwnTexts(JsonNode node) {
    List<String> texts = new java.util.ArrayList<>();
    if (node.isObject()) {
      if ("mrkdwn".equals(node.path("type").asText())) {
        texts.add(node.get("text").asText());
      }
      node.forEach(child -> texts.addAll(mrkdwnTexts(child)));
    } else if (node.isArray()) {
      node.forEach(child -> texts.addAll(mrkdwnTexts(child)));
    }
    return texts;
  }

  @Test
  void shouldTreatInvalidPayloadAsPermanentAndRateLimitAsRetryable() {
    slack.answer(PATH, status(400).withBody("invalid_payload"), status(429).withHeader("Retry-After", "30"));

    assertThat(channel().send(TestRequests.page("n-1"))).isEqualTo(Delivery.permanent("HTTP 400: invalid_payload"));
    assertThat(channel().send(TestRequests.page("n-1"))).isEqualTo(Delivery.retryable("HTTP 429", Optional.of(Duration.ofSeconds(30))));
  }
}
