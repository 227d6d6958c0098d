package io.pagewire.reports.model;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;

/**
 * What people wrote on an incident after the fact: the notes escalation accepted (a
 * {@code NOTE_ADDED} timeline event), by kind. Comments are not here: they are timeline entries.
 * An empty list means nobody recorded that kind; renderers say "Not recorded".
 *
 * @param rootCauses root-cause notes, by time then note id
 * @param resolutions resolution notes, by time then note id
 * @param lessonsLearned lesson notes, by time then note id
 * @param actionItems action items by due date (undated last), then description, then note id
 */
public record Retrospective(List<Note> rootCauses, List<Note> resolutions, List<Note> lessonsLearned,
    List<ActionItem> actionItems) {

  /** The order of notes of one kind: the same whatever order the topics were read in. */
  public static final Comparator<Note> NOTE_ORDER = Comparator.comparing(Note::at).thenComparing(Note::noteId);

  /** Action items: soonest due first, undated last; ties by description, then note id. */
  public static final Comparator<ActionItem> ACTION_ORDER =
      Comparator.comparing(ActionItem::due, Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(ActionItem::description)
          .thenComparing(ActionItem::noteId);

  // After the orders: the compact constructor sorts with them.
  public static final Retrospective NOT_RECORDED = new Retrospective(List.of(), List.of(), List.of(), List.of());

  public Retrospective {
    rootCauses = rootCauses.stream().sorted(NOTE_ORDER).toList();
    resolutions = resolutions.stream().sorted(NOTE_ORDER).toList();
    lessonsLearned = lessonsLearned.stream().sorted(NOTE_ORDER).toList();
    actionItems = actionItems.stream().sorted(ACTION_ORDER).toList();
  }

  /**
   * One note.
   *
   * @param noteId the id of the command that added it
   * @param author who wrote it (the command's actor)
   */
  public record Note(String noteId, String text, String author, Instant at) {}

  /**
   * One action item.
   *
   * @param owner null when none was given
   * @param due null when no date was given
   * @param author who recorded it
   */
  public record ActionItem(String noteId, String description, String owner, LocalDate due, String author, Instant at) {}
}
