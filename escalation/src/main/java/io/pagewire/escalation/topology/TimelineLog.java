package io.pagewire.escalation.topology;

import io.pagewire.escalation.state.TextBounds;
import io.pagewire.schemas.IncidentTimeline;
import io.pagewire.schemas.TimelineEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The bounded copy of an incident's timeline that the incidents API shows: the first
 * {@value #HEAD} events (how it began) and the latest ones, {@value #MAX} in all; events dropped
 * from the middle are counted. Each event's detail is cut to
 * {@link TextBounds#TIMELINE_DETAIL_BYTES} here, so the copy has a fixed byte bound (the other
 * fields are ids, names and times). The topic {@code pagewire.incident-timeline} keeps every
 * event whole.
 */
final class TimelineLog {

  static final int MAX = 500;
  static final int HEAD = 50;

  private TimelineLog() {}

  static IncidentTimeline append(IncidentTimeline current, String incidentId, List<TimelineEvent> added) {
    List<TimelineEvent> events = new ArrayList<>(current != null ? current.getEvents() : List.of());
    int dropped = current != null ? current.getDropped() : 0;
    for (TimelineEvent event : added) {
      String detail = TextBounds.truncate(event.getDetail(), TextBounds.TIMELINE_DETAIL_BYTES);
      events.add(detail.equals(event.getDetail()) ? event : TimelineEvent.newBuilder(event).setDetail(detail).build());
    }
    while (events.size() > MAX) {
      events.remove(HEAD);
      dropped++;
    }
    return IncidentTimeline.newBuilder().setIncidentId(incidentId).setEvents(events).setDropped(dropped).build();
  }
}
