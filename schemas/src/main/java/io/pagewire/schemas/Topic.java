package io.pagewire.schemas;

import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic bound to the serdes of its key and value. Declared once, in {@link Topics}.
 *
 * @param name the topic name
 * @param key what the key is, for humans (the README's topic table)
 * @param keySerde serde of the key
 * @param valueSerde serde of the value
 * @param compacted true for {@code cleanup.policy=compact}, false for {@code delete}
 * @param retention how long records are kept ({@code retention.ms}); ignored when compacted
 */
public record Topic<K, V>(
    String name,
    String key,
    Serde<K> keySerde,
    Serde<V> valueSerde,
    boolean compacted,
    Duration retention) {

  public String cleanupPolicy() {
    return compacted ? "compact" : "delete";
  }
}
