package io.pagewire.router.cli;

import io.pagewire.platform.cli.ConfigOption;
import io.pagewire.platform.cli.OutputOption;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.router.route.AlertRouter;
import io.pagewire.router.route.RouteTree;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.serde.AvroSerde;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pagewire routes test [--config FILE] LABEL=VALUE...}: which routes an alert with these
 * labels matches, and the priority, severity, team, policy and incident key that result, as
 * {@code amtool config routes test} does for Alertmanager. Loads (and so checks) the
 * configuration; starts nothing. Exit 0 when routed, 1 when the alert is unroutable.
 */
@Command(name = "test", description = {"Show which routes an alert with these labels matches.",
    "With the priority, severity, team, policy and incident key of each. Exit 1 when the alert is unroutable."})
public final class RoutesTestCommand implements Callable<Integer> {

  @Mixin ConfigOption config;
  @Mixin OutputOption output;
  @Parameters(paramLabel = "LABEL=VALUE", arity = "1..*", description = "The alert's labels.")
  Map<String, String> labels = new LinkedHashMap<>();
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return run(config.load(), labels, output.json(), spec.commandLine().getOut());
  }

  /**
   * Prints which routes of {@code config} an alert with {@code labels} matches and what results,
   * as the command does (the console's Routes page shows the same text).
   *
   * @return 0 when the labels were routed, 1 when the alert is unroutable
   */
  public static int test(PagewireConfig config, Map<String, String> labels, java.io.PrintStream out) {
    PrintWriter writer = new PrintWriter(new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8), true);
    int status = run(config, labels, false, writer);
    writer.flush();
    return status;
  }

  static int run(PagewireConfig config, Map<String, String> labels, boolean json, PrintWriter out) {
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
    String unroutable = router.unroutable(alert);
    List<AlertRouter.Routing> routings = unroutable != null ? List.of() : router.route(alert);
    if (json) {
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("labels", labels);
      answer.put("unroutable", unroutable);
      List<Map<String, Object>> routes = new ArrayList<>();
      for (AlertRouter.Routing routing : routings) {
        RouteTree.Node route = routing.route();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("route", route.name());
        r.put("line", route.line() > 0 ? route.line() : null);
        r.put("priority", routing.verdict().priority().name());
        r.put("reason", routing.verdict().reason());
        r.put("severity", routing.verdict().severity() == null ? null : routing.verdict().severity().name().replace('_', '-'));
        r.put("team", route.team());
        r.put("service", route.service());
        r.put("policy", route.escalationPolicy());
        r.put("groupBy", route.groupBy());
        r.put("addLabels", route.addLabels());
        r.put("incidentKey", routing.incidentKey());
        routes.add(r);
      }
      answer.put("routes", routes);
      OutputOption.printJson(out, answer);
      return unroutable != null ? 1 : 0;
    }
    out.println("labels: " + format(labels));
    if (unroutable != null) {
      out.println("unroutable: " + unroutable + " (the alert goes to pagewire.unroutable)");
      out.flush();
      return 1;
    }
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
    out.flush();
    return 0;
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
