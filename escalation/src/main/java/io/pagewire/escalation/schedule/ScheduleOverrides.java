package io.pagewire.escalation.schedule;

import io.pagewire.schemas.ScheduleOverride;
import io.pagewire.schemas.Topics;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

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
  static final String SOURCE = "schedule-overrides-source";
  static final String LOADER = "schedule-overrides-loader";

  private ScheduleOverrides() {}

  /** Adds the global store to {@code topology}; returns it for chaining. */
  public static Topology addTo(Topology topology) {
    return topology.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
            Topics.SCHEDULE_OVERRIDES.keySerde(), Topics.SCHEDULE_OVERRIDES.valueSerde()).withLoggingDisabled(),
        SOURCE, Topics.SCHEDULE_OVERRIDES.keySerde().deserializer(), Topics.SCHEDULE_OVERRIDES.valueSerde().deserializer(),
        Topics.SCHEDULE_OVERRIDES.name(), LOADER, Loader::new);
  }

  /** Keeps the store equal to the compacted topic. */
  private static final class Loader implements Processor<String, ScheduleOverride, Void, Void> {
    private KeyValueStore<String, ScheduleOverride> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, ScheduleOverride> record) {
      if (record.key() == null) {
        return;
      }
      if (record.value() == null) {
        store.delete(record.key());
      } else {
        store.put(record.key(), record.value());
      }
    }
  }
}
