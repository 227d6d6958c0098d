package io.pagewire.router.cli;

import io.pagewire.platform.config.ConfigException;
import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.router.route.AlertRouter;
import io.pagewire.router.route.RouteTree;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.serde.AvroSerde;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pagewire routes test [--config FILE] LABEL=VALUE...}: which routes an alert with these
 * labels matches, and the priority, severity, team, policy and incident key that result, as
 * {@code amtool config routes test} does for Alertmanager. Loads (and so checks) the
 * configuration; starts nothing.
 */
public final class RoutesTestCommand {

  public static final String USAGE = "pagewire routes test [--config FILE] LABEL=VALUE...";

  private RoutesTestCommand() {}

  /** Runs the command; 0 when the labels were routed, 2 on bad usage, 1 when the alert is unroutable. */
  public static int run(String[] args) {
    return run(args, System.out);
  }

  static int run(String[] args, PrintStream out) {
    if (args.length == 0 || !args[0].equals("test")) {
      throw new IllegalArgumentException("usage: " + USAGE);
    }
    Path configFile = null;
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--config")) {
        if (i + 1 == args.length) {
          throw new IllegalArgumentException("--config needs a value");
        }
        configFile = Path.of(args[++i]);
        continue;
      }
      int eq = args[i].indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("'" + args[i] + "' is not LABEL=VALUE; usage: " + USAGE);
      }
      labels.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    PagewireConfig config = configFile != null ? ConfigLoader.load(configFile) : sample();
    return test(config, labels, out);
  }

  /**
   * Prints which routes of {@code config} an alert with {@code labels} matches and what results,
   * as the command does (the console's Routes page shows the same text).
   *
   * @return 0 when the labels were routed, 1 when the alert is unroutable
   */
  public static int test(PagewireConfig config, Map<String, String> labels, PrintStream out) {
    AlertRouter router = new AlertRouter(config.classification());
    AvroSerde.of(Alert.class); // trusts the generated classes before Alert.newBuilder(alert) copies
    Alert alert = Alert.newBuilder()
        .setFingerprint("routes-test")
        .setStatus(AlertStatus.FIRING)
        .setLabels(labels)
        .setAnnotations(Map.of())
        .setStartsAt(Instant.EPOCH)
        .setReceivedAt(Instant.EPOCH)
        .build();
    out.println("labels: " + format(labels));
    String unroutable = router.unroutable(alert);
    if (unroutable != null) {
      out.println("unroutable: " + unroutable + " (the alert goes to pagewire.unroutable)");
      return 1;
    }
    List<AlertRouter.Routing> routings = router.route(alert);
    out.println("matching routes: " + String.join(", ", routings.stream().map(r -> r.route().name()).toList()));
    for (AlertRouter.Routing routing : routings) {
      RouteTree.Node route = routing.route();
      out.println();
      out.println("route " + route.name() + (route.line() > 0 ? " (line " + route.line() + ")" : " (no route matched: the classification defaults)"));
      out.println("  priority:     " + routing.verdict().priority() + "  (" + routing.verdict().reason() + ")");
      out.println("  severity:     " + (routing.verdict().severity() == null ? "none"
          : routing.verdict().severity().name().replace('_', '-')));
      out.println("  team:         " + orDash(route.team()));
      out.println("  service:      " + orDash(route.service()));
      out.println("  policy:       " + orDash(route.escalationPolicy()));
      out.println("  groupBy:      " + route.groupBy());
      if (!route.addLabels().isEmpty()) {
        out.println("  addLabels:    " + format(route.addLabels()));
      }
      out.println("  incident key: " + routing.incidentKey());
    }
    return 0;
  }

  private static PagewireConfig sample() {
    try (InputStream in = RoutesTestCommand.class.getClassLoader().getResourceAsStream("pagewire.yaml")) {
      if (in == null) {
        throw new ConfigException("no --config given and the sample configuration is not on the classpath");
      }
      return ConfigLoader.parse("sample configuration (config/pagewire.yaml)", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigException("cannot read the sample configuration: " + e.getMessage());
    }
  }

  private static String orDash(String value) {
    return value == null ? "-" : value;
  }

  private static String format(Map<String, String> labels) {
    List<String> pairs = new ArrayList<>();
    labels.forEach((k, v) -> pairs.add(k + "=\"" + v + "\""));
    return "{" + String.join(", ", pairs) + "}";
  }
}
