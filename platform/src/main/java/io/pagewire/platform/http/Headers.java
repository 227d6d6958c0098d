package io.pagewire.platform.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The headers of one request, looked up without regard to case. */
public final class Headers {

  private final Map<String, List<String>> values;

  /** @param values header values by lower-case name */
  Headers(Map<String, List<String>> values) {
    this.values = values;
  }

  /** The first value of {@code name}, or null. */
  public String getFirst(String name) {
    List<String> all = values.get(name.toLowerCase(Locale.ROOT));
    return all == null || all.isEmpty() ? null : all.get(0);
  }

  public boolean containsKey(String name) {
    return values.containsKey(name.toLowerCase(Locale.ROOT));
  }

  /** Every value of {@code name}, in the order they came. */
  public List<String> all(String name) {
    return values.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }
}
