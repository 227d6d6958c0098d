package io.pagewire.console;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.HttpError;
import io.pagewire.platform.http.Principal;
import io.pagewire.platform.http.Request;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's sessions: a user's {@code apiToken} typed into the sign-in form is exchanged for a
 * random session id in a cookie
 * ({@code HttpOnly}, {@code SameSite=Strict}, {@code Secure} when the console is reached over TLS),
 * so no credential is ever in a URL or kept by the browser. Every session, also the anonymous one
 * the loopback demo without credentials gives out, carries a CSRF token that every state-changing
 * console request must send back (form field {@value #CSRF_FIELD} or header {@value #CSRF_HEADER}).
 *
 * <p>Sessions live in this process's memory: a restart signs everybody out, and with several
 * instances behind one address the balancer must keep a browser on one instance.
 */
final class Sessions {

  static final String COOKIE = "pagewire_session";
  static final String CSRF_FIELD = "_csrf";
  static final String CSRF_HEADER = "X-CSRF-Token";
  /** A session unused this long is forgotten. */
  static final Duration IDLE = Duration.ofHours(12);
  private static final int MAX_SESSIONS = 10_000;

  /**
   * @param principal who acts: the signed-in user, or {@link Principal#ANONYMOUS} where no sign-in
   *     is configured (and, before sign-in, a session that only carries the sign-in form's CSRF token)
   */
  record Session(String id, Principal principal, String csrf, boolean signedIn, Instant lastSeen) {}

  private final PagewireConfig config;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  Sessions(PagewireConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** True when {@code http.auth} or a user's {@code apiToken} is configured: then every page needs a sign-in. */
  boolean signInRequired() {
    return config.http().auth().configured()
        || config.users().values().stream().anyMatch(u -> u.apiToken() != null);
  }

  /** The request's session, if its cookie names a live one. */
  Optional<Session> of(Request request) {
    String id = cookie(request, COOKIE);
    if (id == null) {
      return Optional.empty();
    }
    Session session = sessions.get(id);
    Instant now = clock.instant();
    if (session == null || session.lastSeen().plus(IDLE).isBefore(now)) {
      sessions.remove(id);
      return Optional.empty();
    }
    Session touched = new Session(session.id(), session.principal(), session.csrf(), session.signedIn(), now);
    sessions.put(id, touched);
    return Optional.of(touched);
  }

  /** A new session; its cookie is {@link #cookie}. */
  Session create(Principal principal, boolean signedIn) {
    if (sessions.size() >= MAX_SESSIONS) {
      Instant cutoff = clock.instant().minus(IDLE);
      sessions.values().removeIf(s -> s.lastSeen().isBefore(cutoff));
      if (sessions.size() >= MAX_SESSIONS) {
        throw HttpError.unavailable("too many console sessions; try again later");
      }
    }
    Session session = new Session(token(), principal, token(), signedIn, clock.instant());
    sessions.put(session.id(), session);
    return session;
  }

  void remove(Session session) {
    sessions.remove(session.id());
  }

  /**
   * The user whose {@code apiToken} the sign-in form's token is, as the principal the API gives
   * that token ({@link Principal#user}). The {@code http.auth} credential is Alertmanager's (it
   * may only post alerts) and signs nobody in.
   */
  Optional<Principal> signIn(String token) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    for (Map.Entry<String, PagewireConfig.User> user : config.users().entrySet()) {
      if (user.getValue().apiToken() != null && user.getValue().apiToken().matches(token.strip())) {
        return Optional.of(Principal.user(user.getKey(), user.getValue().operator()));
      }
    }
    return Optional.empty();
  }

  /** Throws 403 unless the request carries the session's CSRF token. */
  static void requireCsrf(Request request, Session session, Map<String, String> form) {
    String sent = request.headers().getFirst(CSRF_HEADER);
    if (!csrfValid(sent != null ? sent : form.get(CSRF_FIELD), session)) {
      throw new HttpError(403, "csrf_failed",
          "this form was not sent from a Pagewire console page of this session (missing or wrong CSRF token); reload the page");
    }
  }

  /** True when {@code sent} is the session's CSRF token (compared in constant time). */
  static boolean csrfValid(String sent, Session session) {
    return session != null && sent != null && constantTimeEquals(sent, session.csrf());
  }

  /** The Set-Cookie value of {@code session}: Secure when the console is reached over TLS. */
  String cookie(Session session, Request request) {
    return cookie(session, secure(request));
  }

  static String cookie(Session session, boolean secure) {
    return COOKIE + "=" + session.id() + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
  }

  String expiredCookie(Request request) {
    return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure(request) ? "; Secure" : "");
  }

  private boolean secure(Request request) {
    return secure(request.headers().getFirst("X-Forwarded-Proto"));
  }

  /** Behind TLS: {@code http.publicUrl} is https, or the proxy in front says it forwarded https. */
  boolean secure(String forwardedProto) {
    return config.http().publicUrl().startsWith("https:") || "https".equalsIgnoreCase(forwardedProto);
  }

  static String cookie(Request request, String name) {
    for (String header : request.headers().all("Cookie")) {
      for (String part : header.split(";")) {
        int eq = part.indexOf('=');
        if (eq > 0 && part.substring(0, eq).strip().equals(name)) {
          return part.substring(eq + 1).strip();
        }
      }
    }
    return null;
  }

  private String token() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
