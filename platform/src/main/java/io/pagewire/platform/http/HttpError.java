package io.pagewire.platform.http;

import java.util.Map;

/**
 * Thrown by a handler to answer with an error status and a JSON body
 * {@code {"error": code, "message": message, "requestId": ...}}.
 */
public final class HttpError extends RuntimeException {

  private final int status;
  private final String code;
  private final Map<String, String> headers;

  public HttpError(int status, String code, String message) {
    this(status, code, message, Map.of());
  }

  /** @param headers sent with the error answer, e.g. {@code WWW-Authenticate} */
  public HttpError(int status, String code, String message, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.headers = Map.copyOf(headers);
  }

  public static HttpError badRequest(String message) {
    return new HttpError(400, "bad_request", message);
  }

  public static HttpError notFound(String message) {
    return new HttpError(404, "not_found", message);
  }

  public static HttpError unavailable(String message) {
    return new HttpError(503, "unavailable", message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
