package io.pagewire.router.route;

import io.pagewire.platform.config.Matchers;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.config.Route;
import io.pagewire.router.incident.IncidentKeys;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routing tree of {@code classification.routes}, resolved once at start: every route knows
 * its effective settings (its own, else its parent's, else the classification defaults), so
 * matching an alert is a walk of matchers only.
 *
 * <p>Matching follows Alertmanager's {@code dispatch.Route.Match}: a route whose matchers fail
 * matches nothing; otherwise its children are tried in order, each child's matches are
 * collected, and the walk stops after the first child that matched unless that child has
 * {@code continue: true}; a route none of whose children matched is itself the match. The
 * implicit root ({@value #DEFAULT_ROUTE}) has no matchers and carries the defaults, so every
 * alert matches at least the root.
 */
public final class RouteTree {

  /** Name of the implicit root route: the alert matched no configured route. */
  public static final String DEFAULT_ROUTE = "default";

  /**
   * A route with its settings resolved through inheritance.
   *
   * @param name the route's name, or its path ({@code routes[0].routes[1]}) when unnamed
   * @param line where it starts in the configuration file; 0 for the root
   * @param matchers its own matchers (its ancestors' matched already)
   * @param priority fixed priority, or null
   * @param priorityFrom label mapping, or null (at most one of the two is set)
   * @param severity severity override, or null
   * @param allowPriorityLabel whether an alert's priority label wins over this route
   * @param addLabels labels added to alerts that lack them
   * @param keys how incidents of this route are keyed and titled
   */
  public record Node(
      String name,
      int line,
      Matchers matchers,
      boolean continueMatching,
      Priority priority,
      Route.PriorityFrom priorityFrom,
      Severity severity,
      String team,
      String service,
      String escalationPolicy,
      List<String> groupBy,
      Map<String, String> addLabels,
      boolean allowPriorityLabel,
      IncidentKeys keys,
      List<Node> children) {

    public boolean isDefault() {
      return name.equals(DEFAULT_ROUTE);
    }
  }

  private final Node root;

  public RouteTree(PagewireConfig.Classification config) {
    Node defaults = new Node(DEFAULT_ROUTE, 0, Matchers.NONE, false, null, null, null, null, null, null,
        config.groupBy(), Map.of(), true, new IncidentKeys(null, config.groupBy()), List.of());
    List<Node> children = new ArrayList<>();
    for (int i = 0; i < config.routes().size(); i++) {
      children.add(resolve(config.routes().get(i), defaults, "routes[" + i + "]"));
    }
    this.root = new Node(defaults.name(), 0, Matchers.NONE, false, null, null, null, null, null, null,
        defaults.groupBy(), Map.of(), true, defaults.keys(), List.copyOf(children));
  }

  public Node root() {
    return root;
  }

  /**
   * The routes an alert with these labels belongs to, in tree order: at least one (the root when
   * no configured route matches).
   */
  public List<Node> match(Map<String, String> labels) {
    List<Node> matched = match(root, labels);
    return matched == null ? List.of(root) : matched;
  }

  private static List<Node> match(Node node, Map<String, String> labels) {
    if (!node.matchers().matches(labels)) {
      return null;
    }
    List<Node> all = new ArrayList<>();
    for (Node child : node.children()) {
      List<Node> matches = match(child, labels);
      if (matches != null) {
        all.addAll(matches);
        if (!child.continueMatching()) {
          break;
        }
      }
    }
    if (all.isEmpty()) {
      all.add(node);
    }
    return all;
  }

  private static Node resolve(Route route, Node parent, String path) {
    String name = route.name() != null ? route.name() : path;
    boolean ownsPriority = route.priority() != null || route.priorityFrom() != null;
    List<String> groupBy = route.groupBy() != null ? route.groupBy() : parent.groupBy();
    Map<String, String> addLabels = new LinkedHashMap<>(parent.addLabels());
    if (route.addLabels() != null) {
      addLabels.putAll(route.addLabels());
    }
    List<Node> children = new ArrayList<>();
    Node self = new Node(name, route.line(), route.matchers(), route.continueMatching(),
        ownsPriority ? route.priority() : parent.priority(),
        ownsPriority ? route.priorityFrom() : parent.priorityFrom(),
        route.severity() != null ? route.severity() : parent.severity(),
        route.team() != null ? route.team() : parent.team(),
        route.service() != null ? route.service() : parent.service(),
        route.escalationPolicy() != null ? route.escalationPolicy() : parent.escalationPolicy(),
        groupBy,
        Map.copyOf(addLabels),
        route.allowPriorityLabel() != null ? route.allowPriorityLabel() : parent.allowPriorityLabel(),
        new IncidentKeys(name, groupBy),
        children);
    for (int i = 0; i < route.routes().size(); i++) {
      children.add(resolve(route.routes().get(i), self, path + ".routes[" + i + "]"));
    }
    return self;
  }
}
