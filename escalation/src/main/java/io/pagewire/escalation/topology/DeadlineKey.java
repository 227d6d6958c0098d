package io.pagewire.escalation.topology;

import io.pagewire.escalation.state.TimerKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.utils.Bytes;

/**
 * A key of the deadline index: the deadline as 8 big-endian bytes of epoch milliseconds, one byte
 * of {@link TimerKind#code()}, then the incident id in UTF-8. Stores order keys as unsigned
 * bytes, so for non-negative epoch milliseconds a range scan from {@link #from(long)} to
 * {@link #from(long)} of "now + 1" yields exactly the timers due by "now", earliest first.
 *
 * <p>Keys written before timers had kinds (deadline + id, escalation only) still parse: their
 * ninth byte is the first byte of an id, never below 0x20, and they read as {@link TimerKind#ESCALATE}.
 */
record DeadlineKey(long deadlineMillis, TimerKind kind, String incidentId) {

  static DeadlineKey of(Instant deadline, TimerKind kind, String incidentId) {
    return new DeadlineKey(deadline.toEpochMilli(), kind, incidentId);
  }

  /**
   * The smallest key with this deadline. No real key equals it (real keys carry an id), so it
   * also serves as an exclusive upper bound in the store's inclusive range scans.
   */
  static Bytes from(long deadlineMillis) {
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(deadlineMillis).array());
  }

  static DeadlineKey parse(Bytes key) {
    ByteBuffer buffer = ByteBuffer.wrap(key.get());
    long deadline = buffer.getLong();
    TimerKind kind = TimerKind.ESCALATE;
    if (buffer.hasRemaining() && buffer.get(buffer.position()) < 0x20 && buffer.get(buffer.position()) >= 0) {
      kind = TimerKind.ofCode(buffer.get());
    }
    String id = StandardCharsets.UTF_8.decode(buffer).toString();
    return new DeadlineKey(deadline, kind, id);
  }

  Instant deadline() {
    return Instant.ofEpochMilli(deadlineMillis);
  }

  Bytes bytes() {
    byte[] id = incidentId.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + 1 + id.length)
        .putLong(deadlineMillis).put(kind.code()).put(id).array());
  }
}
