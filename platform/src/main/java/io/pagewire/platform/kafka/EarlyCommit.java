package io.pagewire.platform.kafka;

import java.time.Duration;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * Asks a task to commit right after a record that may page, instead of at the next
 * {@code commit.interval.ms}: under exactly-once, what a task writes is readable downstream
 * only once its transaction commits, so each hop of a page would otherwise wait half an
 * interval on average.
 *
 * <p>Only a fresh record asks (received by the ingest less than {@link #FRESH} ago), that is,
 * while the task keeps up. A task behind a burst of such records (a storm of new incidents)
 * commits on its interval: a commit costs tens of milliseconds, and one per record would hold
 * the burst up far longer than it saves. So a burst adds a bounded number of commits.
 */
public final class EarlyCommit {

  /** How old a record may be and still ask for a commit; older ones wait for the interval. */
  public static final Duration FRESH = Duration.ofMillis(250);

  private EarlyCommit() {}

  /** Asks for a commit after the current record when {@code receivedAtMs} is less than {@link #FRESH} ago. */
  public static void ask(ProcessingContext context, long receivedAtMs) {
    if (context.currentSystemTimeMs() - receivedAtMs < FRESH.toMillis()) {
      context.commit();
    }
  }
}
