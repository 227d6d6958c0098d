package io.pagewire.escalation.state;

import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.TimelineEvent;
import java.util.List;

/**
 * What one input does to one incident: the state after it and the records to emit, or the reason
 * the input was ignored (then nothing is written).
 *
 * @param state the incident after the input; null when ignored
 * @param notifications requests for the notifier, in order
 * @param timeline timeline events, in order
 * @param ignored why nothing changed; null when applied
 */
public record Transition(
    IncidentState state,
    List<NotificationRequest> notifications,
    List<TimelineEvent> timeline,
    String ignored) {

  public Transition {
    notifications = List.copyOf(notifications);
    timeline = List.copyOf(timeline);
  }

  public static Transition ignored(String reason) {
    return new Transition(null, List.of(), List.of(), reason);
  }

  public boolean applied() {
    return ignored == null;
  }
}
