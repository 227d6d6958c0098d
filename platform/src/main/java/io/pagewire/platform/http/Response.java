package io.pagewire.platform.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler answers: a status, a body and its content type, and extra headers.
 *
 * <p>The body is written as JSON, except a {@code String} (written as is, in UTF-8, e.g. HTML or
 * Prometheus text), a {@code byte[]}, or an {@link EventStream.Opener} ({@link #events}): a
 * server-sent event stream held open after the handler returned.
 */
public record Response(int status, Object body, String contentType, Map<String, String> headers) {

  public static final String JSON = "application/json";
  public static final String HTML = "text/html; charset=utf-8";

  public Response {
    headers = Map.copyOf(headers);
  }

  public Response(int status, Object body, String contentType) {
    this(status, body, contentType, Map.of());
  }

  public static Response ok(Object body) {
    return new Response(200, body, JSON);
  }

  public static Response accepted(Object body) {
    return new Response(202, body, JSON);
  }

  public static Response json(int status, Object body) {
    return new Response(status, body, JSON);
  }

  public static Response text(int status, String body, String contentType) {
    return new Response(status, body, contentType);
  }

  /** An HTML page, {@code text/html; charset=utf-8}. The caller escapes what it interpolates. */
  public static Response html(int status, String page) {
    return new Response(status, page, HTML);
  }

  /**
   * A {@code text/event-stream} answer. {@code onOpen} gets the stream once the headers are sent
   * and may keep it, writing events from any thread, until it or the client closes it. At most
   * {@code http.maxEventStreams} are open at once; beyond that the request is answered 503.
   */
  public static Response events(EventStream.Opener onOpen) {
    return new Response(200, onOpen, "text/event-stream; charset=utf-8",
        Map.of("Cache-Control", "no-store", "X-Accel-Buffering", "no"));
  }

  /** This answer with {@code more} headers as well. */
  public Response withHeaders(Map<String, String> more) {
    if (more.isEmpty()) {
      return this;
    }
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.putAll(more);
    return new Response(status, body, contentType, all);
  }

  /** This answer with one more header (e.g. {@code Set-Cookie}, {@code Location}). */
  public Response withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Response(status, body, contentType, more);
  }
}
