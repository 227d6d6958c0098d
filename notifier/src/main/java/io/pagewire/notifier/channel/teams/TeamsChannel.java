package io.pagewire.notifier.channel.teams;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pagewire.notifier.channel.Message;
import io.pagewire.notifier.channel.Rendering;
import io.pagewire.notifier.channel.http.HttpPoster;
import io.pagewire.notifier.channel.http.JsonPostChannel;
import io.pagewire.platform.http.Json;
import io.pagewire.schemas.NotificationRequest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Posts to a Teams Workflows (Power Automate) webhook, the replacement of the retired Office 365
 * connectors: an Adaptive Card (version {@value #CARD_VERSION}; Workflows refuses newer ones) in
 * the envelope the "When a Teams webhook request is received" trigger reads, {@code {"type":
 * "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
 * "contentUrl": null, "content": {AdaptiveCard}}]}}, which its "Post card in a chat or channel"
 * step posts. Workflows understands no MessageCard. The card holds the title (bold TextBlock),
 * the summary, a FactSet (priority, severity, incident, level, labels) and {@code
 * Action.OpenUrl} actions for the links, at full width ({@code msteams.width}).
 *
 * <p>Workflows answers 202 Accepted once the flow is started; whether the flow then posts is not
 * reported back. A card is kept under Teams' message limit ({@value #MESSAGE_MAX_BYTES} bytes of
 * JSON, of the documented 28 KB): long texts are cut and label facts beyond the limit are
 * replaced by one fact counting them, since Teams drops a larger message.
 */
public final class TeamsChannel extends JsonPostChannel {

  static final String CARD_VERSION = "1.4";
  static final String CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
  /** Below Teams' 28 KB message limit, leaving room for what Workflows wraps around the card. */
  static final int MESSAGE_MAX_BYTES = 24 * 1024;
  static final int SUMMARY_MAX = 4000;
  static final int FACT_VALUE_MAX = 500;

  private static final List<String[]> ACTIONS = List.of(
      new String[] {"acknowledge", "Acknowledge"},
      new String[] {"resolve", "Resolve"},
      new String[] {"runbook", "Runbook"},
      new String[] {"incident", "Open incident"});

  public TeamsChannel(String name, TeamsConfig config, Clock clock) {
    super(name, new HttpPoster(config.url(), config.timeouts(), clock, List.of()));
  }

  @Override
  protected Object document(Message message) {
    return payload(message);
  }

  static ObjectNode payload(Message message) {
    NotificationRequest request = message.request();
    ObjectNode root = Json.MAPPER.createObjectNode().put("type", "message");
    ObjectNode attachment = root.putArray("attachments").addObject()
        .put("contentType", CONTENT_TYPE)
        .putNull("contentUrl");
    ObjectNode card = attachment.putObject("content")
        .put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
        .put("type", "AdaptiveCard")
        .put("version", CARD_VERSION);
    card.putObject("msteams").put("width", "Full");
    ArrayNode body = card.putArray("body");
    body.addObject().put("type", "TextBlock").put("text", cut(message.title(), FACT_VALUE_MAX))
        .put("weight", "Bolder").put("size", "Medium").put("wrap", true);
    if (message.digest()) {
      body.addObject().put("type", "TextBlock").put("text", cut(message.body(), MESSAGE_MAX_BYTES / 4)).put("wrap", true);
      return root;
    }
    if (!request.getSummary().isBlank()) {
      body.addObject().put("type", "TextBlock").put("text", cut(request.getSummary(), SUMMARY_MAX)).put("wrap", true);
    }
    ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
    fact(facts, "Priority", request.getPriority().name());
    fact(facts, "Severity", request.getSeverity() == null ? "none" : Rendering.severity(request.getSeverity()));
    fact(facts, "Incident", request.getIncidentId());
    fact(facts, "Level", Integer.toString(request.getLevel()));
    ArrayNode actions = Json.MAPPER.createArrayNode();
    for (String[] action : ACTIONS) {
      String url = request.getLinks().get(action[0]);
      if (url != null) {
        actions.addObject().put("type", "Action.OpenUrl").put("title", action[1]).put("url", url);
      }
    }
    if (!actions.isEmpty()) {
      card.set("actions", actions);
    }
    List<Map.Entry<String, String>> labels = List.copyOf(new TreeMap<>(request.getLabels()).entrySet());
    int shown = 0;
    for (Map.Entry<String, String> label : labels) {
      fact(facts, cut(label.getKey(), FACT_VALUE_MAX), label.getValue());
      if (bytes(root) > MESSAGE_MAX_BYTES) {
        facts.remove(facts.size() - 1);
        break;
      }
      shown++;
    }
    if (shown < labels.size()) {
      fact(facts, "More labels", (labels.size() - shown) + " not shown");
    }
    return root;
  }

  private static void fact(ArrayNode facts, String title, String value) {
    facts.addObject().put("title", title).put("value", cut(value, FACT_VALUE_MAX));
  }

  private static int bytes(ObjectNode document) {
    try {
      return Json.MAPPER.writeValueAsBytes(document).length;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String cut(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = max - 1;
    if (Character.isLowSurrogate(text.charAt(end))) {
      end--;
    }
    return text.substring(0, end) + "…";
  }
}
