package io.pagewire.platform.http;

import io.pagewire.platform.config.PagewireConfig;
import java.net.URI;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses what a web page on another site could make the operator's browser send, whether or not
 * credentials are configured (a loopback-only instance trusts whoever reaches it, so a browser
 * must not be able to reach it for someone else):
 *
 * <ul>
 *   <li>a state-changing request (POST, PUT, PATCH, DELETE) with an {@code Origin} other than
 *       this API's own (the request's {@code Host}, or {@code http.publicUrl}), or marked
 *       {@code Sec-Fetch-Site: cross-site}/{@code same-site}: 403 {@code foreign_origin};</li>
 *   <li>a state-changing request to {@code /api/} with a body that is not
 *       {@code Content-Type: application/json}: 415. A cross-site form or {@code text/plain}
 *       POST cannot set that type without a CORS preflight, which this API never grants. Public
 *       routes (signed links, whose token is the proof) take the confirmation form's post;</li>
 *   <li>without {@code http.auth}, any request whose {@code Host} is not a loopback name,
 *       {@code http.publicUrl}'s host or {@code http.advertisedHost}: 403 {@code foreign_host}
 *       (DNS rebinding: a page whose own name resolves to 127.0.0.1).</li>
 * </ul>
 */
final class BrowserGuard {

  private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

  private final boolean checkHost;
  private final Set<String> allowedHosts = new HashSet<>();
  private final String publicOrigin;

  BrowserGuard(PagewireConfig.Http config) {
    this.checkHost = !config.auth().configured();
    allowedHosts.add("localhost");
    allowedHosts.add("127.0.0.1");
    allowedHosts.add("[::1]");
    allowedHosts.add(config.host().toLowerCase(Locale.ROOT));
    allowedHosts.add(config.advertisedHost().toLowerCase(Locale.ROOT));
    String origin = null;
    try {
      URI url = URI.create(config.publicUrl());
      if (url.getHost() != null) {
        allowedHosts.add(url.getHost().toLowerCase(Locale.ROOT));
        origin = origin(url.getScheme(), url.getHost(), url.getPort());
      }
    } catch (IllegalArgumentException e) {
      // an unparsable publicUrl only means no extra origin is trusted
    }
    this.publicOrigin = origin;
  }

  /** @param publicRoute the route needs no credentials (its request carries its own proof) */
  void check(String method, String path, Headers headers, long length, boolean publicRoute) {
    String host = headers.getFirst("Host");
    if (checkHost && (host == null || !allowedHosts.contains(hostName(host)))) {
      throw new HttpError(403, "foreign_host", "Host " + host + " is not this API's; without http.auth only "
          + "localhost or the name in http.publicUrl is answered (a page elsewhere must not reach this API through the browser)");
    }
    if (!STATE_CHANGING.contains(method)) {
      return;
    }
    String fetchSite = headers.getFirst("Sec-Fetch-Site");
    if (fetchSite != null && (fetchSite.equalsIgnoreCase("cross-site") || fetchSite.equalsIgnoreCase("same-site"))) {
      throw foreignOrigin("Sec-Fetch-Site: " + fetchSite);
    }
    String origin = headers.getFirst("Origin");
    if (origin != null && !sameOrigin(origin, host)) {
      throw foreignOrigin("Origin " + origin);
    }
    boolean hasBody = length > 0 || (length < 0 && headers.containsKey("Transfer-Encoding"));
    if (hasBody && !publicRoute && path.startsWith("/api/") && !isJson(headers.getFirst("Content-Type"))) {
      throw new HttpError(415, "unsupported_media_type", "send the body as Content-Type: application/json, not "
          + (headers.getFirst("Content-Type") == null ? "without a Content-Type" : headers.getFirst("Content-Type")));
    }
  }

  private boolean sameOrigin(String origin, String host) {
    URI url;
    try {
      url = URI.create(origin.strip());
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (url.getHost() == null || url.getScheme() == null) {
      return false; // "null" (a sandboxed frame, a file) or garbage
    }
    String normalized = origin(url.getScheme(), url.getHost(), url.getPort());
    if (normalized.equals(publicOrigin)) {
      return true;
    }
    if (host == null) {
      return false;
    }
    String authority = url.getHost().toLowerCase(Locale.ROOT) + (url.getPort() >= 0 ? ":" + url.getPort() : "");
    String hostHeader = host.strip().toLowerCase(Locale.ROOT);
    return authority.equals(hostHeader)
        || authority.equals(hostHeader + ":" + defaultPort(url.getScheme()))
        || (authority + ":" + defaultPort(url.getScheme())).equals(hostHeader);
  }

  private static String origin(String scheme, String host, int port) {
    String s = scheme.toLowerCase(Locale.ROOT);
    return s + "://" + host.toLowerCase(Locale.ROOT) + ":" + (port >= 0 ? port : defaultPort(s));
  }

  private static int defaultPort(String scheme) {
    return scheme.equalsIgnoreCase("https") ? 443 : 80;
  }

  /** The host of a {@code Host} header, without the port. */
  private static String hostName(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 ? h.substring(0, end + 1) : h;
    }
    int colon = h.lastIndexOf(':');
    return colon >= 0 ? h.substring(0, colon) : h;
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return type.equals("application/json");
  }

  private static HttpError foreignOrigin(String what) {
    return new HttpError(403, "foreign_origin", what + ": a state-changing request must come from this API's own origin"
        + " (a page on another site may not act through the operator's browser)");
  }
}
