package io.pagewire.reports;

import io.pagewire.platform.cli.Cli;
import io.pagewire.platform.cli.ConfigOption;
import io.pagewire.platform.config.Durations;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.reports.model.Report;
import io.pagewire.reports.model.ReportQuery;
import io.pagewire.reports.render.ReportFormat;
import io.pagewire.platform.kafka.replay.Progress;
import io.pagewire.schemas.Priority;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code pagewire report} command.
 *
 * <pre>
 * pagewire report [--incident ID] [--since 7d | --from T --to T] [--team T] [--service S]
 *                 [--priority P] [--zone Europe/Berlin] [--format markdown|html|json]
 *                 [--output FILE] [--config FILE] [--progress | --no-progress]
 * </pre>
 *
 * <p>Times ({@code --from}, {@code --to}) are ISO-8601: {@code 2024-03-04T10:00:00Z}, with an
 * offset, or local ({@code 2024-03-04T10:00}, {@code 2024-03-04}) in {@code --zone} (default
 * UTC), which also sets business hours (Mon-Fri 09:00-17:00) and how times are shown. Without
 * {@code --config} the sample configuration is used, which points at {@code pagewire run}'s
 * embedded broker. The progress bar is drawn on stderr when a console is attached, or with
 * {@code --progress}.
 *
 * <p>The report depends only on the topics and the flags: {@code --since} is relative to the
 * time the command runs, so for byte-identical reruns give {@code --from} and {@code --to}.
 */
@Command(name = "report", description = {"Write the post-incident report of an incident or of a period.",
    "Rebuilt by replaying the topics: timeline, impact, MTTA/MTTR against the SLA, pages sent, notes.",
    "Exit 1 when --incident is not in the topics."})
public final class ReportCommand implements Callable<Integer> {

  @Option(names = "--incident", paramLabel = "ID", description = "One incident's report.") String incident;
  @Option(names = "--since", paramLabel = "DURATION", description = "The incidents opened since then (7d, 12h).") String since;
  @Option(names = "--from", paramLabel = "T", description = "Opened at or after (ISO-8601; local times in --zone).") String from;
  @Option(names = "--to", paramLabel = "T", description = "Opened before.") String to;
  @Option(names = "--team", paramLabel = "T") String team;
  @Option(names = "--service", paramLabel = "S") String service;
  @Option(names = "--priority", paramLabel = "P", description = "P0..P4.") String priority;
  @Option(names = "--zone", paramLabel = "ZONE", defaultValue = "UTC",
      description = "Time zone of local times, business hours and how times are shown (default UTC).") String zone = "UTC";
  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "markdown",
      description = "markdown (default), html or json.") String format = "markdown";
  @Option(names = "--output", paramLabel = "FILE", description = "Write the report to FILE instead of stdout.") Path output;
  @Option(names = "--progress", negatable = true,
      description = "Draw a progress bar on stderr (default: when a console is attached).") Boolean progress;
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  private final Clock clock;
  private final PrintStream stdout;
  private final PrintStream stderr;

  public ReportCommand() {
    this(Clock.systemUTC(), System.out, System.err);
  }

  ReportCommand(Clock clock, PrintStream stdout, PrintStream stderr) {
    this.clock = clock;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Runs the command with the arguments after {@code report}; returns the exit code. */
  static int run(String[] args, Clock clock, PrintStream stdout, PrintStream stderr) {
    return Cli.execute(new ReportCommand(clock, stdout, stderr), stdout, stderr, args);
  }

  @Override
  public Integer call() {
    ReportQuery query = query();
    ReportFormat reportFormat = ReportFormat.parse(format);
    PagewireConfig c = config.load();
    Progress bar = (progress != null ? progress : System.console() != null) ? Progress.bar(stderr) : Progress.NONE;
    Report report = Reports.replay(c, query, bar);
    if (report == null) {
      throw new Cli.Failure("incident " + query.incidentId() + " is not in the topics at " + c.kafka().bootstrapServers());
    }
    String rendered = reportFormat.render(report);
    if (output != null) {
      try {
        Files.writeString(output, rendered, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new Cli.Failure("cannot write " + output + ": " + e.getMessage(), e);
      }
      stderr.println("wrote " + output);
    } else {
      stdout.print(rendered);
      stdout.flush();
    }
    return 0;
  }

  /** What the options ask for; an {@link IllegalArgumentException} (a usage error) when they contradict or do not parse. */
  ReportQuery query() {
    ReportFormat.parse(format);
    if (since != null && from != null) {
      throw new IllegalArgumentException("give --since or --from, not both");
    }
    ZoneId z = zone(zone);
    Instant fromTime = since != null ? clock.instant().minus(Durations.parse(since)) : time(from, z, "--from");
    return new ReportQuery(incident, fromTime, time(to, z, "--to"), team, service, priority(priority), z);
  }

  ReportFormat reportFormat() {
    return ReportFormat.parse(format);
  }

  private static Priority priority(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Priority.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--priority must be one of P0..P4 (it is '" + s + "')");
    }
  }

  private static ZoneId zone(String s) {
    try {
      return ZoneId.of(s);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("--zone: unknown time zone '" + s + "'");
    }
  }

  static Instant time(String s, ZoneId zone, String option) {
    if (s == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeException ignored) {
      // not with an offset; try local forms below
    }
    try {
      return LocalDateTime.parse(s).atZone(zone).toInstant();
    } catch (DateTimeException ignored) {
      // not a local date-time
    }
    try {
      return LocalDate.parse(s).atStartOfDay(zone).toInstant();
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(option + " must be an ISO-8601 time like 2024-03-04T10:00:00Z,"
          + " 2024-03-04T10:00 or 2024-03-04 (it is '" + s + "')");
    }
  }
}
