package io.pagewire.platform.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * One HTTP request. The body is read on first use of {@link #body()}, bounded by
 * {@code http.maxBodyBytes} (413 beyond); a route with larger bodies reads them with its own
 * bound ({@link #body(long, String)}, {@link #bodyStream(long, String)}).
 */
public final class Request {

  private static final int PREALLOCATED_BYTES = 64 * 1024;

  private final String method;
  private final String path;
  private final Map<String, String> pathParams;
  private final Map<String, String> query;
  private final Headers headers;
  private final String requestId;
  private final Principal principal;
  private final BodySource source;
  private byte[] body;

  /** Where the body comes from; {@code limit} bytes at most, 413 beyond. */
  interface BodySource {
    InputStream open(long limit, String limitKey) throws IOException;

    long defaultLimit();

    long declaredLength();
  }

  Request(String method, String path, Map<String, String> pathParams, Map<String, String> query, Headers headers,
          String requestId, Principal principal, BodySource source) {
    this.method = method;
    this.path = path;
    this.pathParams = Map.copyOf(pathParams);
    this.query = query;
    this.headers = headers;
    this.requestId = requestId;
    this.principal = principal;
    this.source = source;
  }

  public String method() {
    return method;
  }

  public String path() {
    return path;
  }

  public Map<String, String> pathParams() {
    return pathParams;
  }

  public String pathParam(String name) {
    return pathParams.get(name);
  }

  /** Query parameters, decoded; the first value of each name. */
  public Map<String, String> query() {
    return query;
  }

  public Headers headers() {
    return headers;
  }

  /** Unique per request; in every log line and error body about it. */
  public String requestId() {
    return requestId;
  }

  /** Who made the request, and what they may do ({@link Principal}). */
  public Principal principal() {
    return principal;
  }

  /**
   * The name of who made it: the id of the user whose {@code apiToken} it carries, the basic-auth
   * user name, {@code ingest} for the {@code http.auth} credential, {@code anonymous} without
   * authentication (or on a public route).
   */
  public String actor() {
    return principal.name();
  }

  /** {@link Principal#actor(String)}: the principal, or without authentication what the body claims. */
  public String actor(String claimed) {
    return principal.actor(claimed);
  }

  /** The whole body, at most {@code http.maxBodyBytes} (413 beyond). */
  public synchronized byte[] body() {
    if (body == null) {
      try (InputStream in = source.open(source.defaultLimit(), "http.maxBodyBytes")) {
        body = readAll(in, source.declaredLength());
      } catch (IOException e) {
        throw HttpApi.unreadable(e);
      }
    }
    return body;
  }

  /**
   * The whole body, at most {@code limit} bytes (413 naming {@code limitKey} beyond), for a route
   * whose bodies may be larger than {@code http.maxBodyBytes}.
   */
  public synchronized byte[] body(long limit, String limitKey) {
    if (body == null) {
      try (InputStream in = source.open(limit, limitKey)) {
        body = readAll(in, source.declaredLength());
      } catch (IOException e) {
        throw HttpApi.unreadable(e);
      }
    }
    return body;
  }

  /**
   * The rest of {@code in}: with a declared length of at most {@value #PREALLOCATED_BYTES} bytes,
   * read straight into an array of that size, without the chunks and the copy of
   * {@link InputStream#readAllBytes()}. A larger body is read as it arrives, so that a declared
   * length alone, before any byte, holds no more memory than that.
   */
  private static byte[] readAll(InputStream in, long declared) throws IOException {
    if (declared < 0 || declared > PREALLOCATED_BYTES) {
      return in.readAllBytes();
    }
    byte[] bytes = new byte[(int) declared];
    int read = 0;
    while (read < bytes.length) {
      int n = in.read(bytes, read, bytes.length - read);
      if (n < 0) {
        throw new IOException("the body ended after " + read + " of its " + declared + " bytes");
      }
      read += n;
    }
    if (in.read() >= 0) {
      throw new IOException("the body is longer than its declared " + declared + " bytes");
    }
    return bytes;
  }

  /** The body's declared length ({@code Content-Length}), or -1 when it is sent chunked. */
  public long declaredLength() {
    return source.declaredLength();
  }

  /**
   * The body as a stream of at most {@code limit} bytes: reading past it throws an
   * {@link HttpError} 413. For handlers that parse as they read, so that memory stays bounded
   * whatever the body's size.
   */
  public InputStream bodyStream(long limit, String limitKey) throws IOException {
    return source.open(limit, limitKey);
  }
}
