package io.pagewire.escalation.schedule;

import io.pagewire.schemas.ScheduleOverride;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Where {@link OnCall} finds temporary overrides: the global store {@link ScheduleOverrides#STORE}, or a fixed list. */
@FunctionalInterface
public interface OverrideSource {

  OverrideSource NONE = schedule -> List.of();

  /** Every override of {@code schedule}, current, past and future. */
  List<ScheduleOverride> forSchedule(String schedule);

  /** Reads the store at each call; overrides are few (people add them by hand), so a scan is cheap. */
  static OverrideSource of(ReadOnlyKeyValueStore<String, ScheduleOverride> store) {
    return schedule -> {
      List<ScheduleOverride> found = new ArrayList<>();
      try (KeyValueIterator<String, ScheduleOverride> all = store.all()) {
        all.forEachRemaining(kv -> {
          if (kv.value != null && kv.value.getSchedule().equals(schedule)) {
            found.add(kv.value);
          }
        });
      }
      return found;
    };
  }

  static OverrideSource of(Collection<ScheduleOverride> overrides) {
    List<ScheduleOverride> copy = List.copyOf(overrides);
    return schedule -> copy.stream().filter(o -> o.getSchedule().equals(schedule)).toList();
  }
}
