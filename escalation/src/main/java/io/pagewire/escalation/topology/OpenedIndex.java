package io.pagewire.escalation.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.utils.Bytes;

/**
 * Keys of the newest-first index {@value EscalationTopology#OPENED_STORE}: 8 big-endian bytes of
 * {@code Long.MAX_VALUE - openedAt} (epoch milliseconds), then the incident id in UTF-8. Stores
 * order keys as unsigned bytes, so iterating the index yields the newest incident first, and
 * incidents opened in the same millisecond by id. The incidents API pages through it: a page
 * resumes after the key of the last incident of the page before.
 */
public final class OpenedIndex {

  private OpenedIndex() {}

  /** One index entry: an incident and when it opened. */
  public record Entry(Instant openedAt, String incidentId) {

    public Bytes key() {
      return OpenedIndex.key(openedAt, incidentId);
    }
  }

  public static Bytes key(Instant openedAt, String incidentId) {
    byte[] id = incidentId.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + id.length).putLong(inverted(openedAt)).put(id).array());
  }

  /** The first key of incidents opened at {@code openedAt} (or before, in index order: older). */
  public static Bytes from(Instant openedAt) {
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(inverted(openedAt)).array());
  }

  public static Entry parse(Bytes key) {
    ByteBuffer buffer = ByteBuffer.wrap(key.get());
    Instant openedAt = Instant.ofEpochMilli(Long.MAX_VALUE - buffer.getLong());
    return new Entry(openedAt, StandardCharsets.UTF_8.decode(buffer).toString());
  }

  private static long inverted(Instant at) {
    return Long.MAX_VALUE - Math.max(0, at.toEpochMilli());
  }
}
