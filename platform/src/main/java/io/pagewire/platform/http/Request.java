package io.pagewire.platform.http;

import com.sun.net.httpserver.Headers;
import java.util.Map;

/**
 * One HTTP request, body already read (and bounded by {@code http.maxBodyBytes}).
 *
 * @param requestId unique per request; in every log line and error body about it
 * @param actor who made it: the id of the user whose {@code apiToken} it carries, the basic-auth
 *     user name, {@code token} for the {@code http.auth} bearer token, {@code anonymous} when no
 *     auth is configured (or on a public route)
 */
public record Request(
    String method,
    String path,
    Map<String, String> pathParams,
    Map<String, String> query,
    Headers headers,
    byte[] body,
    String requestId,
    String actor) {

  public String pathParam(String name) {
    return pathParams.get(name);
  }
}
