package io.pagewire.router.route;

import static io.pagewire.router.TestAlerts.STARTS;
import static io.pagewire.router.TestAlerts.firing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagewire.platform.config.ConfigException;
import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Severity;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The routing tree against one configuration, table-driven like Alertmanager's
 * dispatch/route_test.go: which routes an alert reaches (first match wins, {@code continue}),
 * what it inherits from parent routes, and the priority, severity, owner and incident key.
 */
class RouteTreeTest {

  static final String YAML = """
      users:
        alice: {name: Alice, email: alice@example.com}
      escalation:
        teams:
          dba: {members: [alice]}
          security: {members: [alice]}
          platform: {members: [alice]}
          storage: {members: [alice]}
        policies:
          dba-oncall:
            steps:
              - {delay: 15m, targets: [{team: dba}]}
      classification:
        groupBy: [alertname, service]
        routes:
          - name: databases
            matchers: ['service=~"db|db-.*"']
            team: dba
            escalationPolicy: dba-oncall
            groupBy: [alertname, cluster]
            addLabels: {tier: data}
            routes:
              - name: db-critical
                matchers: ['severity="critical"']
                severity: SEV-1
              - name: db-replica
                matchers: ['service=db-replica']
                priority: P3
                allowPriorityLabel: false
          - name: audit
            matchers: ['team="security"']
            continue: true
            team: security
            priority: P1
          - name: platform
            matchers: ['cluster=~"eu-.*"', 'severity!=info']
            team: platform
            priorityFrom: {label: impact, map: {outage: P0, degraded: P2}}
          - name: regex-anchored
            matchers: ['alertname=~"Disk"']
            team: storage
      """;

