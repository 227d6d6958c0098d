package io.pagewire.notifier.channel.slack;

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
import java.util.stream.Collectors;

/**
 * Posts to a Slack incoming webhook with Block Kit: a {@code header} (the rendered title), a
 * {@code section} with Priority/Severity/Incident/Level fields, a {@code section} with the
 * summary, a {@code context} with the labels, and an {@code actions} block of link buttons
 * (Acknowledge {@code primary}, Resolve {@code danger}, Runbook, Incident). The top-level
 * {@code text} is the notification fallback. A digest is a header and one section with the list.
 * Slack answers 200 {@code ok}, 400 {@code invalid_payload} (permanent), 429 with Retry-After.
 */
public final class SlackChannel extends JsonPostChannel {

  /** Slack's limit for a header block's text. */
  static final int HEADER_MAX = 150;
  /** Slack's limit for a section's text. */
  static final int SECTION_MAX = 3000;

  private static final List<String[]> BUTTONS = List.of(
      new String[] {"acknowledge", "Acknowledge", "primary"},
      new String[] {"resolve", "Resolve", "danger"},
      new String[] {"runbook", "Runbook", null},
      new String[] {"incident", "Open incident", null});

  public SlackChannel(String name, SlackConfig config, Clock clock) {
    super(name, new HttpPoster(config.url(), config.timeouts(), clock, List.of()));
  }

  @Override
  protected Object document(Message message) {
    return payload(message);
  }

  static ObjectNode payload(Message message) {
    NotificationRequest request = message.request();
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("text", message.title());
    ArrayNode blocks = root.putArray("blocks");
    ObjectNode header = blocks.addObject().put("type", "header");
    header.putObject("text").put("type", "plain_text").put("text", cut(message.title(), HEADER_MAX));
    if (message.digest()) {
      blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", cut(message.body(), SECTION_MAX));
      return root;
    }
    ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
    field(fields, "Priority", request.getPriority().name());
    field(fields, "Severity", request.getSeverity() == null ? "none" : Rendering.severity(request.getSeverity()));
    field(fields, "Incident", request.getIncidentId());
    field(fields, "Level", Integer.toString(request.getLevel()));
    if (!request.getSummary().isBlank()) {
      blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", cut(request.getSummary(), SECTION_MAX));
    }
    if (!request.getLabels().isEmpty()) {
      String labels = new TreeMap<>(request.getLabels()).entrySet().stream()
          .map(e -> "`" + e.getKey() + "=" + e.getValue() + "`").collect(Collectors.joining(" "));
      blocks.addObject().put("type", "context").putArray("elements").addObject().put("type", "mrkdwn").put("text", labels);
    }
    ArrayNode buttons = Json.MAPPER.createArrayNode();
    for (String[] button : BUTTONS) {
      String url = request.getLinks().get(button[0]);
      if (url != null) {
        ObjectNode b = buttons.addObject().put("type", "button").put("action_id", button[0]).put("url", url);
        b.putObject("text").put("type", "plain_text").put("text", button[1]);
        if (button[2] != null) {
          b.put("style", button[2]);
        }
      }
    }
    if (!buttons.isEmpty()) {
      blocks.addObject().put("type", "actions").set("elements", buttons);
    }
    return root;
  }

  private static void field(ArrayNode fields, String label, String value) {
    fields.addObject().put("type", "mrkdwn").put("text", "*" + label + "*\n" + value);
  }

  private static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
