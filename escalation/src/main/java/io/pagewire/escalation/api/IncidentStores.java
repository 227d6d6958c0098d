package io.pagewire.escalation.api;

import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.IncidentTimeline;
import io.pagewire.schemas.TimelineEvent;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The escalation service's state as the incidents API reads it: this instance's stores, and
 * where the other instances are ({@code application.server} of each, {@code host:port}).
 */
public interface IncidentStores {

  /** This instance's incidents; throws {@link InvalidStateStoreException} while not queryable. */
  ReadOnlyKeyValueStore<String, IncidentState> incidents();

  /** This instance's incident timelines; throws {@link InvalidStateStoreException} while not queryable. */
  ReadOnlyKeyValueStore<String, IncidentTimeline> timelines();

  /** The events of this instance's incident timelines; throws {@link InvalidStateStoreException} while not queryable. */
  ReadOnlyKeyValueStore<String, TimelineEvent> timelineEvents();

  /**
   * This instance's newest-first index of its incidents
   * ({@link io.pagewire.escalation.topology.OpenedIndex} keys); throws
   * {@link InvalidStateStoreException} while not queryable.
   */
  ReadOnlyKeyValueStore<Bytes, byte[]> opened();

  /** The instance that holds {@code incidentId} when it is another one; empty when it is this one. */
  Optional<String> ownerElsewhere(String incidentId);

  /** Every other instance that holds part of the incidents. */
  List<String> otherInstances();
}
