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
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

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
 * store of silences.
 */
public final class RouterService extends StreamsService {

  public static final String NAME = "severity-router";
  public static final String APPLICATION_ID = "pagewire-severity-router";

  private final KafkaStreamsMetrics streamsMetrics;
  private final SilencesApi silences;

  public RouterService(PagewireConfig config, MeterRegistry metrics) {
    super(NAME, RouterTopology.build(config, metrics), KafkaSettings.streams(config, APPLICATION_ID, null));
    streamsMetrics = new KafkaStreamsMetrics(streams());
    streamsMetrics.bindTo(metrics);
    silences = new SilencesApi(config, this::silenceStore, Clock.systemUTC());
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
    try {
      super.close();
    } finally {
      silences.close();
      streamsMetrics.close();
    }
  }
}
