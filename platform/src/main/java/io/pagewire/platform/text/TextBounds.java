package io.pagewire.platform.text;

import io.pagewire.platform.http.HttpError;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The byte limits of text Pagewire keeps from people (notes, names, silence comments) and from
 * alerts (titles, summaries), so that every stored record (incident state, timeline copy, router
 * incident, silence) has a fixed bound however long an incident lives and however many alerts it
 * has; records above about 1 MiB would fail a task on every restart. Limits count UTF-8 bytes,
 * as Avro stores strings. The API refuses longer text with 400 {@code field_too_long}
 * ({@link #requireWithin}); text from alerts is cut ({@link #truncate}).
 */
public final class TextBounds {

  /** A note's text, and the note of a command ({@code "note"}): the API answers 400 beyond it. */
  public static final int NOTE_BYTES = 4096;
  /** A name the API takes from a body: an actor, a user to re-assign to, a note's owner. */
  public static final int NAME_BYTES = 256;
  /** An incident's title: longer titles from the router are cut. */
  public static final int TITLE_BYTES = 1024;
  /** An incident's summary (from its first alert's annotations): longer ones are cut. */
  public static final int SUMMARY_BYTES = 4096;
  /** An event's detail in the timeline copy the API shows; the timeline topic keeps it whole. */
  public static final int TIMELINE_DETAIL_BYTES = 512;

  private static final String ELLIPSIS = "…";
  private static final int ELLIPSIS_BYTES = ELLIPSIS.getBytes(StandardCharsets.UTF_8).length;

  private TextBounds() {}

  /**
   * {@code value} when it is at most {@code maxBytes} bytes in UTF-8 (null passes); else a 400
   * {@code field_too_long} naming the field and the limit.
   */
  public static String requireWithin(String field, String value, int maxBytes) {
    if (value != null) {
      int bytes = utf8Length(value);
      if (bytes > maxBytes) {
        throw new HttpError(400, "field_too_long", field + ": at most " + maxBytes + " bytes (UTF-8), not " + bytes);
      }
    }
    return value;
  }

  public static int utf8Length(String text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /**
   * {@code text} if it fits in {@code maxBytes} UTF-8 bytes, else its longest prefix that fits
   * with "…" appended (never splitting a character); null stays null.
   */
  public static String truncate(String text, int maxBytes) {
    if (text == null || utf8Length(text) <= maxBytes) {
      return text;
    }
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    CharBuffer in = CharBuffer.wrap(text);
    // The encoder stops before a character that does not fit whole.
    encoder.encode(in, ByteBuffer.allocate(Math.max(0, maxBytes - ELLIPSIS_BYTES)), true);
    return text.substring(0, in.position()) + ELLIPSIS;
  }
}
