package io.pagewire.reports.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pagewire.platform.http.Json;
import io.pagewire.reports.model.Report;

/**
 * JSON for other tools: the report's records as they are, instants in ISO-8601 UTC, durations in
 * ISO-8601 ({@code PT18M}), null where something did not happen or was not recorded.
 */
final class JsonRenderer {

  private static final ObjectMapper MAPPER = Json.MAPPER.copy()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

  private JsonRenderer() {}

  static String render(Report report) {
    try {
      return MAPPER.writeValueAsString(report) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the report as JSON", e);
    }
  }
}
