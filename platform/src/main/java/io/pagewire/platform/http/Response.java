package io.pagewire.platform.http;

/** A status and a body that is written as JSON (a String body is written as plain text). */
public record Response(int status, Object body, String contentType) {

  public static Response ok(Object body) {
    return new Response(200, body, "application/json");
  }

  public static Response accepted(Object body) {
    return new Response(202, body, "application/json");
  }

  public static Response text(int status, String body, String contentType) {
    return new Response(status, body, contentType);
  }
}
