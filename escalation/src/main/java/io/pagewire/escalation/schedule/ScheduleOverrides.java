package io.pagewire.escalation.schedule;

import io.pagewire.platform.kafka.GlobalTopicStore;
import io.pagewire.schemas.ScheduleOverride;
import io.pagewire.schemas.Topics;
import org.apache.kafka.streams.Topology;

/**
 * The topology part of schedule overrides: a global store {@value #STORE} holding every record
 * of the compacted topic {@code pagewire.schedule-overrides} (override id to
 * {@link ScheduleOverride}; a tombstone deletes). Global, so every instance sees every override:
 * the escalation processor reads it when it pages a schedule ({@code
 * OverrideSource.of(context.getStateStore(STORE))}), and the overrides API answers from it on
 * any instance. Kafka Streams restores a global store before its stream threads process
 * anything, so after a restart no timer fires before the overrides are back.
 */
public final class ScheduleOverrides {

  public static final String STORE = "schedule-overrides";

  private ScheduleOverrides() {}

  /** Adds the global store to {@code topology}; returns it for chaining. */
  public static Topology addTo(Topology topology) {
    return GlobalTopicStore.addTo(topology, Topics.SCHEDULE_OVERRIDES, STORE);
  }
}
