package io.pagewire.platform.http;

/**
 * Thrown by a handler to answer with an error status and a JSON body
 * {@code {"error": code, "message": message, "requestId": ...}}.
 */
public final class HttpError extends RuntimeException {

  private final int status;
  private final String code;

  public HttpError(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
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
}
