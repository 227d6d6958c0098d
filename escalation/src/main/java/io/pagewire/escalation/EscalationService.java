package io.pagewire.escalation;

import io.micrometer.core.instrument.MeterRegistry;
import io.pagewire.escalation.api.IncidentStores;
import io.pagewire.escalation.api.IncidentsApi;
import io.pagewire.escalation.links.LinkSigner;
import io.pagewire.escalation.schedule.OnCallApi;
import io.pagewire.escalation.topology.EscalationTopology;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.platform.kafka.StreamsService;
import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.IncidentTimeline;
import io.pagewire.schemas.TimelineEvent;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The escalation service: the Kafka Streams application {@value #APPLICATION_ID} running
 * {@link EscalationTopology}, and the incidents API ({@link IncidentsApi}) on its state.
 *
 * <p>{@code application.server} is {@code http.advertisedHost:http.port} (the advertised host
 * defaults to {@code http.host}, or to this machine's host name when that is a wildcard such as
 * {@code 0.0.0.0}): with several instances each must listen on a port of its own (not 0),
 * reachable by the others, so reads of incidents held elsewhere can be forwarded there.
 *
 * <p>Meters go to the registry given to the constructor (see
 * {@link io.pagewire.escalation.topology.EscalationMetrics}).
 */
public final class EscalationService extends StreamsService implements IncidentStores {

  public static final String NAME = "escalation";
  public static final String APPLICATION_ID = "pagewire-escalation";

  private final IncidentsApi api;
  private final HostInfo self;
  private final PagewireConfig config;

  public EscalationService(PagewireConfig config, MeterRegistry metrics) {
    this(config, metrics, LinkSigner.forConfig(config));
  }

  private EscalationService(PagewireConfig config, MeterRegistry metrics, LinkSigner links) {
    super(NAME, EscalationTopology.build(config, metrics, links),
        KafkaSettings.streams(config, APPLICATION_ID, config.http().advertisedServer(config.http().port())));
    this.config = config;
    this.self = new HostInfo(config.http().advertisedHost(), config.http().port());
    this.api = new IncidentsApi(config, this, links, Clock.systemUTC());
  }

  @Override
  public void routes(HttpApi http) {
    api.register(http);
    OnCallApi.register(http, config, this::streams);
  }

  @Override
  public ReadOnlyKeyValueStore<String, IncidentState> incidents() {
    return streams().store(StoreQueryParameters.fromNameAndType(
        EscalationTopology.INCIDENTS_STORE, QueryableStoreTypes.keyValueStore()));
  }

  @Override
  public ReadOnlyKeyValueStore<String, IncidentTimeline> timelines() {
    return streams().store(StoreQueryParameters.fromNameAndType(
        EscalationTopology.TIMELINE_STORE, QueryableStoreTypes.keyValueStore()));
  }

  @Override
  public ReadOnlyKeyValueStore<String, TimelineEvent> timelineEvents() {
    return streams().store(StoreQueryParameters.fromNameAndType(
        EscalationTopology.TIMELINE_EVENTS_STORE, QueryableStoreTypes.keyValueStore()));
  }

  @Override
  public ReadOnlyKeyValueStore<Bytes, byte[]> opened() {
    return streams().store(StoreQueryParameters.fromNameAndType(
        EscalationTopology.OPENED_STORE, QueryableStoreTypes.keyValueStore()));
  }

  @Override
  public Optional<String> ownerElsewhere(String incidentId) {
    KeyQueryMetadata metadata = streams().queryMetadataForKey(EscalationTopology.INCIDENTS_STORE, incidentId,
        Serdes.String().serializer());
    if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE) || metadata.activeHost().equals(self)) {
      return Optional.empty();
    }
    return Optional.of(address(metadata.activeHost()));
  }

  @Override
  public List<String> otherInstances() {
    return streams().streamsMetadataForStore(EscalationTopology.INCIDENTS_STORE).stream()
        .map(m -> m.hostInfo())
        .filter(host -> !host.equals(self))
        .map(EscalationService::address)
        .toList();
  }

  private static String address(HostInfo host) {
    return host.host() + ":" + host.port();
  }

  @Override
  public void close() {
    super.close();
    api.close();
  }

  /** Overdue pages wait on this service after a restart: it starts before the others. */
  @Override
  public boolean deliversDuePages() {
    return true;
  }
}
