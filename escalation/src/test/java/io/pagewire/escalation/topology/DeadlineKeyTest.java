package io.pagewire.escalation.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadlineKeyTest {

  @Test
  void shouldOrderKeysByDeadlineBeforeIncidentId() {
    DeadlineKey early = new DeadlineKey(255, "zzz");
    DeadlineKey late = new DeadlineKey(256, "aaa");

    assertThat(early.bytes().compareTo(late.bytes())).isNegative();
    assertThat(DeadlineKey.from(256).compareTo(early.bytes())).isPositive();
    assertThat(DeadlineKey.from(256).compareTo(late.bytes())).isNegative();
  }

  @Test
  void shouldRoundTripDeadlineAndIncidentId() {
    DeadlineKey key = DeadlineKey.of(Instant.parse("2025-03-01T10:15:00Z"), "inc-ü-1");

    assertThat(DeadlineKey.parse(key.bytes())).isEqualTo(key);
  }
}
