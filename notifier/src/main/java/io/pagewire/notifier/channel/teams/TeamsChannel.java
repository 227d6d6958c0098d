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
 * Posts an Adaptive Card (version {@value #CARD_VERSION}) in the envelope Teams webhooks expect:
 * {@code {"type": "message", "attachments": [{"contentType":
 * "application/vnd.microsoft.card.adaptive", "contentUrl": null, "content": {AdaptiveCard}}]}}.
 * The card holds the title (bold TextBlock), the summary, a FactSet (priority, severity,
 * incident, level, labels) and {@code Action.OpenUrl} actions for the links.
 */
public final class TeamsChannel extends JsonPostChannel {

  static final String CARD_VERSION = "1.4";
  static final String CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";

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
    ArrayNode body = card.putArray("body");
    body.addObject().put("type", "TextBlock").put("text", message.title()).put("weight", "Bolder").put("size", "Medium").put("wrap", true);
    if (message.digest()) {
      body.addObject().put("type", "TextBlock").put("text", message.body()).put("wrap", true);
      return root;
    }
    if (!request.getSummary().isBlank()) {
      body.addObject().put("type", "TextBlock").put("text", request.getSummary()).put("wrap", true);
    }
    ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
    fact(facts, "Priority", request.getPriority().name());
    fact(facts, "Severity", request.getSeverity() == null ? "none" : Rendering.severity(request.getSeverity()));
    fact(facts, "Incident", request.getIncidentId());
    fact(facts, "Level", Integer.toString(request.getLevel()));
    new TreeMap<>(request.getLabels()).forEach((label, value) -> fact(facts, label, value));
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
    return root;
  }

  private static void fact(ArrayNode facts, String title, String value) {
    facts.addObject().put("title", title).put("value", value);
  }
}
