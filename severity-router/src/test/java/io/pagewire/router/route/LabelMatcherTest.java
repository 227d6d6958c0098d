package io.pagewire.router.route;

import static io.pagewire.router.TestAlerts.labels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagewire.platform.config.LabelMatcher;
import io.pagewire.platform.config.Matchers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Matchers as Alertmanager's pkg/labels evaluates them (cases from its matcher_test.go and parse_test.go). */
class LabelMatcherTest {

  private static final Map<String, String> ALERT = labels("alertname", "HighLatency", "service", "db-replica",
      "severity", "critical", "team", "infra", "empty", "");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = ';', textBlock = """
      service=db-replica ; true
      service="db-replica" ; true
      service=db ; false
      service!=db ; true
      service!=db-replica ; false
      service=~"db" ; false
      service=~"db.*" ; true
      service=~"db|db-replica" ; true
      service=~".*replica" ; true
      service=~"replica" ; false
      service!~"db" ; true
      service!~"db.*" ; false
      severity=~"critical|page" ; true
      severity=~"crit" ; false
      severity=~"CRITICAL" ; false
      severity=~"(?i)CRITICAL" ; true
      missing="" ; true
      missing!="" ; false
      missing=~"" ; true
      missing=~".*" ; true
      missing=~".+" ; false
      missing!~".+" ; true
      missing!=infra ; true
      empty="" ; true
      team!=infra ; false
      service=~"a|db-replica" ; true
      service=~"^db-replica$" ; true
      """)
  void shouldMatchLikeAlertmanagerWithAnchoredRegexesAndEmptyMissingLabels(String matcher, boolean matches) {
    assertThat(Matchers.parse(matcher).matches(ALERT)).isEqualTo(matches);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', textBlock = """
      {severity="critical",team!=infra} ; 2
      severity=~"critical|page", team!~"infra" ; 2
      {foo="bar,baz"} ; 1
      foo = bar ; 1
      a="with \\"quote\\"", ; 1
      """)
  void shouldParseAlertmanagerMatcherLists(String text, int count) {
    assertThat(LabelMatcher.parse(text)).hasSize(count);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', textBlock = """
      foo="bar,baz" ; bar,baz
      a="x\\"y" ; x"y
      a= spaced value ; spaced value
      """)
  void shouldReadQuotedAndBareValues(String text, String value) {
    assertThat(LabelMatcher.parse(text).get(0).value()).isEqualTo(value);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = ';', textBlock = """
      service=~"db(" ; invalid regex
      service=~"db(?=x)" ; invalid regex
      service ; needs one of
      =db ; no label name
      9lives=yes ; invalid label name
      a="open ; unterminated
      {a=b ; brace
      """)
  void shouldRefuseInvalidMatchersWithTheReason(String text, String message) {
    assertThatThrownBy(() -> LabelMatcher.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', textBlock = """
      severity=~"critical|page"
      team!=infra
      a="x\\"y"
      """)
  void shouldPrintTheTextFormItParses(String text) {
    List<LabelMatcher> parsed = LabelMatcher.parse(text);
    assertThat(LabelMatcher.parse(parsed.get(0).toString())).isEqualTo(parsed);
  }

  @org.junit.jupiter.api.Test
  void shouldMatchAPathologicalRegexInLinearTime() {
    LabelMatcher evil = LabelMatcher.parse("instance=~\"(.*.*.*.*.*.*.*.*.*.*.*.*)X\"").get(0);
    Map<String, String> labels = Map.of("instance", "a".repeat(2_000));

    long started = System.nanoTime();
    boolean matched = evil.matches(labels);

    assertThat(matched).isFalse();
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(1));
  }

  @org.junit.jupiter.api.Test
  void shouldAnchorAtTheEndOfTheValueAsGoDoesNotBeforeATrailingNewline() {
    assertThat(LabelMatcher.parse("service=~\"db\"").get(0).matches(Map.of("service", "db\n"))).isFalse();
    assertThat(LabelMatcher.parse("service=~\"db\\\\n\"").get(0).matches(Map.of("service", "db\n"))).isTrue();
  }
}
