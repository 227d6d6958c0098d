package io.pagewire.platform.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A status and a body that is written as JSON (a String body is written as text in
 * {@code contentType}; a {@link Stream} body is written as it is produced, for server-sent
 * events), with extra response headers (e.g. {@code Set-Cookie}).
 */
public record Response(int status, Object body, String contentType, Map<String, List<String>> headers) {

  public Response(int status, Object body, String contentType) {
    this(status, body, contentType, Map.of());
  }

  public static Response ok(Object body) {
    return new Response(200, body, "application/json");
  }

  public static Response accepted(Object body) {
    return new Response(202, body, "application/json");
  }

  public static Response text(int status, String body, String contentType) {
    return new Response(status, body, contentType);
  }

  public static Response html(int status, String html) {
    return new Response(status, html, "text/html; charset=utf-8");
  }

  /** A body written while it is produced, flushed by the writer: a server-sent event stream. */
  public static Response stream(String contentType, Stream body) {
    return new Response(200, body, contentType);
  }

  /** This response with one more header value. */
  public Response withHeader(String name, String value) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
    copy.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    return new Response(status, body, contentType, copy);
  }

  /** Writes a body as it is produced; returns when the body is complete. The client going away is an IOException. */
  @FunctionalInterface
  public interface Stream {
    void write(OutputStream out) throws IOException;
  }
}
