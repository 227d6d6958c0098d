package io.pagewire.router.mute;

import java.util.List;

/**
 * Why an alert pages nobody right now, if it does not.
 *
 * @param silencedBy ids of the active silences that match it, sorted; empty when none
 * @param inhibitedBy {@code rule (alert fingerprint)} of an inhibiting alert, or null
 */
public record Mute(List<String> silencedBy, String inhibitedBy) {

  public static final Mute NONE = new Mute(List.of(), null);

  public Mute {
    silencedBy = List.copyOf(silencedBy);
  }

  public boolean silenced() {
    return !silencedBy.isEmpty();
  }

  public boolean inhibited() {
    return inhibitedBy != null;
  }

  public boolean suppressed() {
    return silenced() || inhibited();
  }

  /** For people and the incident's state: {@code silenced by s-1, s-2; inhibited by ...}; null when not suppressed. */
  public String reason() {
    if (!suppressed()) {
      return null;
    }
    String silence = silenced() ? "silenced by " + String.join(", ", silencedBy) : "";
    String inhibit = inhibited() ? "inhibited by " + inhibitedBy : "";
    return silence.isEmpty() ? inhibit : inhibit.isEmpty() ? silence : silence + "; " + inhibit;
  }
}
