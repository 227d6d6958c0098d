package io.pagewire.reports.model;

import java.time.LocalDate;
import java.util.List;

/**
 * What people write on an incident after the fact. Nothing records it yet (a later issue adds
 * notes to the incident commands); until then every incident has {@link #NOT_RECORDED} and the
 * renderers say so. The fold fills it from note timeline events once they exist.
 *
 * @param rootCause null when nobody recorded it
 * @param resolution null when nobody recorded it
 * @param lessonsLearned null when nobody recorded it
 * @param actionItems empty when nobody recorded any
 */
public record Retrospective(String rootCause, String resolution, String lessonsLearned, List<ActionItem> actionItems) {

  public static final Retrospective NOT_RECORDED = new Retrospective(null, null, null, List.of());

  public Retrospective {
    actionItems = List.copyOf(actionItems);
  }

  /** @param due null when no date was given */
  public record ActionItem(String description, String owner, LocalDate due) {}
}
