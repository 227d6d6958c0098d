package io.pagewire.escalation.topology;

import io.pagewire.escalation.state.TextBounds;
import io.pagewire.schemas.IncidentTimeline;
import io.pagewire.schemas.Note;
import io.pagewire.schemas.TimelineEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The bounded copy of an incident's timeline that the incidents API shows: the first
 * {@value #HEAD} events (how it began) and the latest ones, {@value #MAX} in all; events dropped
 * from the middle are counted. Each event's detail, and the text of the note a NOTE_ADDED
 * event carries, are cut to {@link TextBounds#TIMELINE_DETAIL_BYTES} here (the incident state
 * holds every note whole), so the copy has a fixed byte bound (the other fields are ids, names
 * and times). The topic {@code pagewire.incident-timeline} keeps every event whole.
 */
final class TimelineLog {

  static final int MAX = 500;
  static final int HEAD = 50;

  private TimelineLog() {}

  static IncidentTimeline append(IncidentTimeline current, String incidentId, List<TimelineEvent> added) {
    List<TimelineEvent> events = new ArrayList<>(current != null ? current.getEvents() : List.of());
    int dropped = current != null ? current.getDropped() : 0;
    for (TimelineEvent event : added) {
      events.add(bounded(event));
    }
    while (events.size() > MAX) {
      events.remove(HEAD);
      dropped++;
    }
    return IncidentTimeline.newBuilder().setIncidentId(incidentId).setEvents(events).setDropped(dropped).build();
  }

  private static TimelineEvent bounded(TimelineEvent event) {
    String detail = TextBounds.truncate(event.getDetail(), TextBounds.TIMELINE_DETAIL_BYTES);
    Note note = event.getNote();
    String text = note != null ? TextBounds.truncate(note.getText(), TextBounds.TIMELINE_DETAIL_BYTES) : null;
    if (detail.equals(event.getDetail()) && (note == null || text.equals(note.getText()))) {
      return event;
    }
    TimelineEvent.Builder copy = TimelineEvent.newBuilder(event).setDetail(detail);
    if (note != null) {
      copy.setNote(Note.newBuilder(note).setText(text).build());
    }
    return copy.build();
  }
}
