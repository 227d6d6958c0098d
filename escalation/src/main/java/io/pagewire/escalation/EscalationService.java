package io.pagewire.escalation;

import io.micrometer.core.instrument.MeterRegistry;
import io.pagewire.escalation.api.IncidentsApi;
import io.pagewire.escalation.topology.EscalationTopology;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.platform.kafka.StreamsService;
import io.pagewire.schemas.IncidentState;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The escalation service: the Kafka Streams application {@value #APPLICATION_ID} running
 * {@link EscalationTopology}, and the incidents API ({@link IncidentsApi}) on its state.
 *
 * <p>Meters go to the registry given to the constructor (see
 * {@link io.pagewire.escalation.topology.EscalationMetrics}).
 */
public final class EscalationService extends StreamsService {

  public static final String NAME = "escalation";
  public static final String APPLICATION_ID = "pagewire-escalation";

  private final IncidentsApi api;

  public EscalationService(PagewireConfig config, MeterRegistry metrics) {
    super(NAME, EscalationTopology.build(config, metrics),
        KafkaSettings.streams(config, APPLICATION_ID, config.http().host() + ":" + config.http().port()));
    this.api = new IncidentsApi(config, this::incidents, Clock.systemUTC());
  }

  @Override
  public void routes(HttpApi http) {
    api.register(http);
  }

  /** This instance's incidents; throws InvalidStateStoreException while they are not queryable. */
  private ReadOnlyKeyValueStore<String, IncidentState> incidents() {
    return streams().store(StoreQueryParameters.fromNameAndType(
        EscalationTopology.INCIDENTS_STORE, QueryableStoreTypes.keyValueStore()));
  }

  @Override
  public void close() {
    super.close();
    api.close();
  }
}
