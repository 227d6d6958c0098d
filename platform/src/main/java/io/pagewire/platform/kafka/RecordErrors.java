package io.pagewire.platform.kafka;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.streams.StreamsConfig;

/**
 * How many records one Kafka Streams application skipped and dead-lettered, by the stage that
 * failed: {@code deserialization} (a record no reader can decode) or {@code processing} (an
 * exception thrown while processing one: a bug). Exported as
 * {@code pagewire.processing.errors{service, stage}} ({@code pagewire_processing_errors_total} on
 * {@code /metrics}), registered at zero so an alert on its increase sees the first error.
 *
 * <p>Kafka Streams creates its exception handlers itself, from class names; it hands them the
 * application's properties, so one instance of this class travels to every handler of the app
 * under {@link #CONFIG} ({@link StreamsService} puts it there), and the service's registry binds
 * it like any other {@link MeterBinder}.
 */
public final class RecordErrors implements MeterBinder {

  /** The Streams property that carries this application's instance to its exception handlers. */
  public static final String CONFIG = "pagewire.record.errors";

  static final String METRIC = "pagewire.processing.errors";

  private final String service;
  private final LongAdder deserialization = new LongAdder();
  private final LongAdder processing = new LongAdder();

  public RecordErrors(String service) {
    this.service = service;
  }

  /**
   * The instance the handlers of an application share: the one under {@link #CONFIG}, or, for an
   * application started without one (a test driving a topology), a new one nothing exports.
   */
  static RecordErrors of(Map<String, ?> configs) {
    Object shared = configs.get(CONFIG);
    if (shared instanceof RecordErrors errors) {
      return errors;
    }
    return new RecordErrors(String.valueOf(configs.get(StreamsConfig.APPLICATION_ID_CONFIG)));
  }

  public String service() {
    return service;
  }

  void deserializationFailed() {
    deserialization.increment();
  }

  void processingFailed() {
    processing.increment();
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    register(registry, "deserialization", deserialization);
    register(registry, "processing", processing);
  }

  private void register(MeterRegistry registry, String stage, LongAdder count) {
    FunctionCounter.builder(METRIC, count, LongAdder::doubleValue)
        .description("Records a Streams app skipped and sent to pagewire.dead-letters, by the stage that failed")
        .tag("service", service)
        .tag("stage", stage)
        .register(registry);
  }
}
