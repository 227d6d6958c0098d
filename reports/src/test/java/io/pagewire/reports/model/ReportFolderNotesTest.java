package io.pagewire.reports.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.reports.model.Retrospective.ActionItem;
import io.pagewire.reports.model.Retrospective.Note;
import io.pagewire.schemas.CommandType;
import io.pagewire.schemas.Ids;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.NoteKind;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
import io.pagewire.schemas.Topics;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** How notes fold: which count, where their fields come from, in what order they are listed. */
class ReportFolderNotesTest {

  static {
    Objects.requireNonNull(Topics.ALERTS); // initialises the Avro serdes the generated builders rely on
  }

  private static final Instant OPENED = Instant.parse("2024-03-04T10:00:00Z");

  private ReportFolder folder = new ReportFolder(PagewireConfig.defaults(), ReportQuery.all());

  @Test
  void shouldTakeTheNoteFromItsNoteAddedEventWhateverItsDetailSays() {
    open();
    // Escalation's note fields; a detail no version wrote, and no command replayed (past its retention).
    folder.accept(noteAdded("c1", "dave", "root_cause: not this", at(40))
        .setNote(note("c1", NoteKind.ACTION_ITEM, "alert at 80% [owner x, due 2024-01-01]", "carol",
            LocalDate.of(2024, 3, 12), "dave", at(40))).build());
    folder.accept(noteAdded("c2", "dave", "garbage", at(41))
        .setNote(note("c2", NoteKind.LESSON_LEARNED, "alert earlier", null, null, "dave", at(41))).build());
    folder.accept(noteAdded("c3", "erin", "action_item: not this either", at(42))
        .setNote(note("c3", NoteKind.COMMENT, "thanks", null, null, "erin", at(42))).build());

    Retrospective r = only().retrospective();

    assertThat(r.actionItems()).containsExactly(
        new ActionItem("c1", "alert at 80% [owner x, due 2024-01-01]", "carol", LocalDate.of(2024, 3, 12), "dave", at(40)));
    assertThat(r.lessonsLearned()).containsExactly(new Note("c2", "alert earlier", "dave", at(41)));
    assertThat(r.rootCauses()).isEmpty();
    assertThat(r.resolutions()).isEmpty();
  }

  @Test
  void shouldPreferTheAcceptedNoteOverItsCommand() {
    open();
    // Escalation stores what it accepted (a bounded text): the event says so, the command has the original.
    folder.accept(command("c1", NoteKind.ROOT_CAUSE, "a very long root cause", null, null, at(30)));
    folder.accept(noteAdded("c1", "alice", "root_cause: a very…", at(30))
        .setNote(note("c1", NoteKind.ROOT_CAUSE, "a very…", null, null, "alice", at(30))).build());

    assertThat(only().retrospective().rootCauses()).containsExactly(new Note("c1", "a very…", "alice", at(30)));
  }

  @Test
  void shouldCountOnlyNotesWithANoteAddedEventAndTakeTheFieldsOfOlderOnesFromTheCommand() {
    open();
    // A text that looks like escalation's owner/due suffix: only the command says what it is.
    IncidentCommand tricky = command("c1", NoteKind.ACTION_ITEM, "fix it [owner x, due 2024-01-01]", "bob",
        LocalDate.of(2024, 3, 20), at(30));
    // Event before command: the interleaving of topics must not matter.
    folder.accept(noteAdded("c1", "alice", "action_item: fix it [owner x, due 2024-01-01] [owner bob, due 2024-03-20]", at(30)).build());
    folder.accept(tricky);
    folder.accept(command("c2", NoteKind.ROOT_CAUSE, "ignored by escalation", null, null, at(31)));
    folder.accept(command("c3", NoteKind.ROOT_CAUSE, "bad deploy", null, null, at(32)));
    folder.accept(noteAdded("c3", "alice", "root_cause: bad deploy", at(32)).build());

    Retrospective r = only().retrospective();

    assertThat(r.rootCauses()).containsExactly(new Note("c3", "bad deploy", "alice", at(32)));
    assertThat(r.actionItems()).containsExactly(
        new ActionItem("c1", "fix it [owner x, due 2024-01-01]", "bob", LocalDate.of(2024, 3, 20), "alice", at(30)));
    assertThat(r.resolutions()).isEmpty();
    assertThat(r.lessonsLearned()).isEmpty();
  }

