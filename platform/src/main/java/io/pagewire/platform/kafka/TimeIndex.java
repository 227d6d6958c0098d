package io.pagewire.platform.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * A time-ordered index in a state store, for expiry sweeps: each entry is keyed by the time as 8
 * big-endian bytes of epoch milliseconds followed by an id, so a range scan up to "now" yields
 * what is due, earliest first. A sweep takes at most a bounded batch and starts at an in-memory
 * watermark, so deleted keys already swept are not scanned again (after a restart the first
 * sweep starts at 0 once).
 *
 * <p>Entries are hints: the owner re-checks the entry's subject before acting on it, because a
 * subject that was seen again gets a newer entry and its older one is still there.
 */
public final class TimeIndex {

  private final KeyValueStore<Bytes, String> store;
  private long watermark;

  public TimeIndex(KeyValueStore<Bytes, String> store) {
    this.store = store;
  }

  /** The store a {@link TimeIndex} lives in, changelogged like every other store. */
  public static StoreBuilder<KeyValueStore<Bytes, String>> storeBuilder(String name) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.String());
  }

  /** One entry: {@code id} is due at {@code at}. */
  public record Entry(Instant at, String id) {}

  public void add(Instant at, String id) {
    long millis = Math.max(0, at.toEpochMilli());
    watermark = Math.min(watermark, millis); // an entry behind the watermark is swept too
    store.put(key(millis, id), id);
  }

  /**
   * Removes and returns the entries due at or before {@code now}, earliest first, at most
   * {@code limit} of them; the rest come with the next sweep.
   */
  public List<Entry> takeDue(Instant now, int limit) {
    List<Entry> due = new ArrayList<>();
    Bytes to = Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(now.toEpochMilli() + 1).array());
    try (KeyValueIterator<Bytes, String> range = store.range(from(watermark), to)) {
      while (range.hasNext() && due.size() < limit) {
        var entry = range.next();
        due.add(new Entry(Instant.ofEpochMilli(ByteBuffer.wrap(entry.key.get()).getLong()), entry.value));
      }
    }
    for (Entry entry : due) {
      store.delete(key(entry.at().toEpochMilli(), entry.id()));
    }
    if (due.size() < limit) {
      watermark = Math.max(watermark, now.toEpochMilli() + 1);
    } else if (!due.isEmpty()) {
      watermark = Math.max(watermark, due.get(due.size() - 1).at().toEpochMilli());
    }
    return due;
  }

  private static Bytes from(long millis) {
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(millis).array());
  }

  private static Bytes key(long millis, String id) {
    byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + bytes.length).putLong(millis).put(bytes).array());
  }
}
