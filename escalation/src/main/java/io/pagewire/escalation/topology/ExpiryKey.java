package io.pagewire.escalation.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * A key of the retention index {@value EscalationTopology#RETENTION_STORE}: when a resolved
 * incident leaves the hot stores, as 8 big-endian bytes of epoch milliseconds, then the incident
 * id in UTF-8. Ordered like {@link DeadlineKey}: a range scan from {@link DeadlineKey#from} of the
 * watermark to {@link DeadlineKey#from} of "now + 1" yields what is due, earliest first.
 */
record ExpiryKey(long expiresMillis, String incidentId) {

  static ExpiryKey parse(Bytes key) {
    ByteBuffer buffer = ByteBuffer.wrap(key.get());
    long expires = buffer.getLong();
    return new ExpiryKey(expires, StandardCharsets.UTF_8.decode(buffer).toString());
  }

  Bytes bytes() {
    byte[] id = incidentId.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + id.length).putLong(Math.max(0, expiresMillis)).put(id).array());
  }
}
