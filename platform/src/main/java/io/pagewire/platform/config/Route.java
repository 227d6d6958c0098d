package io.pagewire.platform.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Severity;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One routing rule of {@code classification.routes}, with Alertmanager's route semantics: an alert
 * enters a route when it satisfies the route's {@code matchers}; its children are tried in order
 * and the first that matches wins, unless that child says {@code continue: true}, in which case
 * the following siblings are tried as well. A route none of whose children matches is itself the
 * match. Every setting a route leaves out is inherited from its parent (the top-level routes
 * inherit the {@code classification} defaults); {@code addLabels} are merged, the child winning.
 *
 * @param name shown by {@code routes test} and part of the incident key; default: its position,
 *     {@code routes[0].routes[1]}
 * @param matchers Alertmanager matchers, all of which must hold; none: every alert
 * @param continueMatching {@code continue}: after this route matched, try its next siblings too
 *     (the alert then joins one incident per matching route)
 * @param priority the priority of alerts of this route
 * @param priorityFrom or: a label whose value maps to the priority
 * @param severity incident severity override ({@code SEV-1}..{@code SEV-3}); default: the one the
 *     priority declares
 * @param team owning team, carried on every incident event
 * @param service owning service, carried on every incident event
 * @param escalationPolicy the escalation policy name, carried on every incident event
 * @param groupBy labels whose values, with the route, make the incident key
 * @param addLabels labels added to the alert (where it lacks them) before priority and grouping
 * @param allowPriorityLabel false: an alert's explicit {@code priority} label does not override
 *     this route; default true
 * @param routes child routes, tried in order
 * @param line where the route starts in the configuration file (0 when not read from a file)
 */
@JsonDeserialize(using = Route.Reader.class)
public record Route(
    String name,
    Matchers matchers,
    boolean continueMatching,
    Priority priority,
    PriorityFrom priorityFrom,
    Severity severity,
    String team,
    String service,
    String escalationPolicy,
    List<String> groupBy,
    Map<String, String> addLabels,
    Boolean allowPriorityLabel,
    List<Route> routes,
    int line) {

  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  public Route {
    matchers = matchers != null ? matchers : Matchers.NONE;
    if (priority != null && priorityFrom != null) {
      throw new IllegalArgumentException("a route sets either priority or priorityFrom, not both");
    }
    if (groupBy != null) {
      groupBy = List.copyOf(groupBy);
      groupBy.forEach(label -> requireLabelName(label, "groupBy"));
    }
    if (addLabels != null) {
      addLabels = Map.copyOf(addLabels);
      addLabels.keySet().forEach(label -> requireLabelName(label, "addLabels"));
    }
    routes = routes != null ? List.copyOf(routes) : List.of();
    if (name != null && (name.isBlank() || name.contains("|"))) {
      throw new IllegalArgumentException("route name '" + name + "' must not be blank or contain '|'");
    }
  }

  /**
   * The priority taken from a label's value.
   *
   * @param label the label to read
   * @param map label value (case-insensitive) to priority; a value not in the map leaves the
   *     priority to the defaults (severity label, then {@code defaultPriority})
   */
  public record PriorityFrom(String label, Map<String, Priority> map) {
    public PriorityFrom {
      requireLabelName(label, "priorityFrom.label");
      if (map == null || map.isEmpty()) {
        throw new IllegalArgumentException("priorityFrom needs a map from label values to P0..P4");
      }
      Map<String, Priority> normalized = new LinkedHashMap<>();
      map.forEach((value, priority) -> {
        if (priority == null) {
          throw new IllegalArgumentException("priorityFrom.map." + value + " must be one of P0..P4");
        }
        normalized.put(value.strip().toLowerCase(Locale.ROOT), priority);
      });
      map = Map.copyOf(normalized);
    }

    /** The mapped priority of the label's value, or null. */
    public Priority of(Map<String, String> labels) {
      String value = labels.get(label);
      return value == null ? null : map.get(value.strip().toLowerCase(Locale.ROOT));
    }
  }

  /** {@code SEV-1}, {@code SEV_1}, {@code sev1} and {@code 1} all name SEV-1. */
  static Severity parseSeverity(String text) {
    if (text == null) {
      return null;
    }
    String digits = text.strip().toUpperCase(Locale.ROOT).replace("SEV", "").replace("-", "").replace("_", "");
    return switch (digits) {
      case "1" -> Severity.SEV_1;
      case "2" -> Severity.SEV_2;
      case "3" -> Severity.SEV_3;
      default -> throw new IllegalArgumentException("severity must be SEV-1, SEV-2 or SEV-3, not '" + text + "'");
    };
  }

  private static void requireLabelName(String label, String where) {
    if (label == null || !LABEL_NAME.matcher(label).matches()) {
      throw new IllegalArgumentException(where + ": '" + label + "' is not a valid label name");
    }
  }

  /** The YAML form of a route: what operators write. */
  record Yaml(
      String name,
      Matchers matchers,
      @JsonProperty("continue") Boolean continueMatching,
      Priority priority,
      PriorityFrom priorityFrom,
      String severity,
      String team,
      String service,
      String escalationPolicy,
      List<String> groupBy,
      Map<String, String> addLabels,
      Boolean allowPriorityLabel,
      List<Route> routes) {}

  /**
   * Reads a route and remembers the line it starts on, so that checks needing the whole file
   * (unknown escalation policies, teams) can name the line too; a bad value in the route (a bad
   * regex, both priority and priorityFrom) is reported at the route's first line.
   */
  static final class Reader extends JsonDeserializer<Route> {
    @Override
    public Route deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonLocation start = p.currentTokenLocation();
      Yaml yaml = ctxt.readValue(p, Yaml.class);
      try {
        return new Route(yaml.name(), yaml.matchers(), Boolean.TRUE.equals(yaml.continueMatching()), yaml.priority(),
            yaml.priorityFrom(), parseSeverity(yaml.severity()), yaml.team(), yaml.service(), yaml.escalationPolicy(),
            yaml.groupBy(), yaml.addLabels(), yaml.allowPriorityLabel(), yaml.routes(), start.getLineNr());
      } catch (IllegalArgumentException e) {
        throw new JsonMappingException(p, e.getMessage(), start);
      }
    }
  }
}
