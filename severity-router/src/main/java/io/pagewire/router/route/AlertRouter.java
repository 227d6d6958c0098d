package io.pagewire.router.route;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.router.classify.Classifier;
import io.pagewire.router.classify.Verdict;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.Priority;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where an alert goes and how much it matters: the routes it matches ({@link RouteTree}), and for
 * each the priority, severity, owner and incident key. Pure and thread-safe.
 *
 * <p>Priority, for the matched route (settings inherited as {@link RouteTree} resolves them):
 *
 * <ol>
 *   <li>the alert's explicit priority label ({@code P0}..{@code P4}), unless the route says
 *       {@code allowPriorityLabel: false};
 *   <li>the route's {@code priority};
 *   <li>the route's {@code priorityFrom} mapping, when the label's value is in the map;
 *   <li>the defaults of the design: the severity label's mapping, else {@code defaultPriority}.
 * </ol>
 *
 * The severity is the route's {@code severity} override, else the one the priority declares.
 */
public final class AlertRouter {

  private final Classifier classifier;
  private final RouteTree tree;
  private final boolean requireRoute;

  public AlertRouter(PagewireConfig.Classification config) {
    this.classifier = new Classifier(config);
    this.tree = new RouteTree(config);
    this.requireRoute = config.requireRoute();
  }

  /**
   * What one matched route makes of an alert.
   *
   * @param route the route, settings resolved
   * @param alert the alert with the route's {@code addLabels} added
   * @param verdict priority, severity and why
   * @param incidentKey the route and the values of its groupBy labels
   */
  public record Routing(RouteTree.Node route, Alert alert, Verdict verdict, String incidentKey) {}

  public RouteTree tree() {
    return tree;
  }

  /** Why the alert cannot be routed, or null when it can. */
  public String unroutable(Alert alert) {
    if (alert.getLabels().isEmpty()) {
      return "alert has no labels";
    }
    if (requireRoute && tree.match(alert.getLabels()).get(0).isDefault()) {
      return "no route matches labels " + alert.getLabels() + " (classification.requireRoute is true)";
    }
    return null;
  }

  /** One routing per matched route, in tree order; empty when {@link #unroutable} says why. */
  public List<Routing> route(Alert alert) {
    if (unroutable(alert) != null) {
      return List.of();
    }
    List<Routing> routings = new ArrayList<>();
    for (RouteTree.Node node : tree.match(alert.getLabels())) {
      routings.add(route(node, alert));
    }
    return routings;
  }

  /** The routing of {@code alert} by the route that keys it as {@code incidentKey}, or null. */
  public Routing route(Alert alert, String incidentKey) {
    for (Routing routing : route(alert)) {
      if (routing.incidentKey().equals(incidentKey)) {
        return routing;
      }
    }
    return null;
  }

  private Routing route(RouteTree.Node node, Alert alert) {
    Alert enriched = alert;
    if (!node.addLabels().isEmpty()) {
      Map<String, String> labels = new LinkedHashMap<>(node.addLabels());
      labels.putAll(alert.getLabels());
      enriched = Alert.newBuilder(alert).setLabels(labels).build();
    }
    Verdict verdict = verdict(node, enriched.getLabels());
    return new Routing(node, enriched, verdict, node.keys().incidentKey(enriched));
  }

  private Verdict verdict(RouteTree.Node node, Map<String, String> labels) {
    String by = node.isDefault() ? "" : "route " + node.name() + ": ";
    Verdict verdict = node.allowPriorityLabel() ? classifier.explicit(labels) : null;
    if (verdict == null && node.priority() != null) {
      verdict = new Verdict(node.priority(), Classifier.severityOf(node.priority()), "priority " + node.priority());
    }
    if (verdict == null && node.priorityFrom() != null) {
      Priority mapped = node.priorityFrom().of(labels);
      if (mapped != null) {
        verdict = new Verdict(mapped, Classifier.severityOf(mapped),
            "label " + node.priorityFrom().label() + "=" + labels.get(node.priorityFrom().label()) + " -> " + mapped);
      }
    }
    if (verdict == null) {
      verdict = classifier.classify(labels, node.allowPriorityLabel());
    }
    if (node.severity() != null && node.severity() != verdict.severity()) {
      return new Verdict(verdict.priority(), node.severity(),
          by + verdict.reason() + ", severity " + node.severity().name().replace('_', '-'));
    }
    return by.isEmpty() ? verdict : new Verdict(verdict.priority(), verdict.severity(), by + verdict.reason());
  }
}
