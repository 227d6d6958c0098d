package io.pagewire.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecordsTest {

  private static final Instant AT = Instant.parse("2026-12-01T03:00:00Z");

  /** A NOTE_ADDED event: a record holding another. */
  private static TimelineEvent noteAdded() {
    Note note = Note.newBuilder().setNoteId("cmd-1").setKind(NoteKind.COMMENT).setText("rolled back").setActor("alice").setAt(AT).build();
    return TimelineEvent.newBuilder().setEventId("inc-1/note/cmd-1").setIncidentId("inc-1").setType(TimelineEventType.NOTE_ADDED)
        .setActor("alice").setDetail("note: rolled back").setNote(note).setAt(AT).build();
  }

  @Test
  void aShallowCopyEqualsItsRecordAndSharesItsValues() {
    TimelineEvent event = noteAdded();

    TimelineEvent copy = Records.shallowCopy(event);

    assertThat(copy).isEqualTo(event).isNotSameAs(event);
    assertThat(copy.getNote()).isSameAs(event.getNote());
  }

  @Test
  void settingAFieldOfTheCopyLeavesTheRecordAsItWas() {
    TimelineEvent event = noteAdded();

    TimelineEvent copy = Records.shallowCopy(event);
    copy.setDetail("changed");
    copy.setNote(null);

    assertThat(event).isEqualTo(noteAdded());
  }
}
