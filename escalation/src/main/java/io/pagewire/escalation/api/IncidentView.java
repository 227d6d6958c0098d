package io.pagewire.escalation.api;

import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.IncidentTimeline;
import io.pagewire.schemas.Note;
import io.pagewire.schemas.Severity;
import io.pagewire.schemas.TimelineEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An incident as the HTTP API shows it. Times are ISO-8601 UTC strings or null; {@code priority}
 * is {@code P0}..{@code P4}, {@code severity} {@code SEV-1}..{@code SEV-3} or null, {@code status}
 * {@code triggered}, {@code acknowledged}, {@code snoozed} or {@code resolved}; {@code level} is
 * the last escalation level paged (1-based); {@code assignee} the user later pages go to after a
 * re-assignment. {@code sla} has the acknowledge and resolve deadlines and when each was breached
 * (null: not breached). {@code notes} are every note (kinds {@code comment}, {@code root_cause},
 * {@code resolution}, {@code lesson_learned}, {@code action_item} with {@code owner} and
 * {@code due}). {@code timeline} (one incident only; null in lists) is the incident's timeline,
 * oldest first, with {@code timelineDropped} events left out of its middle when it grew long.
 */
public record IncidentView(
    String id,
    String title,
    String priority,
    String severity,
    String status,
    int level,
    Instant openedAt,
    Instant acknowledgedAt,
    String acknowledgedBy,
    Instant resolvedAt,
    String resolvedBy,
    Instant nextEscalationAt,
    Instant snoozedUntil,
    String assignee,
    Sla sla,
    Map<String, String> labels,
    Map<String, String> links,
    List<NoteView> notes,
    List<TimelineView> timeline,
    Integer timelineDropped) {

  public static IncidentView of(IncidentState state) {
    return of(state, null);
  }

  /** The incident with its timeline; {@code timeline} null leaves it out. */
  public static IncidentView of(IncidentState state, IncidentTimeline timeline) {
    Severity severity = state.getSeverity();
    return new IncidentView(
        state.getIncidentId(),
        state.getTitle(),
        state.getPriority().name(),
        severity != null ? severity.name().replace('_', '-') : null,
        lower(state.getStatus().name()),
        state.getLevel(),
        state.getOpenedAt(),
        state.getAcknowledgedAt(),
        state.getAcknowledgedBy(),
        state.getResolvedAt(),
        state.getResolvedBy(),
        state.getNextEscalationAt(),
        state.getSnoozedUntil(),
        state.getAssignee(),
        new Sla(state.getAcknowledgeDueAt(), state.getResolveDueAt(), state.getAcknowledgeBreachedAt(),
            state.getResolveBreachedAt()),
        state.getLabels(),
        state.getLinks(),
        state.getNotes().stream().map(NoteView::of).toList(),
        timeline != null ? timeline.getEvents().stream().map(TimelineView::of).toList() : null,
        timeline != null ? timeline.getDropped() : null);
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  public record Sla(Instant acknowledgeBy, Instant resolveBy, Instant acknowledgeBreachedAt, Instant resolveBreachedAt) {}

  public record NoteView(String id, String kind, String text, String actor, Instant at, String owner, LocalDate due) {
    static NoteView of(Note note) {
      return new NoteView(note.getNoteId(), lower(note.getKind().name()), note.getText(), note.getActor(),
          note.getAt(), note.getOwner(), note.getDue());
    }
  }

  public record TimelineView(String id, String type, Instant at, String actor, Integer level, String recipient,
      String notificationId, String channel, String detail) {
    static TimelineView of(TimelineEvent event) {
      return new TimelineView(event.getEventId(), lower(event.getType().name()), event.getAt(), event.getActor(),
          event.getLevel(), event.getRecipient(), event.getNotificationId(), event.getChannel(), event.getDetail());
    }
  }
}
