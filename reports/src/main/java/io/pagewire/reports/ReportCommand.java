package io.pagewire.reports;

import io.pagewire.platform.config.ConfigException;
import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.Durations;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.reports.model.Report;
import io.pagewire.reports.model.ReportQuery;
import io.pagewire.reports.render.ReportFormat;
import io.pagewire.platform.kafka.replay.Progress;
import io.pagewire.schemas.Priority;
import java.io.IOException;
import java.io.InputStream;
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
public final class ReportCommand {

  public static final String USAGE = "pagewire report [--incident ID] [--since 7d | --from T --to T] [--team T] [--service S]"
      + " [--priority P] [--zone ZONE] [--format markdown|html|json] [--output FILE] [--config FILE] [--progress|--no-progress]";
  private static final String SAMPLE_CONFIG = "pagewire.yaml";

  private ReportCommand() {}

  /**
   * Runs the command with the arguments after {@code report}.
   *
   * @return the exit status: 0 written, 1 the incident is not in the topics
   * @throws IllegalArgumentException for bad arguments (the launcher prints it and exits 2)
   */
  public static int run(String[] args) {
    return run(args, Clock.systemUTC(), System.out, System.err);
  }

  static int run(String[] args, Clock clock, PrintStream stdout, PrintStream stderr) {
    Options o = Options.parse(args, clock);
    PagewireConfig config = o.config != null ? ConfigLoader.load(o.config) : sampleConfig();
    Progress progress = o.progress ? Progress.bar(stderr) : Progress.NONE;
    Report report = Reports.replay(config, o.query, progress);
    if (report == null) {
      stderr.println("pagewire report: incident " + o.query.incidentId() + " is not in the topics at "
          + config.kafka().bootstrapServers());
      return 1;
    }
    String rendered = o.format.render(report);
    if (o.output != null) {
      try {
        Files.writeString(o.output, rendered, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot write " + o.output + ": " + e.getMessage(), e);
      }
      stderr.println("wrote " + o.output);
    } else {
      stdout.print(rendered);
      stdout.flush();
    }
    return 0;
  }

  private static PagewireConfig sampleConfig() {
    try (InputStream in = ReportCommand.class.getClassLoader().getResourceAsStream(SAMPLE_CONFIG)) {
      return in == null ? PagewireConfig.defaults()
          : ConfigLoader.parse("sample configuration (config/pagewire.yaml)", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigException("cannot read the sample configuration: " + e.getMessage());
    }
  }

  /** The parsed command line. */
  static final class Options {
    ReportQuery query;
    ReportFormat format = ReportFormat.MARKDOWN;
    Path output;
    Path config;
    boolean progress = System.console() != null;

    static Options parse(String[] args, Clock clock) {
      Options o = new Options();
      String incident = null;
      String since = null;
      String from = null;
      String to = null;
      String team = null;
      String service = null;
      Priority priority = null;
      ZoneId zone = ZoneId.of("UTC");
      for (int k = 0; k < args.length; k++) {
        String arg = args[k];
        switch (arg) {
          case "--incident" -> incident = value(args, ++k, arg);
          case "--since" -> since = value(args, ++k, arg);
          case "--from" -> from = value(args, ++k, arg);
          case "--to" -> to = value(args, ++k, arg);
          case "--team" -> team = value(args, ++k, arg);
          case "--service" -> service = value(args, ++k, arg);
          case "--priority" -> priority = priority(value(args, ++k, arg));
          case "--zone" -> zone = zone(value(args, ++k, arg));
          case "--format" -> o.format = ReportFormat.parse(value(args, ++k, arg));
          case "--output" -> o.output = Path.of(value(args, ++k, arg));
          case "--config" -> o.config = Path.of(value(args, ++k, arg));
          case "--progress" -> o.progress = true;
          case "--no-progress" -> o.progress = false;
          default -> throw new IllegalArgumentException("unknown report option '" + arg + "'; usage: " + USAGE);
        }
      }
      if (since != null && from != null) {
        throw new IllegalArgumentException("give --since or --from, not both");
      }
      Instant fromTime = since != null ? clock.instant().minus(Durations.parse(since)) : time(from, zone, "--from");
      o.query = new ReportQuery(incident, fromTime, time(to, zone, "--to"), team, service, priority, zone);
      return o;
    }

    private static String value(String[] args, int k, String option) {
      if (k >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[k];
    }

    private static Priority priority(String s) {
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
}
