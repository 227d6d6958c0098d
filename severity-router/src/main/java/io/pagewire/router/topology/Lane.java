package io.pagewire.router.topology;

import io.pagewire.platform.kafka.EarlyCommit;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.Topic;
import io.pagewire.schemas.Topics;
import java.time.Duration;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The two lanes alerts take through the router: {@link Topics#ALERTS} and
 * {@link Topics#ALERTS_URGENT}, then the repartitions {@value RouterTopology#REPARTITION} and
 * {@value RouterTopology#URGENT_REPARTITION}.
 *
 * <p>How the urgent lane overtakes: both lanes of one partition are inputs of one task (they
 * share its stores), and a task takes the record with the smallest timestamp among the heads of
 * its input partitions. An urgent record enters the task {@link #HEAD_START} early, so it comes
 * before every routine record received up to a day after it; its real timestamp is put back by
 * the next node, before any processor reads it. Within a lane the order stays the order of the
 * partition. A record overtaken this way is older than what was applied: {@code DedupProcessor}
 * and {@code IncidentProcessor} drop a record of an alert received before the one applied.
 */
enum Lane {
  ROUTINE(Topics.ALERTS, "", RouterTopology.REPARTITION),
  URGENT(Topics.ALERTS_URGENT, "urgent-", RouterTopology.URGENT_REPARTITION);

  static final Duration HEAD_START = Duration.ofDays(1);
  private static final long HEAD_START_MS = HEAD_START.toMillis();

  final Topic<String, Alert> topic;
  /** Prefix of this lane's node names; the routine lane keeps the names it had before lanes. */
  final String prefix;
  final String repartition;

  Lane(Topic<String, Alert> topic, String prefix, String repartition) {
    this.topic = topic;
    this.prefix = prefix;
    this.repartition = repartition;
  }

  /** How this lane's source is read: the urgent lane's records enter the task {@link #HEAD_START} early. */
  Consumed<String, Alert> consumed() {
    Consumed<String, Alert> consumed = Consumed.with(topic.keySerde(), topic.valueSerde()).withName(prefix + "alerts");
    return this == URGENT
        ? consumed.withTimestampExtractor((record, partitionTime) -> Math.max(0, record.timestamp() - HEAD_START_MS))
        : consumed;
  }

  /**
   * The stream with its records' timestamps {@link #HEAD_START} earlier (urgent lane), before a
   * repartition; each urgent record asks for an {@link EarlyCommit}, so that its repartition
   * record is readable at once.
   */
  <V> KStream<String, V> headStart(KStream<String, V> stream) {
    return shift(stream, -HEAD_START_MS, "head-start-" + repartition, true);
  }

  /** The stream with the real timestamps back (urgent lane), right after one of its sources. */
  <V> KStream<String, V> restore(KStream<String, V> stream, String source) {
    return shift(stream, HEAD_START_MS, "restore-" + source, false);
  }

  private <V> KStream<String, V> shift(KStream<String, V> stream, long by, String name, boolean commit) {
    return this == ROUTINE ? stream : stream.processValues(() -> new Shift<>(by, commit), Named.as(prefix + name));
  }

  private static final class Shift<V> implements FixedKeyProcessor<String, V, V> {
    private final long by;
    private final boolean commit;
    private FixedKeyProcessorContext<String, V> context;

    Shift(long by, boolean commit) {
      this.by = by;
      this.commit = commit;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
      context.forward(record.withTimestamp(Math.max(0, record.timestamp() + by)));
      if (commit) {
        EarlyCommit.ask(context, record.timestamp());
      }
    }
  }
}
