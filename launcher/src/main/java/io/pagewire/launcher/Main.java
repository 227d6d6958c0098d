package io.pagewire.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.pagewire.escalation.cli.IncidentCommand;
import io.pagewire.escalation.cli.OnCallCommand;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.notifier.channel.ChannelRegistry;
import io.pagewire.notifier.template.Templates;
import io.pagewire.platform.cli.Cli;
import io.pagewire.platform.cli.ConfigOption;
import io.pagewire.platform.config.ConfigCheck;
import io.pagewire.platform.config.ConfigException;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.reports.ReportCommand;
import io.pagewire.router.cli.RoutesCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code pagewire} command: every sub-command of every module under one picocli command
 * line ({@link Cli} for exit codes and error lines). {@code pagewire help} lists them;
 * {@code --help} on any of them shows its usage. To add a command, add its class to
 * {@code subcommands} below (a group such as {@link RoutesCommand} takes its own sub-commands).
 *
 * <p>Logs go to stderr. {@code run} and {@code service} log at the levels of logback.xml; every
 * other command is quiet unless {@code --verbose}, so its stdout is only its answer.
 */
@Command(name = "pagewire", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
    versionProvider = Cli.Version.class,
    description = "Pagewire: a Kafka-native incident and paging pipeline.",
    commandListHeading = "%nCommands:%n",
    subcommands = {
        Main.Run.class, Main.ServiceCommand.class, Main.CheckConfig.class, RoutesCommand.class,
        OnCallCommand.class, OnCallCommand.OverrideCommand.class, IncidentCommand.class, ReportCommand.class,
        Main.Help.class, Main.Completion.class})