  private final AlertRouter router = new AlertRouter(ConfigLoader.parse("routes.yaml", YAML).classification());

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = ';', quoteCharacter = '`', textBlock = """
      # labels                                                      ; routes                  ; priority ; severity ; team     ; policy     ; incident key
      alertname=DbDown service=db severity=critical cluster=eu-1     ; db-critical             ; P0       ; SEV_1    ; dba      ; dba-oncall ; db-critical|alertname=DbDown,cluster=eu-1
      alertname=DbSlow service=db severity=warning cluster=eu-1      ; databases               ; P1       ; SEV_2    ; dba      ; dba-oncall ; databases|alertname=DbSlow,cluster=eu-1
      alertname=Lag service=db-replica severity=critical             ; db-critical             ; P0       ; SEV_1    ; dba      ; dba-oncall ; db-critical|alertname=Lag
      alertname=Lag service=db-replica severity=warning priority=P0  ; db-replica              ; P3       ;          ; dba      ; dba-oncall ; db-replica|alertname=Lag
      alertname=Lag service=db-cache severity=warning priority=P0    ; databases               ; P0       ; SEV_1    ; dba      ; dba-oncall ; databases|alertname=Lag
      alertname=Audit team=security cluster=eu-1 impact=outage       ; audit,platform          ; P1       ; SEV_2    ; security ;            ; audit|alertname=Audit
      alertname=Api cluster=eu-2 impact=outage severity=warning      ; platform                ; P0       ; SEV_1    ; platform ;            ; platform|alertname=Api
      alertname=Api cluster=eu-2 impact=unknown severity=warning     ; platform                ; P1       ; SEV_2    ; platform ;            ; platform|alertname=Api
      alertname=Api cluster=eu-2 severity=info                       ; default                 ; P3       ;          ;          ;            ; alertname=Api
      alertname=DiskFull service=nfs                                 ; default                 ; P2       ; SEV_3    ;          ;            ; alertname=DiskFull,service=nfs
      alertname=Disk service=nfs                                     ; regex-anchored          ; P2       ; SEV_3    ; storage  ;            ; regex-anchored|alertname=Disk,service=nfs
      alertname=Lag service=mydb severity=critical                   ; default                 ; P0       ; SEV_1    ;          ;            ; alertname=Lag,service=mydb
      """)
  void shouldRouteLikeAlertmanagerAndClassifyByTheRoute(String labels, String routes, Priority priority,
      Severity severity, String team, String policy, String incidentKey) {
    String[] pairs = Arrays.stream(labels.split(" ")).flatMap(p -> Arrays.stream(p.split("=", 2))).toArray(String[]::new);

    List<AlertRouter.Routing> routings = router.route(firing("fp", STARTS, pairs));

    assertThat(routings.stream().map(r -> r.route().name()).collect(Collectors.joining(","))).isEqualTo(routes);
    AlertRouter.Routing first = routings.get(0);
    assertThat(first.verdict().priority()).isEqualTo(priority);
    assertThat(first.verdict().severity()).isEqualTo(severity);
    assertThat(first.route().team()).isEqualTo(team);
    assertThat(first.route().escalationPolicy()).isEqualTo(policy);
    assertThat(first.incidentKey()).isEqualTo(incidentKey);
  }

  @Test
  void shouldInheritParentSettingsAndMergeAddedLabels() {
    RouteTree.Node databases = router.tree().root().children().get(0);
    RouteTree.Node critical = databases.children().get(0);

    assertThat(critical.team()).isEqualTo("dba");
    assertThat(critical.escalationPolicy()).isEqualTo("dba-oncall");
    assertThat(critical.groupBy()).containsExactly("alertname", "cluster");
    assertThat(critical.addLabels()).containsEntry("tier", "data");
    assertThat(critical.allowPriorityLabel()).isTrue();
    assertThat(databases.children().get(1).allowPriorityLabel()).isFalse();
    AlertRouter.Routing routing = router.route(firing("fp", STARTS, "service", "db", "severity", "critical", "tier", "gold")).get(0);
    assertThat(routing.alert().getLabels()).containsEntry("tier", "gold");
  }

  @Test
  void shouldExplainWhichRuleGaveThePriority() {
    assertThat(router.route(firing("fp", STARTS, "service", "db", "severity", "warning")).get(0).verdict().reason())
        .isEqualTo("route databases: label severity=warning");
    assertThat(router.route(firing("fp", STARTS, "service", "db-replica", "priority", "P0")).get(0).verdict().reason())
        .isEqualTo("route db-replica: priority P3");
    assertThat(router.route(firing("fp", STARTS, "cluster", "eu-1", "impact", "degraded")).get(0).verdict().reason())
        .isEqualTo("route platform: label impact=degraded -> P2");
  }

  @Test
  void shouldNameUnroutableAlertsOnlyWhenRoutesAreRequiredOrLabelsMissing() {
    AlertRouter required = new AlertRouter(ConfigLoader.parse("r.yaml",
        YAML.replace("classification:\n", "classification:\n  requireRoute: true\n")).classification());

    assertThat(router.unroutable(firing("fp", STARTS))).isEqualTo("alert has no labels");
    assertThat(router.unroutable(firing("fp", STARTS, "alertname", "X"))).isNull();
    assertThat(required.unroutable(firing("fp", STARTS, "alertname", "X"))).startsWith("no route matches");
    assertThat(required.route(firing("fp", STARTS, "alertname", "X"))).isEmpty();
    assertThat(required.unroutable(firing("fp", STARTS, "service", "db"))).isNull();
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = ';', quoteCharacter = '`', textBlock = """
      classification:\\n  routes:\\n    - matchers: ['service=~"db("']                 ; routes.yaml line 3, column 34: classification.routes[0].matchers: invalid regex in matcher service=~"db("
      classification:\\n  routes:\\n    - priority: P7                                 ; routes.yaml line 3, column 17: classification.routes[0].priority
      classification:\\n  routes:\\n    - {priority: P1, priorityFrom: {label: a, map: {x: P0}}} ; routes.yaml line 3, column 7: classification.routes[0]: a route sets either priority or priorityFrom
      classification:\\n  routes:\\n    - {matchers: [a=b], recieve: x}              ; unknown key 'classification.routes[0].recieve'
      classification:\\n  routes:\\n    - name: x\\n      escalationPolicy: nobody    ; routes.yaml line 3: route 'x' names unknown escalation policy 'nobody'
      classification:\\n  routes:\\n    - name: x\\n      routes:\\n        - team: ghosts ; routes.yaml line 5: route names unknown team 'ghosts'
      classification:\\n  routes:\\n    - severity: SEV-9                              ; severity must be SEV-1, SEV-2 or SEV-3
      classification:\\n  inhibitRules:\\n    - {sourceMatchers: [], targetMatchers: [a=b]} ; needs sourceMatchers and targetMatchers
      """)
  void shouldStopAtLoadNamingFileLineAndProblem(String yaml, String message) {
    assertThatThrownBy(() -> ConfigLoader.parse("routes.yaml", yaml.replace("\\n", "\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  @Test
  void shouldKeepTheDefaultsWithoutRoutes() {
    AlertRouter defaults = new AlertRouter(PagewireConfig.defaults().classification());

    AlertRouter.Routing routing = defaults.route(firing("fp", STARTS, "alertname", "A", "service", "s", "severity", "warning")).get(0);
    assertThat(routing.route().name()).isEqualTo(RouteTree.DEFAULT_ROUTE);
    assertThat(routing.incidentKey()).isEqualTo("alertname=A,service=s");
    assertThat(routing.verdict().reason()).isEqualTo("label severity=warning");
  }
}
