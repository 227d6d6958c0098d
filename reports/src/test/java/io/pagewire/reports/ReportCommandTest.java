package io.pagewire.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagewire.reports.render.ReportFormat;
import io.pagewire.schemas.Priority;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ReportCommandTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-10T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void shouldCountSinceBackFromNow() {
    ReportCommand o = parse(new String[] {"--since", "7d", "--format", "html"});
    assertThat(o.query().from()).isEqualTo(Instant.parse("2024-03-03T12:00:00Z"));
    assertThat(o.query().to()).isNull();
    assertThat(o.reportFormat()).isEqualTo(ReportFormat.HTML);
  }

  @Test
  void shouldReadLocalTimesInTheGivenZone() {
    ReportCommand o = parse(new String[] {"--zone", "Europe/Berlin", "--from", "2024-03-04",
        "--to", "2024-03-05T12:30", "--team", "payments", "--service", "checkout", "--priority", "p1"});
    assertThat(o.query().from()).isEqualTo(Instant.parse("2024-03-03T23:00:00Z"));
    assertThat(o.query().to()).isEqualTo(Instant.parse("2024-03-05T11:30:00Z"));
    assertThat(o.query().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(o.query().priority()).isEqualTo(Priority.P1);
    assertThat(o.query().team()).isEqualTo("payments");
    assertThat(o.query().service()).isEqualTo("checkout");
  }

  @Test
  void shouldRefuseContradictoryOrUnknownOptions() {
    assertThatThrownBy(() -> parse("--since", "1d", "--from", "2024-03-04").query())
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> parse("--format", "pdf").query())
        .hasMessageContaining("markdown, html or json");
    assertThatThrownBy(() -> parse("--verbose"))
        .hasMessageContaining("Unknown option: '--verbose'");
    assertThatThrownBy(() -> parse("--from", "yesterday").query())
        .hasMessageContaining("ISO-8601");
  }

  @Test
  void shouldExitWithTwoAndTheUsageOnAContradiction() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ReportCommand.run(new String[] {"--since", "1d", "--from", "2024-03-04"}, CLOCK, System.out,
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("pagewire report: give --since or --from, not both")
        .contains("Usage: report");
  }

  private static ReportCommand parse(String... args) {
    return CommandLine.populateCommand(new ReportCommand(CLOCK, System.out, System.err), args);
  }
}
