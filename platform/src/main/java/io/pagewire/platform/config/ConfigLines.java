package io.pagewire.platform.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where each key of a configuration file is written: {@code notifier.channels.ops.url} to line
 * 12, column 7. Read from the same YAML text the configuration was bound from, so that problems
 * found after binding (by a {@link ConfigCheck}) can name the line as Jackson's own errors do.
 */
final class ConfigLines {

  private final Map<String, JsonLocation> locations;

  private ConfigLines(Map<String, JsonLocation> locations) {
    this.locations = locations;
  }

  static ConfigLines of(String yaml) {
    Map<String, JsonLocation> locations = new HashMap<>();
    try (JsonParser p = ConfigLoader.YAML.createParser(yaml)) {
      for (JsonToken token = p.nextToken(); token != null; token = p.nextToken()) {
        if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
          continue;
        }
        // The first token at a path is its key (or, for a list item, the item itself).
        locations.putIfAbsent(path(token.isStructStart() ? p.getParsingContext().getParent() : p.getParsingContext()),
            p.currentTokenLocation());
      }
    } catch (IOException e) {
      // The text was bound already, so it parses; whatever was read so far still helps.
    }
    return new ConfigLines(locations);
  }

  /** The location of {@code path}, or of its nearest enclosing key that is written in the file. */
  Optional<JsonLocation> find(String path) {
    for (String at = path; !at.isEmpty(); at = parent(at)) {
      JsonLocation location = locations.get(at);
      if (location != null) {
        return Optional.of(location);
      }
    }
    return Optional.empty();
  }

  private static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut <= 0 ? "" : path.substring(0, cut);
  }

  private static String path(JsonStreamContext context) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.push("[" + Math.max(c.getCurrentIndex(), 0) + "]");
      } else if (c.getCurrentName() != null) {
        parts.push("." + c.getCurrentName());
      }
    }
    String joined = String.join("", parts);
    return joined.startsWith(".") ? joined.substring(1) : joined;
  }
}
