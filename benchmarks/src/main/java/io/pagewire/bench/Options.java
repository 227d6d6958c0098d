package io.pagewire.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options; every option read is known, anything else is refused. */
final class Options {

  private final Map<String, String> values = new HashMap<>();
  private final Set<String> read = new HashSet<>();

  Options(String[] args, int from) {
    for (int i = from; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value, got '" + args[i] + "'");
      }
      values.put(args[i], args[++i]);
    }
  }

  String value(String name, String fallback) {
    read.add(name);
    return values.getOrDefault(name, fallback);
  }

  int intValue(String name, int fallback) {
    return Integer.parseInt(value(name, Integer.toString(fallback)).replace("_", "").replace(",", ""));
  }

  /** Fails on options nobody read (a typo would otherwise silently run the default). */
  void checkAllRead() {
    Set<String> unknown = new HashSet<>(values.keySet());
    unknown.removeAll(read);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown options " + unknown);
    }
  }
}
