package io.pagewire.router.mute;

import io.pagewire.platform.config.InhibitRule;
import io.pagewire.platform.config.LabelMatcher;
import io.pagewire.platform.config.Matchers;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.Silence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether an alert is silenced or inhibited at a given time, from the silences and the
 * inhibiting alerts the caller hands in. Pure apart from a cache of parsed silence matchers.
 *
 * <p>A silence is active from {@code startsAt} (inclusive) to {@code endsAt} (exclusive), as in
 * Alertmanager. Inhibition follows Alertmanager: a firing source alert (not the target itself)
 * matching a rule's source matchers, with equal values of the rule's {@code equal} labels,
 * inhibits every alert matching the rule's target matchers.
 */
public final class Suppressions {

  private final List<InhibitRule> rules;
  private final Map<List<String>, Matchers> parsed = new ConcurrentHashMap<>();

  public Suppressions(List<InhibitRule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** True when some inhibit rule's source matchers match: the alert must be published as inhibiting. */
  public boolean canInhibit(Map<String, String> labels) {
    for (InhibitRule rule : rules) {
      if (rule.sourceMatchers().matches(labels)) {
        return true;
      }
    }
    return false;
  }

  public boolean hasRules() {
    return !rules.isEmpty();
  }

  public static boolean active(Silence silence, Instant now) {
    return !now.isBefore(silence.getStartsAt()) && now.isBefore(silence.getEndsAt());
  }

  /**
   * The mute of an alert with {@code labels} and {@code fingerprint} at {@code now}.
   *
   * @param silences every known silence (active or not)
   * @param inhibiting the firing alerts that can inhibit
   */
  public Mute of(Map<String, String> labels, String fingerprint, Iterable<Silence> silences,
      Iterable<Alert> inhibiting, Instant now) {
    List<String> silencedBy = new ArrayList<>();
    for (Silence silence : silences) {
      if (active(silence, now) && matchers(silence).matches(labels)) {
        silencedBy.add(silence.getId());
      }
    }
    silencedBy.sort(null);
    return new Mute(silencedBy, inhibitor(labels, fingerprint, inhibiting));
  }

  private String inhibitor(Map<String, String> labels, String fingerprint, Iterable<Alert> inhibiting) {
    if (rules.isEmpty()) {
      return null;
    }
    for (int i = 0; i < rules.size(); i++) {
      InhibitRule rule = rules.get(i);
      if (!rule.targetMatchers().matches(labels)) {
        continue;
      }
      for (Alert source : inhibiting) {
        if (source.getStatus() == AlertStatus.FIRING && !source.getFingerprint().equals(fingerprint)
            && rule.inhibits(source.getLabels(), labels)) {
          String name = rule.name() != null ? rule.name() : "inhibitRules[" + i + "]";
          return name + " (alert " + source.getFingerprint() + ")";
        }
      }
    }
    return null;
  }

  /** Parsed once per distinct matcher list; matchers were checked when the silence was created. */
  public Matchers matchers(Silence silence) {
    return parsed.computeIfAbsent(List.copyOf(silence.getMatchers()), texts -> {
      try {
        return Matchers.parse(texts);
      } catch (IllegalArgumentException e) {
        // Written past the API (which checks matchers): such a silence must silence nothing.
        return NEVER;
      }
    });
  }

  // A label's value is "" or more: no value is both empty and not empty (RE2 has no "(?!)").
  private static final Matchers NEVER = new Matchers(List.of(
      LabelMatcher.of("__never__", LabelMatcher.Op.EQUAL, ""), LabelMatcher.of("__never__", LabelMatcher.Op.NOT_EQUAL, "")));
}
