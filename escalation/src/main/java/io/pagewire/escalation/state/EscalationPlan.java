package io.pagewire.escalation.state;

import io.pagewire.schemas.IncidentState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Who an incident pages at each escalation step, and how long each step waits. Steps count pages
 * over every loop of the policy: step 1 is paged when the incident opens; step {@code s + 1}
 * {@link #waitAfter} step {@code s} unless someone acknowledged; there are {@link #totalSteps}
 * steps in all.
 */
public interface EscalationPlan {

  /** Steps of the incident's policy over all its loops. */
  int totalSteps(IncidentState incident);

  /** The policy level (1-based) that step {@code step} pages. */
  int levelOfStep(IncidentState incident, int step);

  /** How long after paging step {@code step} the next step is paged. */
  Duration waitAfter(IncidentState incident, int step);

  /** Who step {@code step} pages at {@code now} (on-call is resolved at the time of the page). */
  List<Recipient> recipients(IncidentState incident, int step, Instant now);

  /**
   * One recipient of a page.
   *
   * @param id a user id, or the name of a legacy escalation level
   * @param channels notifier channels; empty: the notifier uses the user's contact methods
   */
  record Recipient(String id, List<String> channels) {
    public Recipient {
      channels = List.copyOf(channels);
    }
  }
}
