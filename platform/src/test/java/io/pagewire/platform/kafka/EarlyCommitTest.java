package io.pagewire.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

class EarlyCommitTest {

  private static final long NOW = 1_800_000_000_000L;

  private final MockProcessorContext<String, String> context = new MockProcessorContext<>();

  @Test
  void shouldAskForACommitAfterAFreshRecord() {
    context.setCurrentSystemTimeMs(NOW);
    EarlyCommit.ask(context, NOW - EarlyCommit.FRESH.toMillis() + 1);
    assertThat(context.committed()).isTrue();
  }

  @Test
  void shouldLeaveARecordThatWaitedBehindOthersToTheCommitInterval() {
    context.setCurrentSystemTimeMs(NOW);
    EarlyCommit.ask(context, NOW - EarlyCommit.FRESH.toMillis());
    assertThat(context.committed()).isFalse();
  }
}
