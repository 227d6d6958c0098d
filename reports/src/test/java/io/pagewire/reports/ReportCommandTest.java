package io.pagewire.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagewire.reports.render.ReportFormat;
import io.pagewire.schemas.Priority;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ReportCommandTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-10T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void shouldCountSinceBackFromNow() {
    ReportCommand.Options o = ReportCommand.Options.parse(new String[] {"--since", "7d", "--format", "html"}, CLOCK);
    assertThat(o.query.from()).isEqualTo(Instant.parse("2024-03-03T12:00:00Z"));
    assertThat(o.query.to()).isNull();
    assertThat(o.format).isEqualTo(ReportFormat.HTML);
  }

  @Test
  void shouldReadLocalTimesInTheGivenZone() {
    ReportCommand.Options o = ReportCommand.Options.parse(new String[] {"--zone", "Europe/Berlin", "--from", "2024-03-04",
        "--to", "2024-03-05T12:30", "--team", "payments", "--service", "checkout", "--priority", "p1"}, CLOCK);
    assertThat(o.query.from()).isEqualTo(Instant.parse("2024-03-03T23:00:00Z"));
    assertThat(o.query.to()).isEqualTo(Instant.parse("2024-03-05T11:30:00Z"));
    assertThat(o.query.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(o.query.priority()).isEqualTo(Priority.P1);
    assertThat(o.query.team()).isEqualTo("payments");
    assertThat(o.query.service()).isEqualTo("checkout");
  }

  @Test
  void shouldRefuseContradictoryOrUnknownOptions() {
    assertThatThrownBy(() -> ReportCommand.Options.parse(new String[] {"--since", "1d", "--from", "2024-03-04"}, CLOCK))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> ReportCommand.Options.parse(new String[] {"--format", "pdf"}, CLOCK))
        .hasMessageContaining("markdown, html or json");
    assertThatThrownBy(() -> ReportCommand.Options.parse(new String[] {"--verbose"}, CLOCK))
        .hasMessageContaining("unknown report option");
    assertThatThrownBy(() -> ReportCommand.Options.parse(new String[] {"--from", "yesterday"}, CLOCK))
        .hasMessageContaining("ISO-8601");
  }
}
