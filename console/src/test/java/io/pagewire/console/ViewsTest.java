package io.pagewire.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ViewsTest {

  private static final Instant NOW = Instant.parse("2026-12-01T23:00:00Z");

  @Test
  void shouldCountDownToTheAcknowledgeDeadlineAndSayOverdueAfterIt() {
    assertThat(Views.countdown("triggered", NOW.plusSeconds(14 * 60), null, NOW))
        .contains("data-due=\"2026-12-01T23:14:00Z\"").contains("14m left");
    assertThat(Views.countdown("triggered", NOW.minusSeconds(90), null, NOW)).contains("overdue 1m").contains("class=\"countdown overdue\"");
    assertThat(Views.countdown("acknowledged", NOW.plusSeconds(60), null, NOW)).contains("met").doesNotContain("data-due");
    assertThat(Views.countdown("resolved", NOW.plusSeconds(60), NOW.minusSeconds(5), NOW)).contains("met (breached)");
  }

  @Test
  void shouldWriteAgesShort() {
    assertThat(Views.age(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(Views.age(Duration.ofMinutes(12))).isEqualTo("12m");
    assertThat(Views.age(Duration.ofMinutes(185))).isEqualTo("3h 05m");
    assertThat(Views.age(Duration.ofHours(52))).isEqualTo("2d 4h");
  }

  @Test
  void shouldLinkOnlyHttpUrlsAndEscapeThem() {
    assertThat(Views.link("https://runbooks.example.com/db?a=1&b=\"2\"", "Runbook"))
        .isEqualTo("<a href=\"https://runbooks.example.com/db?a=1&amp;b=&quot;2&quot;\" rel=\"noopener noreferrer\">Runbook</a>");
    assertThat(Views.link("javascript:alert(1)", "Runbook")).doesNotContain("<a").contains("<code>javascript:alert(1)</code>");
    assertThat(Views.link(null, "Runbook")).isEmpty();
  }

  @Test
  void shouldEscapeLabelsAndPrincipalsIntoThePage() {
    assertThat(Views.labels(Map.of("x", "<script>"))).contains("x=&lt;script&gt;").doesNotContain("<script>");
    Sessions.Session session = new Sessions.Session("id", new io.pagewire.platform.http.Principal("<b>eve</b>", true, java.util.Set.of()),
        "tok\"en", true, NOW);
    String page = Views.page("T<", "/", List.of(new Views.Nav("/", "Incidents")), session, true, "<p>body</p>");
    assertThat(page).contains("&lt;b&gt;eve&lt;/b&gt;").contains("tok&quot;en").contains("<title>T&lt; · Pagewire</title>")
        .contains("aria-current=\"page\"").contains("<p>body</p>");
  }
}
