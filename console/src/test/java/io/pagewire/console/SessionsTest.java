package io.pagewire.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.Principal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SessionsTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T23:00:00Z"), ZoneOffset.UTC);

  private static Sessions sessions(String yaml) {
    return new Sessions(ConfigLoader.parse("test.yaml", yaml), CLOCK);
  }

  @Test
  void shouldAskForNoSignInOnTheLoopbackDemoWithoutCredentials() {
    assertThat(new Sessions(PagewireConfig.defaults(), CLOCK).signInRequired()).isFalse();
  }

  @Test
  void shouldAskForASignInOnceAUserHasAToken() {
    assertThat(sessions("users: {alice: {apiToken: a-token}}").signInRequired()).isTrue();
  }

  @Test
  void shouldSignInTheUserWhoseTokenItIsWithTheScopesTheApiGivesThatToken() {
    Sessions sessions = sessions("users: {alice: {apiToken: a-token, operator: true}, bob: {apiToken: b-token}}");

    assertThat(sessions.signIn("b-token")).contains(Principal.user("bob", false));
    assertThat(sessions.signIn(" a-token ")).contains(Principal.user("alice", true));
    assertThat(sessions.signIn("nobody's")).isEmpty();
    assertThat(sessions.signIn("")).isEmpty();
  }

  @Test
  void shouldNotSignAnybodyInWithAlertmanagersSharedToken() {
    Sessions sessions = sessions("""
        http: {auth: {bearerToken: am-token}}
        users: {alice: {apiToken: a-token}}
        """);

    assertThat(sessions.signIn("am-token")).isEmpty();
  }

  @Test
  void shouldAcceptOnlyTheSessionsOwnCsrfToken() {
    Sessions sessions = new Sessions(PagewireConfig.defaults(), CLOCK);
    Sessions.Session one = sessions.create(Principal.ANONYMOUS, false);
    Sessions.Session other = sessions.create(Principal.ANONYMOUS, false);

    assertThat(Sessions.csrfValid(one.csrf(), one)).isTrue();
    assertThat(Sessions.csrfValid(other.csrf(), one)).isFalse();
    assertThat(Sessions.csrfValid(null, one)).isFalse();
    assertThat(Sessions.csrfValid(one.csrf(), null)).isFalse();
    assertThat(one.id()).isNotEqualTo(other.id()).hasSizeGreaterThanOrEqualTo(43);
  }

  @Test
  void shouldSetAnHttpOnlySameSiteStrictCookieThatIsSecureBehindTls() {
    Sessions.Session session = new Sessions(PagewireConfig.defaults(), CLOCK).create(Principal.ANONYMOUS, false);

    assertThat(Sessions.cookie(session, false)).isEqualTo("pagewire_session=" + session.id() + "; Path=/; HttpOnly; SameSite=Strict");
    assertThat(Sessions.cookie(session, true)).endsWith("; HttpOnly; SameSite=Strict; Secure");
    assertThat(sessions("http: {publicUrl: \"https://pagewire.example.com\"}").secure(null)).isTrue();
    assertThat(new Sessions(PagewireConfig.defaults(), CLOCK).secure("https")).isTrue();
    assertThat(new Sessions(PagewireConfig.defaults(), CLOCK).secure(null)).isFalse();
  }
}