public final class Main implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  /**
   * The services' own checks of a configuration, run wherever this command reads one (check-config,
   * run, service), so that a bad channel or template is reported with its line before anything
   * starts: the notifier binds every channel's typed settings and compiles its templates.
   */
  static final List<ConfigCheck> CHECKS = List.of(ChannelRegistry::check, Templates::check);

  @Spec CommandSpec spec;

  @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Log to stderr what the libraries say (quiet otherwise).")
  boolean verbose;

  public static void main(String[] args) {
    System.exit(run(System.out, System.err, args));
  }

  /** Runs {@code pagewire args}; returns the exit code. */
  static int run(PrintStream out, PrintStream err, String... args) {
    return commandLine(out, err).execute(args);
  }

  static CommandLine commandLine(PrintStream out, PrintStream err) {
    CommandLine cl = Cli.commandLine(new Main(), out, err);
    // Set here, not in @Command: that one's attributes are inherited by every sub-command.
    cl.getCommandSpec().usageMessage().footer("", "Exit status: 0 done, 1 failed (one line on stderr), 2 usage error.",
        "API token (incident, override): $PAGEWIRE_TOKEN or --token-file FILE, never an argument.",
        "Completion: source <(pagewire completion)   (zsh: autoload -U bashcompinit && bashcompinit first)",
        "pagewire help COMMAND or pagewire COMMAND --help: the usage of one command.");
    cl.setExecutionStrategy(parseResult -> {
      configureLogging(parseResult);
      return new CommandLine.RunLast().execute(parseResult);
    });
    return cl;
  }

  /** The servers log as logback.xml says; a command is quiet unless --verbose. */
  private static void configureLogging(CommandLine.ParseResult parseResult) {
    boolean verbose = false;
    String command = null;
    for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--verbose")) {
        verbose = true;
      }
      if (r != parseResult && command == null) {
        command = r.commandSpec().name();
      }
    }
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    boolean server = "run".equals(command) || "service".equals(command);
    if (verbose) {
      System.setProperty("pagewire.verbose", "true");
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
      context.getLogger("org.apache.kafka").setLevel(Level.INFO);
      context.getLogger("io.pagewire").setLevel(Level.DEBUG);
    } else if (!server) {
      for (String name : List.of(org.slf4j.Logger.ROOT_LOGGER_NAME, "io.pagewire", "org.apache.kafka", "kafka", "state.change.logger")) {
        context.getLogger(name).setLevel(Level.OFF);
      }
    }
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed; pagewire help lists them");
  }

  /** {@code pagewire help [COMMAND...]}. */
  @Command(name = "help", description = "List the commands, or show the usage of one: pagewire help incident ack.")
  static final class Help implements Callable<Integer> {
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "A command and its sub-commands.") List<String> words = List.of();
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      CommandLine target = spec.commandLine().getParent();
      for (String word : words) {
        CommandLine sub = target.getSubcommands().get(word);
        if (sub == null) {
          throw new CommandLine.ParameterException(spec.commandLine(), "unknown command '" + word + "'");
        }
        target = sub;
      }
      target.usage(spec.commandLine().getOut());
      return 0;
    }
  }

  /** {@code pagewire completion}: picocli's generated bash completion script (zsh runs it through bashcompinit). */
  @Command(name = "completion", description = "Print a bash/zsh completion script: source <(pagewire completion)")
  static final class Completion implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().print(AutoComplete.bash("pagewire", spec.commandLine().getParent()));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code pagewire run}: the demo. */
  @Command(name = "run", description = "Run every service and an embedded Kafka broker in this JVM, until Ctrl-C.")
  static final class Run implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
        description = "Where the broker and the Streams state live (default: data).") Path dataDir;

    @Override
    public Integer call() {
      runEmbedded(config.load(CHECKS), dataDir);
      return 0;
    }
  }

  /** {@code pagewire service NAME}: one service against a cluster. */
  @Command(name = "service", description = "Run one service against kafka.bootstrapServers, until stopped.")
  static final class ServiceCommand implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Parameters(paramLabel = "NAME", completionCandidates = ServiceNames.class,
        description = "One of: ${COMPLETION-CANDIDATES}.") String name;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      if (!ServiceCatalog.names().contains(name)) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "unknown service '" + name + "' (known: " + String.join(", ", ServiceCatalog.names()) + ")");
      }
      runServices(config.load(CHECKS), List.of(name));
      return 0;
    }
  }

  static final class ServiceNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return ServiceCatalog.names().iterator();
    }
  }

  /** {@code pagewire check-config}. */
  @Command(name = "check-config", description = {"Validate a configuration, every channel and template included.",
      "Each problem is one line with its file, line and column (exit 1)."})
  static final class CheckConfig implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      config.load(CHECKS);
      spec.commandLine().getOut().println("ok: " + config.describe());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** The demo: a real broker on the port of kafka.bootstrapServers, every service, until Ctrl-C. */
  static void runEmbedded(PagewireConfig config, Path dataDir) {
    int port = loopbackPort(config.kafka().bootstrapServers());
    EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka").toAbsolutePath(), port);
    PagewireConfig embedded = config.withKafka(kafka.bootstrapServers(), dataDir.resolve("streams").toAbsolutePath());
    Pipeline pipeline;
    try {
      pipeline = Pipeline.start(embedded, ServiceCatalog.names());
    } catch (IOException | RuntimeException e) {
      kafka.close();
      throw new IllegalStateException("cannot start: " + e.getMessage(), e);
    }
    log.info("Pagewire is running. Kafka at {}; webhook: POST http://{}:{}/api/v1/alerts/alertmanager; incidents: GET http://{}:{}/api/v1/incidents. Ctrl-C stops.",
        kafka.bootstrapServers(), config.http().host(), pipeline.httpPort(), config.http().host(), pipeline.httpPort());
    awaitShutdown(() -> {
      pipeline.close();
      kafka.close();
    });
  }

  static void runServices(PagewireConfig config, List<String> names) {
    Pipeline pipeline;
    try {
      pipeline = Pipeline.start(config, names);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start: " + e.getMessage(), e);
    }
    log.info("{} running against {}; HTTP on {}:{}", names, config.kafka().bootstrapServers(), config.http().host(), pipeline.httpPort());
    awaitShutdown(pipeline::close);
  }

  private static int loopbackPort(String bootstrapServers) {
    String first = bootstrapServers.split(",")[0].strip();
    int colon = first.lastIndexOf(':');
    String host = colon < 0 ? first : first.substring(0, colon);
    if (!host.equals("localhost") && !host.equals("127.0.0.1")) {
      throw new ConfigException("pagewire run starts its own broker, so kafka.bootstrapServers must be"
          + " 127.0.0.1:PORT or localhost:PORT (it is " + bootstrapServers + "); use 'pagewire service' against a cluster");
    }
    return colon < 0 ? 9092 : Integer.parseInt(first.substring(colon + 1));
  }

  private static void awaitShutdown(Runnable stop) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping");
      try {
        stop.run();
      } finally {
        stopped.countDown();
      }
    }, "shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
