package io.pagewire.escalation.state;

import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.IncidentStatusUpdate;
import java.time.Instant;

/**
 * The authoritative status of an incident as {@code pagewire.incident-status} publishes it: one
 * {@link IncidentStatusUpdate} per change of {@link IncidentState#getStatus()} (opening counts as
 * the change to triggered), numbered by {@link IncidentState#getVersion()}, one more each time.
 * Readers keep the highest version they saw and ignore lower ones; they never compare times.
 */
public final class StatusUpdates {

  private StatusUpdates() {}

  /**
   * The update that the transition from {@code before} (null: the incident is new) to
   * {@code after} makes, or null when the status stayed the same.
   *
   * @param actor who made the change (a command's actor); null for the system (the router, a timer)
   * @param at when the change happened: the input's time
   */
  public static IncidentStatusUpdate change(IncidentState before, IncidentState after, String actor, Instant at) {
    if (before != null && before.getStatus() == after.getStatus()) {
      return null;
    }
    long version = (before != null ? before.getVersion() : after.getVersion()) + 1;
    return IncidentStatusUpdate.newBuilder()
        .setIncidentId(after.getIncidentId())
        .setIncidentKey(after.getIncidentKey())
        .setStatus(after.getStatus())
        .setVersion(version)
        .setPagesSent(after.getPagesSent())
        .setActor(actor)
        .setAt(at)
        .build();
  }

  /**
   * Sets the version of {@code update} on {@code state}, the transition's new state, as it must be
   * stored with it. In place: a copy through the builder deep-copies the whole state, which was
   * 5% of escalation's stream thread on openings (JFR).
   */
  public static void stamp(IncidentState state, IncidentStatusUpdate update) {
    state.setVersion(update.getVersion());
  }
}
