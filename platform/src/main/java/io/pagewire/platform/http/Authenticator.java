package io.pagewire.platform.http;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.config.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Turns a request's {@code Authorization} header into a {@link Principal}: a configured user's
 * {@code apiToken} (that user), the {@code http.auth} bearer token or basic-auth pair (the
 * ingest credential), or, without {@code http.auth}, {@link Principal#ANONYMOUS}. Anything else
 * is a 401 with {@code WWW-Authenticate}.
 */
final class Authenticator {

  private final PagewireConfig.Auth auth;
  private final Map<String, PagewireConfig.User> users;

  Authenticator(PagewireConfig.Auth auth, Map<String, PagewireConfig.User> users) {
    this.auth = auth;
    this.users = Map.copyOf(users);
  }

  Principal authenticate(Headers headers) {
    String header = headers.getFirst("Authorization");
    String bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
    if (bearer != null && !bearer.isEmpty()) {
      for (Map.Entry<String, PagewireConfig.User> user : users.entrySet()) {
        Secret token = user.getValue().apiToken();
        if (token != null && token.matches(bearer)) {
          return Principal.user(user.getKey(), user.getValue().operator());
        }
      }
    }
    if (!auth.configured()) {
      return Principal.ANONYMOUS;
    }
    if (bearer != null && auth.bearerToken() != null && auth.bearerToken().matches(bearer)) {
      return ingestPrincipal("token");
    }
    if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6) && auth.username() != null && auth.password() != null) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        decoded = "";
      }
      int colon = decoded.indexOf(':');
      if (colon > 0 && decoded.substring(0, colon).equals(auth.username())
          && auth.password().matches(decoded.substring(colon + 1))) {
        return ingestPrincipal(auth.username());
      }
    }
    throw new HttpError(401, "unauthorized",
        header == null ? "this API needs credentials (Authorization: Bearer <token> or Basic)"
            : "the credentials in the Authorization header are not valid",
        Map.of("WWW-Authenticate", auth.bearerToken() != null ? "Bearer realm=\"pagewire\"" : "Basic realm=\"pagewire\""));
  }

  private static Principal ingestPrincipal(String name) {
    return Principal.ingest(name);
  }
}
