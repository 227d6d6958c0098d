package io.pagewire.ingest.alertmanager;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.platform.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The real Alertmanager 0.25 webhook bodies in the repository's fixtures/ folder. */
public final class Fixtures {

  public static final List<String> ALL = List.of(
      "alertmanager-0.25-1-firing-one-critical.json",
      "alertmanager-0.25-2-firing-two-alerts.json",
      "alertmanager-0.25-3-one-resolved-one-firing.json",
      "alertmanager-0.25-4-second-group-warning.json",
      "alertmanager-0.25-5-all-resolved.json");

  private Fixtures() {}

  public static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fixture as a JSON tree, to compare parsed alerts with what Alertmanager sent. */
  public static JsonNode tree(String name) {
    try {
      return Json.MAPPER.readTree(bytes(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
