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
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Posts to a Slack incoming webhook with Block Kit: a {@code header} (the rendered title), a
 * {@code section} with Priority/Severity/Incident/Level fields, a {@code section} with the
 * summary, a {@code context} with the labels, and an {@code actions} block of link buttons
 * (Acknowledge {@code primary}, Resolve {@code danger}, Runbook, Incident). The top-level
 * {@code text} is the notification fallback. A digest is a header and sections listing each
 * bundled page with its Acknowledge link. Slack answers 200 {@code ok}, 400 {@code
 * invalid_payload} (permanent), 429 with Retry-After.
 *
 * <p>Alert text never becomes Slack markup: every label, annotation and title in {@code mrkdwn}
 * or in the top-level {@code text} is escaped ({@link SlackText}) and marked {@code verbatim}, so
 * {@code <!channel>}, {@code <@U123>} or a disguised link in an alert shows as the text it is.
 * Every part stays within Slack's documented limits, because one text over a limit makes Slack
 * refuse the whole message with 400 (a lost page): header text {@value #HEADER_MAX}, section text
 * {@value #SECTION_MAX}, field text {@value #FIELD_MAX}, context element text {@value #SECTION_MAX},
 * button URL {@value #URL_MAX} (a longer link gets no button), at most {@value #MAX_BLOCKS}
 * blocks, top-level text {@value #TEXT_MAX}.
 */
public final class SlackChannel extends JsonPostChannel {

  /** Slack's limit for a header block's text. */
  static final int HEADER_MAX = 150;
  /** Slack's limit for a section's text, and for any text object. */
  static final int SECTION_MAX = 3000;
  /** Slack's limit for the text of one section field. */
  static final int FIELD_MAX = 2000;
  /** Slack's limit for a button's URL. */
  static final int URL_MAX = 3000;
  /** Slack's limit of blocks in one message. */
  static final int MAX_BLOCKS = 50;
  /** Slack truncates a message's top-level text beyond this. */
  static final int TEXT_MAX = 40_000;
  /**
   * The most text a digest puts in its sections. Below what Slack documents per message, because
   * Slack has been seen to refuse messages with {@code msg_blocks_too_long} from about 13,000
   * characters of blocks although every documented limit held (slackapi/bolt-js#2509).
   */
  static final int DIGEST_TEXT_MAX = 12_000;

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
    root.put("text", SlackText.mrkdwn(message.title(), TEXT_MAX));
    ArrayNode blocks = root.putArray("blocks");
    ObjectNode header = blocks.addObject().put("type", "header");
    // plain_text is never parsed for mentions or links, so it is sent as it is.
    header.putObject("text").put("type", "plain_text").put("text", SlackText.cut(message.title(), HEADER_MAX));
    if (message.digest()) {
      digest(blocks, message.bundled());
      return root;
    }
    ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
    field(fields, "Priority", request.getPriority().name());
    field(fields, "Severity", request.getSeverity() == null ? "none" : Rendering.severity(request.getSeverity()));
    field(fields, "Incident", request.getIncidentId());
    field(fields, "Level", Integer.toString(request.getLevel()));
    if (!request.getSummary().isBlank()) {
      mrkdwn(blocks.addObject().put("type", "section").putObject("text"), SlackText.mrkdwn(request.getSummary(), SECTION_MAX));
    }
    if (!request.getLabels().isEmpty()) {
      String labels = new TreeMap<>(request.getLabels()).entrySet().stream()
          .map(e -> "`" + SlackText.escape(e.getKey() + "=" + e.getValue()) + "`").collect(Collectors.joining(" "));
      mrkdwn(blocks.addObject().put("type", "context").putArray("elements").addObject(), SlackText.cut(labels, SECTION_MAX));
    }
    ArrayNode buttons = Json.MAPPER.createArrayNode();
    for (String[] button : BUTTONS) {
      String url = request.getLinks().get(button[0]);
      if (url != null && url.length() <= URL_MAX) {
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

  /**
   * One line per bundled page (priority, title, id, Acknowledge link), packed into sections of
   * at most {@value #SECTION_MAX} characters, within {@value #MAX_BLOCKS} blocks and {@value
   * #DIGEST_TEXT_MAX} characters; pages that do not fit are counted in a last context block.
   */
  private static void digest(ArrayNode blocks, List<NotificationRequest> bundled) {
    int sectionsMax = MAX_BLOCKS - 2; // the header before, the count of the rest after
    int used = 0;
    int listed = 0;
    StringBuilder section = new StringBuilder();
    for (NotificationRequest request : bundled) {
      String line = SlackText.cut(line(request), SECTION_MAX);
      int sections = blocks.size() - 1;
      boolean fitsSection = section.length() + 1 + line.length() <= SECTION_MAX;
      if (used + line.length() > DIGEST_TEXT_MAX || !fitsSection && sections + 1 >= sectionsMax) {
        break;
      }
      if (!fitsSection) {
        mrkdwn(blocks.addObject().put("type", "section").putObject("text"), section.toString());
        section.setLength(0);
      }
      section.append(section.length() == 0 ? "" : "\n").append(line);
      used += line.length() + 1;
      listed++;
    }
    if (section.length() > 0) {
      mrkdwn(blocks.addObject().put("type", "section").putObject("text"), section.toString());
    }
    if (listed < bundled.size()) {
      mrkdwn(blocks.addObject().put("type", "context").putArray("elements").addObject(),
          "… and " + (bundled.size() - listed) + " more");
    }
  }

  private static String line(NotificationRequest request) {
    StringBuilder line = new StringBuilder("• *").append(request.getPriority().name()).append("* ")
        .append(SlackText.escape(request.getTitle()))
        .append(" `").append(SlackText.escape(request.getNotificationId())).append('`');
    String ack = request.getLinks().get("acknowledge");
    if (ack != null && ack.length() <= URL_MAX && ack.indexOf('|') < 0) {
      line.append(" <").append(SlackText.escape(ack)).append("|Acknowledge>");
    }
    return line.toString();
  }

  private static void field(ArrayNode fields, String label, String value) {
    String prefix = "*" + label + "*\n";
    mrkdwn(fields.addObject(), prefix + SlackText.mrkdwn(value, FIELD_MAX - prefix.length()));
  }

  /** A mrkdwn text object whose alert text Slack must not rewrite (no auto-linked names or mentions). */
  private static void mrkdwn(ObjectNode object, String text) {
    object.put("type", "mrkdwn").put("text", text).put("verbatim", true);
  }
}
