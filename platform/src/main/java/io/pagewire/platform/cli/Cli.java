package io.pagewire.platform.cli;

import io.pagewire.platform.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import picocli.CommandLine;

/**
 * How every {@code pagewire} command runs: one picocli {@link CommandLine} with the same exit
 * codes and error lines everywhere.
 *
 * <ul>
 *   <li>0: done; {@code --help} / {@code -h} (usage on stdout), {@code --version}.</li>
 *   <li>1: the command failed ({@link Failure}, a configuration with problems, an unexpected
 *       error): one line {@code pagewire: ...} on stderr (a configuration: one line per problem).</li>
 *   <li>2: a usage error (unknown option, missing or malformed argument): the problem and the
 *       command's usage on stderr.</li>
 * </ul>
 *
 * <p>A command prints only its answer on stdout; everything else goes to stderr.
 */
public final class Cli {

  public static final int OK = CommandLine.ExitCode.OK;
  public static final int FAILED = CommandLine.ExitCode.SOFTWARE;
  public static final int USAGE = CommandLine.ExitCode.USAGE;

  private Cli() {}

  /** A failure the user can act on, told in one line (exit 1). */
  public static final class Failure extends RuntimeException {
    public Failure(String message) {
      super(message);
    }

    public Failure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Parses {@code args} for {@code command} and runs it; returns the exit code. */
  public static int execute(Object command, PrintStream out, PrintStream err, String... args) {
    return commandLine(command, out, err).execute(args);
  }

  /** The command line of {@code command} with Pagewire's handlers, writing to {@code out} and {@code err}. */
  public static CommandLine commandLine(Object command, PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      PrintWriter w = commandLine.getErr();
      if (e instanceof ConfigException config) {
        config.problems().forEach(problem -> w.println("pagewire: " + problem));
        return FAILED;
      }
      if (e instanceof IllegalArgumentException) {
        // A value the options could not check (a time, a duration, a label) is a usage error.
        w.println("pagewire " + commandLine.getCommandName() + ": " + e.getMessage());
        commandLine.usage(w);
        return USAGE;
      }
      String message = e instanceof Failure ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
      w.println("pagewire " + commandLine.getCommandName() + ": " + message);
      if (!(e instanceof Failure) && Boolean.getBoolean("pagewire.verbose")) {
        e.printStackTrace(w);
      }
      return FAILED;
    });
    return cl;
  }

  /** {@code --version}: the version of the build. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"pagewire " + version()};
    }

    public static String version() {
      try (InputStream in = Cli.class.getResourceAsStream("version.properties")) {
        Properties p = new Properties();
        if (in != null) {
          p.load(in);
        }
        return p.getProperty("version", "unknown");
      } catch (IOException e) {
        return "unknown";
      }
    }
  }
}
