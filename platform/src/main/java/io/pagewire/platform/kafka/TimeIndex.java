package io.pagewire.platform.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * big-endian bytes of epoch milliseconds followed by an id in UTF-8 (empty value), so a range
 * scan up to "now" yields what is due, earliest first. A sweep takes at most a bounded batch and
 * starts at a watermark below which the index holds nothing, so the tombstones of entries already
 * swept are not scanned again. The watermark lives in memory, or, given {@link Watermark}, in a
 * store as well, written when entries were taken and otherwise at most once a minute.
 *
 * <p>Entries are hints: the owner re-checks the entry's subject before acting on it, because a
 * subject that was seen again gets a newer entry and its older one is still there.
 */
public final class TimeIndex {

  /** Where the watermark is kept across restarts. */
  public interface Watermark {
    long load();

    void save(long watermark);
  }

  private static final byte[] PRESENT = new byte[0];
  private static final long IDLE_PERSIST_MILLIS = Duration.ofMinutes(1).toMillis();

  private final KeyValueStore<Bytes, byte[]> store;
  private final Watermark persisted;
  private long watermark;
  private long savedWatermark;

  /** An index whose watermark lives in memory: after a restart the first sweep starts at 0. */
  public TimeIndex(KeyValueStore<Bytes, byte[]> store) {
    this(store, null);
  }

  public TimeIndex(KeyValueStore<Bytes, byte[]> store, Watermark persisted) {
    this.store = store;
    this.persisted = persisted;
    this.watermark = persisted != null ? persisted.load() : 0;
    this.savedWatermark = watermark;
  }

  /** The store a {@link TimeIndex} lives in, changelogged like every other store. */
  public static StoreBuilder<KeyValueStore<Bytes, byte[]>> storeBuilder(String name) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray());
  }

  /** One entry: {@code id} is due at {@code at}. */
  public record Entry(Instant at, String id) {}

  public void add(Instant at, String id) {
    long millis = Math.max(0, at.toEpochMilli());
    store.put(key(millis, id), PRESENT);
    if (millis < watermark) {
      watermark = millis; // an entry behind the watermark is swept too
      save();
    }
  }

  /**
   * Removes and returns the entries due at or before {@code now}, earliest first, at most
   * {@code limit} of them; the rest come with the next sweep.
   */
  public List<Entry> takeDue(Instant now, int limit) {
    List<Entry> due = new ArrayList<>();
    boolean more;
    try (KeyValueIterator<Bytes, byte[]> range = store.range(from(watermark), from(now.toEpochMilli() + 1))) {
      while (range.hasNext() && due.size() < limit) {
        due.add(parse(range.next().key));
      }
      more = range.hasNext();
    }
    for (Entry entry : due) {
      store.delete(key(entry.at().toEpochMilli(), entry.id()));
    }
    // Everything below the last entry taken is gone; with nothing left, everything up to now is.
    long reached = more ? due.get(due.size() - 1).at().toEpochMilli() : now.toEpochMilli() + 1;
    if (reached > watermark) {
      watermark = reached;
      if (!due.isEmpty() || watermark - savedWatermark >= IDLE_PERSIST_MILLIS) {
        save();
      }
    }
    return due;
  }

  private void save() {
    if (persisted != null) {
      persisted.save(watermark);
      savedWatermark = watermark;
    }
  }

  /**
   * The smallest key at {@code millis}. No real key equals it (real keys carry an id), so it
   * also serves as an exclusive upper bound in the store's inclusive range scans.
   */
  private static Bytes from(long millis) {
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(millis).array());
  }

  private static Bytes key(long millis, String id) {
    byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + bytes.length).putLong(millis).put(bytes).array());
  }

  private static Entry parse(Bytes key) {
    ByteBuffer buffer = ByteBuffer.wrap(key.get());
    long millis = buffer.getLong();
    return new Entry(Instant.ofEpochMilli(millis), StandardCharsets.UTF_8.decode(buffer).toString());
  }
}
