package io.pagewire.platform.kafka;

import io.pagewire.schemas.Topic;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * A global store that mirrors a compacted topic on every instance: the latest value per key, a
 * tombstone deletes. It restores from the topic itself, so it keeps no changelog of its own.
 * Silences, inhibiting alerts and schedule overrides are held this way.
 */
public final class GlobalTopicStore<V> implements Processor<String, V, Void, Void> {

  private final String storeName;
  private KeyValueStore<String, V> store;

  private GlobalTopicStore(String storeName) {
    this.storeName = storeName;
  }

  /** Adds the store {@code storeName} mirroring {@code topic} to a DSL topology. */
  public static <V> void addTo(StreamsBuilder builder, Topic<String, V> topic, String storeName) {
    builder.addGlobalStore(storeBuilder(topic, storeName), topic.name(),
        Consumed.with(topic.keySerde(), topic.valueSerde()).withName(storeName + "-source"),
        () -> new GlobalTopicStore<>(storeName));
  }

  /** Adds the store {@code storeName} mirroring {@code topic} to a Processor API topology. */
  public static <V> Topology addTo(Topology topology, Topic<String, V> topic, String storeName) {
    return topology.addGlobalStore(storeBuilder(topic, storeName), storeName + "-source",
        topic.keySerde().deserializer(), topic.valueSerde().deserializer(), topic.name(),
        storeName + "-loader", () -> new GlobalTopicStore<>(storeName));
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> storeBuilder(Topic<String, V> topic, String storeName) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(storeName), topic.keySerde(), topic.valueSerde())
        .withLoggingDisabled();
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, V> record) {
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
