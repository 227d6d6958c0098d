package io.pagewire.platform.http;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who made a request and what they may do: the one place the authorization model lives.
 *
 * <ul>
 *   <li>{@link #ANONYMOUS}: no {@code http.auth} configured (a loopback-only instance): every
 *       scope, as before authentication existed; on a public route: none.</li>
 *   <li>{@link #ingest(String)}: the {@code http.auth} credential Alertmanager sends: only
 *       {@link Scope#INGEST}. It cannot read, acknowledge, silence or resolve anything.</li>
 *   <li>{@link #user(String, boolean)}: a person from {@code users}, by their {@code apiToken}
 *       (or, beside it, a console session): {@link Scope#READ} and {@link Scope#RESPOND}, plus
 *       {@link Scope#OPERATOR} when the user has {@code operator: true}.</li>
 * </ul>
 *
 * @param name the actor recorded for what the request does
 * @param person true when {@code name} is a configured user's id (commands carry it as actor)
 */
public record Principal(String name, boolean person, Set<Scope> scopes) {

  /** What a principal may do. A route needs one ({@link HttpApi#route(String, String, Scope, Handler)}). */
  public enum Scope {
    /** Post alerts (the webhook). */
    INGEST,
    /** Read incidents, silences, schedules. */
    READ,
    /** Act on incidents: acknowledge, resolve, snooze, notes; create silences, expire one's own. */
    RESPOND,
    /** Configuration-level actions: schedule overrides, expiring anyone's silence. */
    OPERATOR
  }

  public static final Principal ANONYMOUS = new Principal("anonymous", false, EnumSet.allOf(Scope.class));
  /** On a public route: the request carries its own proof (a signed link), no scope. */
  public static final Principal PUBLIC = new Principal("anonymous", false, Set.of());

  public Principal {
    scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(scopes);
  }

  public static Principal ingest(String name) {
    return new Principal(name, false, Set.of(Scope.INGEST));
  }

  public static Principal user(String id, boolean operator) {
    return new Principal(id, true, operator ? EnumSet.of(Scope.READ, Scope.RESPOND, Scope.OPERATOR)
        : EnumSet.of(Scope.READ, Scope.RESPOND));
  }

  /**
   * Who a request acts as when its body names someone ({@code actor}, {@code createdBy}): without
   * authentication ({@link #ANONYMOUS}) the claim is taken on trust, as nobody is known; with
   * authentication on, always this principal, whatever the body claims.
   */
  public String actor(String claimed) {
    return this == ANONYMOUS && claimed != null && !claimed.isBlank() ? claimed : name;
  }

  public boolean has(Scope scope) {
    return scopes.contains(scope);
  }

  /** Throws 403 naming the missing scope unless this principal has it. */
  public void require(Scope scope) {
    if (!has(scope)) {
      throw new HttpError(403, "forbidden", name + " may not do this: it needs the "
          + scope.name().toLowerCase(java.util.Locale.ROOT) + " scope"
          + (scope == Scope.OPERATOR ? " (a user with operator: true)" : ""));
    }
  }
}
