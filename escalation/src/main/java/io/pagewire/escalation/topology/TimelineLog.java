package io.pagewire.escalation.topology;

import io.pagewire.platform.text.TextBounds;
import io.pagewire.schemas.Ids;
import io.pagewire.schemas.IncidentTimeline;
import io.pagewire.schemas.Note;
import io.pagewire.schemas.TimelineEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The bounded copy of an incident's timeline that the incidents API shows: the first
 * {@value #HEAD} events (how it began) and the latest ones, {@value #MAX} in all; events dropped
 * from the middle are counted. The topic {@code pagewire.incident-timeline} keeps every event.
 *
 * <p>Each event is a record of its own in {@value EscalationTopology#TIMELINE_EVENTS_STORE},
 * keyed by {@code Ids.groupMember(incidentId, Ids.sequence(n))}, and the head in
 * {@value EscalationTopology#TIMELINE_STORE} holds only counts: appending an event writes the
 * event, the head and at most one deletion, whatever the length of the incident, so an alert
 * storm on one incident costs the same per alert as on a quiet one. Copies written before
 * events had records of their own keep their events in the head, shown first.
 */
public final class TimelineLog {

  static final int MAX = 500;
  static final int HEAD = 50;
  private static final StringSerializer KEYS = new StringSerializer();

  private final KeyValueStore<String, IncidentTimeline> heads;
  private final KeyValueStore<String, TimelineEvent> events;

  TimelineLog(KeyValueStore<String, IncidentTimeline> heads, KeyValueStore<String, TimelineEvent> events) {
    this.heads = heads;
    this.events = events;
  }

  void append(String incidentId, List<TimelineEvent> added) {
    IncidentTimeline head = heads.get(incidentId);
    long appended = head != null ? head.getAppended() : 0;
    int dropped = head != null ? head.getDropped() : 0;
    for (TimelineEvent event : added) {
      long n = appended++;
      events.put(Ids.groupMember(incidentId, Ids.sequence(n)), bounded(event));
      if (n >= MAX) {
        // Keep the first HEAD and the latest MAX - HEAD: the one that just left the tail goes.
        events.delete(Ids.groupMember(incidentId, Ids.sequence(n - (MAX - HEAD))));
        dropped++;
      }
    }
    IncidentTimeline.Builder next = head != null ? IncidentTimeline.newBuilder(head)
        : IncidentTimeline.newBuilder().setIncidentId(incidentId).setEvents(List.of());
    heads.put(incidentId, next.setAppended(appended).setDropped(dropped).build());
  }

  /** Removes the incident's copy. */
  void delete(String incidentId) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, TimelineEvent> all = events.prefixScan(Ids.groupPrefix(incidentId), KEYS)) {
      all.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(events::delete);
    heads.delete(incidentId);
  }

  /** The incident's copy as one record, oldest first; null when there is none. */
  public static IncidentTimeline read(ReadOnlyKeyValueStore<String, IncidentTimeline> heads,
      ReadOnlyKeyValueStore<String, TimelineEvent> events, String incidentId) {
    IncidentTimeline head = heads.get(incidentId);
    if (head == null) {
      return null;
    }
    List<TimelineEvent> all = new ArrayList<>(head.getEvents());
    try (KeyValueIterator<String, TimelineEvent> it = events.prefixScan(Ids.groupPrefix(incidentId), KEYS)) {
      it.forEachRemaining(kv -> all.add(kv.value));
    }
    return IncidentTimeline.newBuilder(head).setEvents(all).build();
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
