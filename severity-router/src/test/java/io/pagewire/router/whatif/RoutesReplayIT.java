package io.pagewire.router.whatif;

import static io.pagewire.router.TestAlerts.firing;
import static io.pagewire.router.TestAlerts.resolved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.Json;
import io.pagewire.router.RunningRouterAccess;
import io.pagewire.router.whatif.RoutesReplay.Change;
import io.pagewire.router.whatif.RoutesReplay.Result;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
import io.pagewire.schemas.Topics;
import io.pagewire.testsupport.TopicReader;
import io.pagewire.testsupport.TopicWriter;
import io.pagewire.platform.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scripted week through the real router (its incident events are "what happened"; the first
 * page of each incident is written to the timeline as escalation writes it), then replayed
 * through a changed configuration: the rule change's effects, and nothing else, are listed.
 *
 * <p>The week: HighLatency on checkout (P1) and, 5 minutes later, on payments (P1, its own
 * incident: grouped by alertname and service); ErrorRate on search (P1) a day later; DiskFull
 * (P0) on day 2, resolved an hour later; NodeDown in staging (P0) on day 3. The change groups by
 * alertname only, makes search P0 and staging P4 (which does not page).
 */
class RoutesReplayIT {

  /** The week starts seven days ago (recent, so the broker's retention keeps it), on the hour. */
  static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(7));
  static final String NEW_RULES = """
      classification:
        groupBy: [alertname]
        routes:
          - {name: search, matchers: ['service="search"'], priority: P0}
          - {name: staging, matchers: ['env="staging"'], priority: P4}
      """;

  @TempDir
  static Path dir;
  private static RunningRouterAccess router;
  private static PagewireConfig current;

  static Instant t(Duration offset) {
    return T0.plus(offset);
  }

  @BeforeAll
  static void runTheWeekThroughTheRouter() {
    router = RunningRouterAccess.start(dir, PagewireConfig.defaults());
    current = router.config();
    Alert a1 = firing("fp-a1", t(Duration.ofHours(1)), "alertname", "HighLatency", "service", "checkout", "severity", "warning");
    Alert a2 = firing("fp-a2", t(Duration.ofMinutes(65)), "alertname", "HighLatency", "service", "payments", "severity", "warning");
    Alert e1 = firing("fp-e1", t(Duration.ofDays(1)), "alertname", "ErrorRate", "service", "search", "severity", "warning");
    Alert d1 = firing("fp-d1", t(Duration.ofDays(2)), "alertname", "DiskFull", "host", "db1", "severity", "critical");
    Alert n1 = firing("fp-n1", t(Duration.ofDays(3)), "alertname", "NodeDown", "env", "staging", "severity", "critical");
    try (TopicWriter<String, Alert> alerts = TopicWriter.of(current, Topics.ALERTS)) {
      for (Alert alert : List.of(a1, a2, e1, d1, n1)) {
        alerts.send(alert.getFingerprint(), alert, alert.getStartsAt().toEpochMilli());
      }
      Instant end = t(Duration.ofDays(2).plusHours(1));
      alerts.send("fp-d1", resolved(d1, end), end.toEpochMilli());
    }
    List<IncidentEvent> opened;
    try (TopicReader<String, IncidentEvent> events = TopicReader.of(current, Topics.INCIDENT_EVENTS)) {
      await("the router's incidents").atMost(Duration.ofSeconds(60)).until(() -> {
        events.poll();
        return events.values(e -> e.getType() == IncidentEventType.OPENED).size() == 5
            && events.values(e -> e.getType() == IncidentEventType.RESOLVED).size() == 1;
      });
      opened = events.values(e -> e.getType() == IncidentEventType.OPENED);
    }
    // Escalation's first page of each incident, at its opening, to level 1 of the default levels.
    try (TopicWriter<String, TimelineEvent> timeline = TopicWriter.of(current, Topics.INCIDENT_TIMELINE)) {
      for (IncidentEvent e : opened) {
        timeline.send(e.getIncidentId(), TimelineEvent.newBuilder().setEventId(e.getIncidentId() + "/paged/1")
            .setIncidentId(e.getIncidentId()).setType(TimelineEventType.PAGED).setLevel(1).setStep(1)
            .setRecipient("primary-oncall").setDetail("paged primary-oncall").setAt(e.getAt()).build(),
            e.getAt().toEpochMilli());
      }
    }
  }

  @AfterAll
  static void stop() {
    if (router != null) {
      router.close();
    }
  }

  @Test
  void shouldFindNoDifferenceWhenReplayingTheConfigurationTheRouterRan() {
    Result same = RoutesReplay.replay(current, T0, null);

    assertThat(same.alerts()).isEqualTo(6);
    assertThat(same.happened()).hasSize(5);
    assertThat(same.wouldHave()).isEqualTo(same.happened());
    assertThat(same.changes()).isEmpty();
  }

  @Test
  void shouldListExactlyTheEffectsOfTheRuleChange() {
    PagewireConfig changed = ConfigLoader.parse("NEW.yaml", NEW_RULES).withKafka(current.kafka());

    Result r = RoutesReplay.replay(changed, T0, null);

    assertThat(r.happened()).extracting(RoutingSimulation.Incident::fingerprint)
        .containsExactly("fp-a1", "fp-a2", "fp-e1", "fp-d1", "fp-n1");
    assertThat(r.wouldHave()).extracting(RoutingSimulation.Incident::fingerprint)
        .containsExactly("fp-a1", "fp-e1", "fp-d1", "fp-n1");
    assertThat(r.wouldHave()).extracting(RoutingSimulation.Incident::priority)
        .containsExactly(Priority.P1, Priority.P0, Priority.P0, Priority.P4);
    assertThat(r.changes()).extracting(Change::change, Change::fingerprint, Change::openedAt, Change::differences)
        .containsExactly(
            tuple("gone", "fp-a2", t(Duration.ofMinutes(65)), List.of("not opened: its alerts join another incident")),
            tuple("changed", "fp-e1", t(Duration.ofDays(1)), List.of("priority: P1 -> P0", "route: default -> search")),
            tuple("changed", "fp-n1", t(Duration.ofDays(3)),
                List.of("priority: P0 -> P4", "route: default -> staging", "first page: " + t(Duration.ofDays(3)) + " -> none")));
    // a2 now joins a1's incident (grouped by alertname only), which pages as before.
    RoutingSimulation.Incident a1 = r.wouldHave().get(0);
    assertThat(a1.incidentKey()).isEqualTo("alertname=HighLatency");
    assertThat(a1.firstPage()).isEqualTo(new RoutingSimulation.Page(t(Duration.ofHours(1)), "primary-oncall"));
  }

  @Test
  void shouldPrintTheChangesAsATableAndAsJsonFromTheCommandLine() throws Exception {
    Path config = dir.resolve("NEW.yaml");
    Files.writeString(config, "kafka: {bootstrapServers: \"" + current.kafka().bootstrapServers() + "\"}\n" + NEW_RULES);
    Clock clock = Clock.fixed(T0.plus(Duration.ofDays(7)), ZoneOffset.UTC);

    String table = run(clock, "--config", config.toString(), "--since", "7d");
    String json = run(clock, "--config", config.toString(), "--since", "7d", "--output", "json");

    System.out.println(table);
    assertThat(table)
        .contains("incidents opened: 5 happened, 4 would have; paged: 5 happened, 3 would have\n")
        .contains("changes: 0 new, 1 gone, 2 changed\n")
        .contains("| gone | HighLatency | " + t(Duration.ofMinutes(65)) + " | P1 no team, paged primary-oncall at "
            + t(Duration.ofMinutes(65)) + " | — | not opened: its alerts join another incident |")
        .contains("| changed | NodeDown | " + t(Duration.ofDays(3)) + " | P0 no team, paged primary-oncall at "
            + t(Duration.ofDays(3)) + " | P4 no team, not paged | priority: P0 -> P4; route: default -> staging; first page: "
            + t(Duration.ofDays(3)) + " -> none |");
    var tree = Json.MAPPER.readTree(json);
    assertThat(tree.path("changes").size()).isEqualTo(3);
    assertThat(tree.at("/changes/2/wouldHave/priority").asText()).isEqualTo("P4");
    assertThat(tree.at("/changes/2/wouldHave/firstPage").isNull()).isTrue();
    assertThat(tree.at("/changes/2/happened/firstPage/who").asText()).isEqualTo("primary-oncall");
  }

  private static String run(Clock clock, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(Cli.execute(new RoutesReplay(clock), new PrintStream(out, true, StandardCharsets.UTF_8), System.err, args))
        .isZero();
    return out.toString(StandardCharsets.UTF_8);
  }
}
