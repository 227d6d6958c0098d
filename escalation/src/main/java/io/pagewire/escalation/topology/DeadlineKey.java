package io.pagewire.escalation.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.utils.Bytes;

/**
 * A key of the deadline index: the deadline as 8 big-endian bytes of epoch milliseconds, then
 * the incident id in UTF-8. Stores order keys as unsigned bytes, so for non-negative epoch
 * milliseconds a range scan from {@link #from(long)} to {@link #from(long)} of "now + 1" yields
 * exactly the deadlines due by "now", earliest first.
 */
record DeadlineKey(long deadlineMillis, String incidentId) {

  static DeadlineKey of(Instant deadline, String incidentId) {
    return new DeadlineKey(deadline.toEpochMilli(), incidentId);
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
    String id = StandardCharsets.UTF_8.decode(buffer).toString();
    return new DeadlineKey(deadline, id);
  }

  Instant deadline() {
    return Instant.ofEpochMilli(deadlineMillis);
  }

  Bytes bytes() {
    byte[] id = incidentId.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + id.length).putLong(deadlineMillis).put(id).array());
  }
}
