package io.pagewire.platform.kafka;

import io.pagewire.platform.Service;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service that is one Kafka Streams application. A stream thread that dies of an unexpected
 * exception is replaced, so one poisoned batch cannot stop paging for good.
 */
public class StreamsService implements Service {

  private static final Logger log = LoggerFactory.getLogger(StreamsService.class);

  private final String name;
  private final KafkaStreams streams;
  private final RecordErrors recordErrors;

  public StreamsService(String name, Topology topology, Properties props) {
    this.name = name;
    this.recordErrors = new RecordErrors(name);
    Properties withErrors = new Properties();
    withErrors.putAll(props);
    withErrors.put(RecordErrors.CONFIG, recordErrors);
    this.streams = new KafkaStreams(topology, withErrors);
    streams.setUncaughtExceptionHandler(e -> {
      log.error("{}: stream thread failed, replacing it", name, e);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.setStateListener((now, before) -> log.info("{}: {} -> {}", name, before, now));
  }

  @Override
  public String name() {
    return name;
  }

  public KafkaStreams streams() {
    return streams;
  }

  /** The records this app skipped and dead-lettered, for the service's metrics registry to bind. */
  public RecordErrors recordErrors() {
    return recordErrors;
  }

  @Override
  public void start() {
    streams.start();
  }

  @Override
  public boolean ready() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  /** Dead stream threads are replaced; only an app that ended in ERROR is not live. */
  @Override
  public boolean live() {
    KafkaStreams.State state = streams.state();
    return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR;
  }

  /**
   * Commits and leaves the consumer group, so another instance takes over this instance's
   * partitions (and their timers) at once instead of after the session timeout. This holds for
   * static members too: LEAVE_GROUP makes the consumer send a LeaveGroup naming its {@code
   * group.instance.id}, which removes the member (only the DEFAULT operation keeps a static member
   * in the group). The price is one rebalance when this instance comes back; a paging system
   * prefers that to partitions nobody serves for a session timeout.
   */
  @Override
  public void close() {
    streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
        .withTimeout(Duration.ofSeconds(30)));
  }
}
