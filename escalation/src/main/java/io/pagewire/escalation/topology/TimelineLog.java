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
 * keyed by {@code Ids.groupMember(incidentId, Ids.sequence(n))}: appending an event writes the
 * event and at most one deletion, whatever the length of the incident, so an alert storm on one
 * incident costs the same per alert as on a quiet one. The next number follows from the last
 * key, and what was dropped from the count ({@code appended - MAX} once beyond {@value #MAX}).
 * Older versions kept those counts in a head record in {@value EscalationTopology#TIMELINE_STORE}
 * (and before that the events themselves); an incident that has one keeps it up to date.
 */
public final class TimelineLog {

  static final int MAX = 500;
  static final int HEAD = 50;
  private static final StringSerializer KEYS = new StringSerializer();
  /** The highest number {@code Ids.sequence} formats in its 12 digits. */
  private static final long LAST = 999_999_999_999L;

  private final KeyValueStore<String, IncidentTimeline> heads;
  private final KeyValueStore<String, TimelineEvent> events;

  TimelineLog(KeyValueStore<String, IncidentTimeline> heads, KeyValueStore<String, TimelineEvent> events) {
    this.heads = heads;
    this.events = events;
  }

  /**
   * Appends {@code added} to the incident's copy.
   *
   * @param opening true when the incident is new: its copy is empty, without a look at the store
   */
  void append(String incidentId, List<TimelineEvent> added, boolean opening) {
    IncidentTimeline head = opening ? null : heads.get(incidentId);
    long appended = head != null ? head.getAppended() : opening ? 0 : lastNumber(incidentId) + 1;
    int dropped = head != null ? head.getDropped() : 0;
    for (TimelineEvent event : added) {
      long n = appended++;
      events.put(key(incidentId, n), bounded(event));
      if (n >= MAX) {
        // Keep the first HEAD and the latest MAX - HEAD: the one that just left the tail goes.
        events.delete(key(incidentId, n - (MAX - HEAD)));
        dropped++;
      }
    }
    if (head != null) {
      heads.put(incidentId, IncidentTimeline.newBuilder(head).setAppended(appended).setDropped(dropped).build());
    }
  }

  /** Removes the incident's copy. */
  void delete(String incidentId) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, TimelineEvent> all = events.prefixScan(Ids.groupPrefix(incidentId), KEYS)) {
      all.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(events::delete);
    if (heads.get(incidentId) != null) {
      heads.delete(incidentId);
    }
  }

  /** The incident's copy as one record, oldest first; null when there is none. */
  public static IncidentTimeline read(ReadOnlyKeyValueStore<String, IncidentTimeline> heads,
      ReadOnlyKeyValueStore<String, TimelineEvent> events, String incidentId) {
    IncidentTimeline head = heads.get(incidentId);
    List<TimelineEvent> all = new ArrayList<>(head != null ? head.getEvents() : List.of());
    String last = null;
    try (KeyValueIterator<String, TimelineEvent> it = events.prefixScan(Ids.groupPrefix(incidentId), KEYS)) {
      while (it.hasNext()) {
        var next = it.next();
        all.add(next.value);
        last = next.key;
      }
    }
    if (head != null) {
      return IncidentTimeline.newBuilder(head).setEvents(all).build();
    }
    if (last == null) {
      return null;
    }
    long appended = number(incidentId, last) + 1;
    return IncidentTimeline.newBuilder().setIncidentId(incidentId).setEvents(all)
        .setAppended(appended).setDropped((int) Math.max(0, appended - MAX)).build();
  }

  /** The number of the incident's last event in the store; -1 when it has none. */
  private long lastNumber(String incidentId) {
    try (KeyValueIterator<String, TimelineEvent> it = events.reverseRange(key(incidentId, 0), key(incidentId, LAST))) {
      return it.hasNext() ? number(incidentId, it.next().key) : -1;
    }
  }

  private static String key(String incidentId, long n) {
    return Ids.groupMember(incidentId, Ids.sequence(n));
  }

  private static long number(String incidentId, String key) {
    return Long.parseLong(key.substring(Ids.groupPrefix(incidentId).length()));
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
