package io.pagewire.notifier.template;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import io.pagewire.notifier.channel.Message;
import io.pagewire.notifier.channel.Rendering;
import io.pagewire.platform.config.ConfigException;
import io.pagewire.platform.config.ConfigProblem;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.NotificationRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Renders {@code notifier.templates} (Mustache, with JMustache) into messages. Templates are
 * compiled at start-up and by {@code pagewire check-config} ({@link #check}), so a template that
 * does not parse, or that names a variable Pagewire never provides (a typo would otherwise render
 * empty on every page), fails there, naming the key. A known variable a request does not carry
 * renders empty (severity for P3/P4, a missing link), never as an error.
 */
public final class Templates {

  /** The most pages a digest lists one by one; the rest are counted. */
  static final int DIGEST_LINES = 50;

  /** Every name {@link #context} provides; {@code name} and {@code value} are a label's, in {@code {{#labels}}}. */
  static final Set<String> VARIABLES = Set.of("kind", "priority", "severity", "title", "summary", "incidentId",
      "level", "recipient", "notificationId", "labels", "name", "value", "links", "links.acknowledge",
      "links.resolve", "links.incident", "links.runbook", ".", "this");

  private final Template title;
  private final Template body;

  /** @throws ConfigException naming the key of a template that {@link #check} refuses */
  public Templates(PagewireConfig.Templates config) {
    this.title = compile("notifier.templates.title", config.title());
    this.body = compile("notifier.templates.body", config.body());
  }

  /** The problems of {@code notifier.templates}, for {@code ConfigLoader} (file and line) and {@code check-config}. */
  public static List<ConfigProblem> check(PagewireConfig config) {
    List<ConfigProblem> problems = new ArrayList<>();
    problem("notifier.templates.title", config.notifier().templates().title()).ifPresent(problems::add);
    problem("notifier.templates.body", config.notifier().templates().body()).ifPresent(problems::add);
    return problems;
  }

  /** The default templates of {@link PagewireConfig.Templates}. */
  public static Templates defaults() {
    return new Templates(new PagewireConfig.Templates(null, null));
  }

  private static Template compile(String key, String text) {
    problem(key, text).ifPresent(problem -> {
      throw new ConfigException(problem.toString());
    });
    return Mustache.compiler().escapeHTML(false).defaultValue("").compile(text);
  }

  private static Optional<ConfigProblem> problem(String key, String text) {
    Template template;
    try {
      template = Mustache.compiler().escapeHTML(false).defaultValue("").compile(text);
    } catch (MustacheException e) {
      return Optional.of(new ConfigProblem(key, e.getMessage()));
    }
    Set<String> unknown = new TreeSet<>();
    template.visit(new Mustache.Visitor() {
      @Override
      public void visitText(String text) {}

      @Override
      public void visitVariable(String name) {
        note(name);
      }

      @Override
      public boolean visitInclude(String name) {
        unknown.add(">" + name);
        return false;
      }

      @Override
      public boolean visitSection(String name) {
        note(name);
        return true;
      }

      @Override
      public boolean visitInvertedSection(String name) {
        note(name);
        return true;
      }

      private void note(String name) {
        if (!VARIABLES.contains(name)) {
          unknown.add(name);
        }
      }
    });
    if (unknown.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ConfigProblem(key, "unknown variable" + (unknown.size() > 1 ? "s " : " ")
        + unknown.stream().map(name -> "'" + name + "'").collect(Collectors.joining(", "))
        + " (known: " + String.join(", ", new TreeSet<>(VARIABLES.stream().filter(v -> !v.equals(".") && !v.equals("this")).toList())) + ")"));
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
