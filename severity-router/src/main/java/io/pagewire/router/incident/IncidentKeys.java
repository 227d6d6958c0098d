package io.pagewire.router.incident;

import io.pagewire.schemas.Alert;
import io.pagewire.schemas.Ids;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * How alerts are grouped into incidents and how incidents are named. Pure functions.
 *
 * <p>The <b>incident key</b> is made of the configured {@code groupBy} labels that the alert
 * carries, in configuration order: {@code alertname=HighLatency,service=checkout}. Alerts with the
 * same key join one open incident. An alert that carries none of the labels is keyed by its own
 * fingerprint ({@code fingerprint=c75f68922c9ebc87}) so that unrelated unlabelled alerts are not
 * lumped into one incident.
 *
 * <p>The <b>incident id</b> is {@link Ids#incidentId} of the key and the opening time:
 * deterministic, so a replay of the alerts topic reproduces the same ids, and different for each
 * incident of one key because each opens at a different time.
 */
public final class IncidentKeys {

  private final String route;
  private final List<String> groupBy;

  /** Keys of the default route: no route prefix. */
  public IncidentKeys(List<String> groupBy) {
    this(null, groupBy);
  }

  /**
   * Keys of route {@code route}: {@code route|alertname=X,service=Y}. A null route (the default
   * route) leaves the prefix out, so incidents keyed before routes existed keep their keys.
   */
  public IncidentKeys(String route, List<String> groupBy) {
    this.route = route;
    this.groupBy = List.copyOf(groupBy);
  }

  /**
   * The grouping key of an alert, e.g. {@code alertname=HighLatency,service=checkout}, or
   * {@code db|alertname=HighLatency,cluster=eu-1} for route {@code db}.
   */
  public String incidentKey(Alert alert) {
    StringJoiner key = new StringJoiner(",");
    groupLabels(alert).forEach((label, value) -> key.add(label + "=" + value));
    String labels = key.length() > 0 ? key.toString() : "fingerprint=" + alert.getFingerprint();
    return route == null ? labels : route + "|" + labels;
  }

  /** The incident id of the incident of {@code incidentKey} opened at {@code openedAtMillis}: {@link Ids#incidentId}. */
  public static String incidentId(String incidentKey, long openedAtMillis) {
    return Ids.incidentId(incidentKey, openedAtMillis);
  }

  /**
   * The title of an incident opened by {@code alert}: its {@code summary} annotation, else the
   * values of its incident key joined by spaces ({@code HighLatency checkout}).
   */
  public String title(Alert alert) {
    String summary = alert.getAnnotations().get("summary");
    if (summary != null && !summary.isBlank()) {
      return summary;
    }
    Map<String, String> labels = groupLabels(alert);
    return labels.isEmpty() ? alert.getFingerprint() : String.join(" ", labels.values());
  }

  /** The groupBy labels the alert carries, in configuration order. */
  private Map<String, String> groupLabels(Alert alert) {
    Map<String, String> present = new LinkedHashMap<>();
    for (String label : groupBy) {
      String value = alert.getLabels().get(label);
      if (value != null) {
        present.put(label, value);
      }
    }
    return present;
  }

}
