package io.pagewire.router.classify;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Severity;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Gives an alert its priority from its labels, by the default table of the configuration
 * ({@code classification}):
 *
 * <ol>
 *   <li>an explicit priority label ({@code priority=P0}..{@code P4}, case-insensitive) wins;
 *   <li>else the severity label's value is looked up in {@code severityToPriority}
 *       (case-insensitive: {@code critical} → P0, {@code warning} → P1, {@code error} → P2,
 *       {@code info} → P3 by default);
 *   <li>else, with no severity label or a value the table does not know, the default priority
 *       (P2), and the reason says which of the two it was.
 * </ol>
 *
 * <p>A priority label that is not {@code P0}..{@code P4} is ignored (and the reason mentions it),
 * so a typo cannot hide the severity label. Pure and thread-safe.
 */
public final class Classifier {

  private final String severityLabel;
  private final String priorityLabel;
  private final Map<String, Priority> severityToPriority;
  private final Priority defaultPriority;

  public Classifier(PagewireConfig.Classification config) {
    this.severityLabel = config.severityLabel();
    this.priorityLabel = config.priorityLabel();
    Map<String, Priority> table = new HashMap<>();
    config.severityToPriority().forEach((value, priority) -> table.put(normalize(value), priority));
    this.severityToPriority = Map.copyOf(table);
    this.defaultPriority = config.defaultPriority();
  }

  /** Classifies an alert by its labels; never fails, whatever the labels hold. */
  public Verdict classify(Map<String, String> labels) {
    return classify(labels, true);
  }

  /**
   * The explicit priority label's verdict, or null when the alert has none or it is not
   * {@code P0}..{@code P4}.
   */
  public Verdict explicit(Map<String, String> labels) {
    String explicit = labels.get(priorityLabel);
    Priority priority = explicit == null ? null : parsePriority(explicit);
    return priority == null ? null : verdict(priority, "label " + priorityLabel + "=" + explicit);
  }

  /**
   * Classifies by the severity label and the default priority only; the explicit priority label
   * is consulted only when {@code allowPriorityLabel} (a route may forbid it).
   */
  public Verdict classify(Map<String, String> labels, boolean allowPriorityLabel) {
    String ignored = "";
    String explicit = allowPriorityLabel ? labels.get(priorityLabel) : null;
    if (explicit != null) {
      Priority priority = parsePriority(explicit);
      if (priority != null) {
        return verdict(priority, "label " + priorityLabel + "=" + explicit);
      }
      ignored = " (ignored unknown " + priorityLabel + "=" + explicit + ")";
    }
    String severity = labels.get(severityLabel);
    if (severity == null) {
      return verdict(defaultPriority, "no " + severityLabel + " label: default " + defaultPriority + ignored);
    }
    Priority mapped = severityToPriority.get(normalize(severity));
    if (mapped == null) {
      return verdict(defaultPriority,
          "unknown " + severityLabel + "=" + severity + ": default " + defaultPriority + ignored);
    }
    return verdict(mapped, "label " + severityLabel + "=" + severity + ignored);
  }

  /** The incident severity a priority declares: P0 → SEV-1, P1 → SEV-2, P2 → SEV-3, none below. */
  public static Severity severityOf(Priority priority) {
    return switch (priority) {
      case P0 -> Severity.SEV_1;
      case P1 -> Severity.SEV_2;
      case P2 -> Severity.SEV_3;
      case P3, P4 -> null;
    };
  }

  static Verdict verdict(Priority priority, String reason) {
    return new Verdict(priority, severityOf(priority), reason);
  }

  private static Priority parsePriority(String value) {
    String candidate = value.trim().toUpperCase(Locale.ROOT);
    for (Priority priority : Priority.values()) {
      if (priority.name().equals(candidate)) {
        return priority;
      }
    }
    return null;
  }

  private static String normalize(String value) {
    return value.trim().toLowerCase(Locale.ROOT);
  }
}
