package io.pagewire.notifier.template;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import io.pagewire.notifier.channel.Message;
import io.pagewire.notifier.channel.Rendering;
import io.pagewire.platform.config.ConfigException;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.NotificationRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders {@code notifier.templates} (Mustache, with JMustache) into messages. Templates are
 * compiled at start-up, so a template that does not parse fails there, naming the key. A variable
 * a request does not carry renders empty (severity for P3/P4, a missing link), never as an error.
 */
public final class Templates {

  /** The most pages a digest lists one by one; the rest are counted. */
  static final int DIGEST_LINES = 50;

  private final Template title;
  private final Template body;

  public Templates(PagewireConfig.Templates config) {
    this.title = compile("notifier.templates.title", config.title());
    this.body = compile("notifier.templates.body", config.body());
  }

  /** The default templates of {@link PagewireConfig.Templates}. */
  public static Templates defaults() {
    return new Templates(new PagewireConfig.Templates(null, null));
  }

  private static Template compile(String key, String text) {
    try {
      return Mustache.compiler().escapeHTML(false).defaultValue("").compile(text);
    } catch (MustacheException e) {
      throw new ConfigException(key + ": " + e.getMessage());
    }
  }

  public Message render(NotificationRequest request, String to) {
    Map<String, Object> context = context(request);
    return new Message(request, to, title.execute(context).strip(), body.execute(context).strip(), List.of());
  }

  /**
   * One message standing for many pages to the same recipient: the title counts them, the body
   * lists each as its rendered title line.
   */
  public Message digest(List<NotificationRequest> requests, String recipient, String to) {
    if (requests.size() < 2) {
      throw new IllegalArgumentException("a digest bundles at least two notifications");
    }
    StringBuilder text = new StringBuilder()
        .append(requests.size()).append(" notifications for ").append(recipient)
        .append(" were held back by the rate limit and are bundled here:\n");
    for (int i = 0; i < requests.size() && i < DIGEST_LINES; i++) {
      NotificationRequest request = requests.get(i);
      text.append("- ").append(title.execute(context(request)).strip())
          .append(" [").append(request.getNotificationId()).append("]");
      String ack = request.getLinks().get("acknowledge");
      if (ack != null) {
        text.append(" ack: ").append(ack);
      }
      text.append('\n');
    }
    if (requests.size() > DIGEST_LINES) {
      text.append("... and ").append(requests.size() - DIGEST_LINES).append(" more\n");
    }
    String heading = "[DIGEST] " + requests.size() + " notifications for " + recipient;
    return new Message(requests.get(0), to, heading, text.toString().strip(), requests);
  }

  static Map<String, Object> context(NotificationRequest request) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("kind", request.getKind().name());
    context.put("priority", request.getPriority().name());
    context.put("severity", Rendering.severity(request.getSeverity()));
    context.put("title", request.getTitle());
    context.put("summary", request.getSummary().isBlank() ? null : request.getSummary());
    context.put("incidentId", request.getIncidentId());
    context.put("level", request.getLevel());
    context.put("recipient", request.getRecipient());
    context.put("notificationId", request.getNotificationId());
    context.put("labels", new TreeMap<>(request.getLabels()).entrySet().stream()
        .map(e -> Map.of("name", e.getKey(), "value", e.getValue())).toList());
    Map<String, Object> links = new LinkedHashMap<>();
    for (String name : List.of("acknowledge", "resolve", "incident", "runbook")) {
      links.put(name, null);
    }
    links.putAll(request.getLinks());
    context.put("links", links);
    return context;
  }
}
