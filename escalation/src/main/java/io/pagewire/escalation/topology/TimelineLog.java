package io.pagewire.escalation.topology;

import io.pagewire.schemas.IncidentTimeline;
import io.pagewire.schemas.TimelineEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The bounded copy of an incident's timeline that the incidents API shows: the first
 * {@value #HEAD} events (how it began) and the latest ones, {@value #MAX} in all; events dropped
 * from the middle are counted. The topic {@code pagewire.incident-timeline} keeps every event.
 */
final class TimelineLog {

  static final int MAX = 500;
  static final int HEAD = 50;

  private TimelineLog() {}

  static IncidentTimeline append(IncidentTimeline current, String incidentId, List<TimelineEvent> added) {
    List<TimelineEvent> events = new ArrayList<>(current != null ? current.getEvents() : List.of());
    int dropped = current != null ? current.getDropped() : 0;
    events.addAll(added);
    while (events.size() > MAX) {
      events.remove(HEAD);
      dropped++;
    }
    return IncidentTimeline.newBuilder().setIncidentId(incidentId).setEvents(events).setDropped(dropped).build();
  }
}
