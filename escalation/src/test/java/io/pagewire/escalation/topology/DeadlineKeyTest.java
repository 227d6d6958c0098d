package io.pagewire.escalation.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.escalation.state.TimerKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class DeadlineKeyTest {

  @Test
  void shouldOrderKeysByDeadlineBeforeIncidentId() {
    DeadlineKey early = new DeadlineKey(255, TimerKind.RESOLVE_SLA, "zzz");
    DeadlineKey late = new DeadlineKey(256, TimerKind.ESCALATE, "aaa");

    assertThat(early.bytes().compareTo(late.bytes())).isNegative();
    assertThat(DeadlineKey.from(256).compareTo(early.bytes())).isPositive();
    assertThat(DeadlineKey.from(256).compareTo(late.bytes())).isNegative();
  }

  @Test
  void shouldRoundTripDeadlineAndIncidentId() {
    for (TimerKind kind : TimerKind.values()) {
      DeadlineKey key = DeadlineKey.of(Instant.parse("2025-03-01T10:15:00Z"), kind, "inc-ü-1");

      assertThat(DeadlineKey.parse(key.bytes())).isEqualTo(key);
    }
  }

  @Test
  void shouldReadKeysWrittenBeforeTimerKindsAsEscalationTimers() {
    byte[] id = "inc-1".getBytes(StandardCharsets.UTF_8);
    Bytes legacy = Bytes.wrap(ByteBuffer.allocate(8 + id.length).putLong(1_000L).put(id).array());

    assertThat(DeadlineKey.parse(legacy)).isEqualTo(new DeadlineKey(1_000L, TimerKind.ESCALATE, "inc-1"));
  }
}
