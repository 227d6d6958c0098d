package io.pagewire.router;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.platform.kafka.StreamsService;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.router.api.SilencesApi;
import io.pagewire.router.topology.RouterTopology;
import io.pagewire.schemas.Silence;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The severity router as a service: {@link RouterTopology} run by Kafka Streams with the
 * platform's exactly-once settings, application id {@value #APPLICATION_ID}. Scales out by
 * running more instances with the same configuration.
 *
 * <p>Metrics: {@code pagewire.router.duplicates}, {@code pagewire.router.events} (tag
 * {@code type}), {@code pagewire.router.orphan.resolutions}, and Kafka Streams' own metrics
 * ({@code kafka.stream.*}), {@code pagewire.router.unroutable}, {@code pagewire.router.suppressed}
 * (tag {@code by}: silence, inhibition), {@code pagewire.router.flapping}.
 *
 * <p>HTTP: {@code /api/v1/silences} ({@link SilencesApi}), answered from this instance's global
 * store of silences; every minute, silences that ended more than
 * {@code classification.silenceRetention} ago are tombstoned.
 */
public final class RouterService extends StreamsService {

  public static final String NAME = "severity-router";
  public static final String APPLICATION_ID = "pagewire-severity-router";

  private static final Logger log = LoggerFactory.getLogger(RouterService.class);
  private static final Duration FORGET_SILENCES_EVERY = Duration.ofMinutes(1);

  private final KafkaStreamsMetrics streamsMetrics;
  private final SilencesApi silences;
  private final ScheduledExecutorService janitor = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "router-silence-retention");
    thread.setDaemon(true);
    return thread;
  });

  /**
   * {@link KafkaSettings#streams}, and a task never idles: it takes whatever its partitions have
   * buffered (the urgent lane's first) instead of waiting for a fetch of a lane that has more on
   * the broker. The lanes are ordered by design, and the incidents processor drops what a later
   * record of its alert overtook ({@code Lane}).
   */
  static Properties settings(PagewireConfig config) {
    Properties props = KafkaSettings.streams(config, APPLICATION_ID, null);
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    return props;
  }

  /** The silences API of this instance. */
  public SilencesApi silences() {
    return silences;
  }

  public RouterService(PagewireConfig config, MeterRegistry metrics) {
    super(NAME, RouterTopology.build(config, metrics), settings(config));
    streamsMetrics = new KafkaStreamsMetrics(streams());
    streamsMetrics.bindTo(metrics);
    silences = new SilencesApi(config, this::silenceStore, Clock.systemUTC());
  }

  @Override
  public void start() {
    super.start();
    janitor.scheduleWithFixedDelay(this::forgetExpiredSilences, FORGET_SILENCES_EVERY.toMillis(),
        FORGET_SILENCES_EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void forgetExpiredSilences() {
    if (!ready()) {
      return;
    }
    try {
      silences.forgetExpired(Instant.now());
    } catch (RuntimeException e) {
      log.warn("expired silences not forgotten this time, retrying in {}: {}", FORGET_SILENCES_EVERY, e.toString());
    }
  }

  @Override
  public void routes(HttpApi api) {
    silences.routes(api);
  }

  private ReadOnlyKeyValueStore<String, Silence> silenceStore() {
    return streams().store(StoreQueryParameters.fromNameAndType(
        RouterTopology.SILENCE_STORE, QueryableStoreTypes.<String, Silence>keyValueStore()));
  }

  @Override
  public void close() {
    janitor.shutdownNow();
    try {
      super.close();
    } finally {
      silences.close();
      streamsMetrics.close();
    }
  }
}
