package io.pagewire.router;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.platform.kafka.StreamsService;
import io.pagewire.router.topology.RouterTopology;

/**
 * The severity router as a service: {@link RouterTopology} run by Kafka Streams with the
 * platform's exactly-once settings, application id {@value #APPLICATION_ID}. Scales out by
 * running more instances with the same configuration.
 *
 * <p>Metrics: {@code pagewire.router.duplicates}, {@code pagewire.router.events} (tag
 * {@code type}), {@code pagewire.router.orphan.resolutions}, and Kafka Streams' own metrics
 * ({@code kafka.stream.*}).
 */
public final class RouterService extends StreamsService {

  public static final String NAME = "severity-router";
  public static final String APPLICATION_ID = "pagewire-severity-router";

  private final KafkaStreamsMetrics streamsMetrics;

  public RouterService(PagewireConfig config, MeterRegistry metrics) {
    super(NAME, RouterTopology.build(config, metrics), KafkaSettings.streams(config, APPLICATION_ID, null));
    streamsMetrics = new KafkaStreamsMetrics(streams());
    streamsMetrics.bindTo(metrics);
  }

  @Override
  public void close() {
    try {
      super.close();
    } finally {
      streamsMetrics.close();
    }
  }
}