  @Test
  void shouldKeepAnOlderNoteWhoseCommandIsGoneInTheTimelineOnlyInsteadOfReadingItsDetail() {
    folder = new ReportFolder(PagewireConfig.defaults(), ReportQuery.incident("x")); // the report that shows the timeline
    open();
    folder.accept(noteAdded("c1", "dave", "action_item: alert at 80% [owner carol, due 2024-03-12]", at(40)).build());
    folder.accept(noteAdded("c2", "dave", "lesson_learned: alert earlier", at(41)).build());

    assertThat(only().retrospective()).isEqualTo(Retrospective.NOT_RECORDED);
    assertThat(only().timeline()).filteredOn(e -> e.type().equals("NOTE_ADDED")).hasSize(2);
  }

  @Test
  void shouldListNotesByTimeAndActionItemsByDueDateWhateverTheOrderTheyArrived() {
    open();
    accepted("c9", NoteKind.ACTION_ITEM, "undated", null, null, at(50));
    accepted("c8", NoteKind.ACTION_ITEM, "later", "ann", LocalDate.of(2024, 4, 1), at(51));
    accepted("c7", NoteKind.ACTION_ITEM, "b sooner", "ann", LocalDate.of(2024, 3, 10), at(52));
    accepted("c6", NoteKind.ACTION_ITEM, "a sooner", null, LocalDate.of(2024, 3, 10), at(53));
    accepted("c5", NoteKind.RESOLUTION, "second", null, null, at(55));
    accepted("c4", NoteKind.RESOLUTION, "first", null, null, at(54));

    Retrospective r = only().retrospective();

    assertThat(r.actionItems()).extracting(ActionItem::description)
        .containsExactly("a sooner", "b sooner", "later", "undated");
    assertThat(r.resolutions()).extracting(Note::text).containsExactly("first", "second");
  }

  @Test
  void shouldSayNothingWasRecordedForAnIncidentWithoutNotes() {
    open();
    folder.accept(command("c1", NoteKind.ROOT_CAUSE, "never accepted", null, null, at(5)));

    assertThat(only().retrospective()).isEqualTo(Retrospective.NOT_RECORDED);
  }

  private void open() {
    folder.accept(TimelineEvent.newBuilder().setEventId("x/1").setIncidentId("x").setType(TimelineEventType.OPENED)
        .setDetail("P1 Disk (label severity=warning)").setPriority(io.pagewire.schemas.Priority.P1).setAt(OPENED).build());
  }

  private IncidentFacts only() {
    return folder.incidents(OPENED.plusSeconds(3600)).get(0);
  }

  private void accepted(String id, NoteKind kind, String text, String owner, LocalDate due, Instant at) {
    folder.accept(command(id, kind, text, owner, due, at));
    folder.accept(noteAdded(id, "alice", kind.name().toLowerCase(java.util.Locale.ROOT) + ": " + text, at)
        .setNote(note(id, kind, text, owner, due, "alice", at)).build());
  }

  private static IncidentCommand command(String id, NoteKind kind, String text, String owner, LocalDate due, Instant at) {
    return IncidentCommand.newBuilder().setCommandId(id).setIncidentId("x").setType(CommandType.ADD_NOTE)
        .setActor("alice").setNote(text).setNoteKind(kind).setOwner(owner).setDue(due).setAt(at).build();
  }

  /** A NOTE_ADDED event without its note field, as escalation wrote them before it had one. */
  private static TimelineEvent.Builder noteAdded(String commandId, String actor, String detail, Instant at) {
    return TimelineEvent.newBuilder().setEventId(Ids.noteEvent("x", commandId)).setIncidentId("x")
        .setType(TimelineEventType.NOTE_ADDED).setActor(actor).setDetail(detail).setAt(at);
  }

  private static io.pagewire.schemas.Note note(String id, NoteKind kind, String text, String owner, LocalDate due,
      String actor, Instant at) {
    return io.pagewire.schemas.Note.newBuilder().setNoteId(id).setKind(kind).setText(text).setOwner(owner).setDue(due)
        .setActor(actor).setAt(at).build();
  }

  private static Instant at(int minutes) {
    return OPENED.plusSeconds(60L * minutes);
  }
}
