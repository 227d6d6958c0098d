package io.pagewire.router.whatif;

import static io.pagewire.router.TestAlerts.firing;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.router.whatif.RoutingSimulation.Incident;
import io.pagewire.router.whatif.RoutingSimulation.Page;
import io.pagewire.router.whatif.RoutingSimulation.Recorded;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.Silence;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Silences and inhibition in the what-if replay, decided by the router's own Suppressions and lifecycle. */
class RoutingSimulationTest {

  private static final Instant T = Instant.parse("2024-03-04T10:00:00Z");
  private static final PagewireConfig CONFIG = ConfigLoader.parse("whatif.yaml", """
      classification:
        inhibitRules:
          - name: cluster-down
            sourceMatchers: ['alertname=ClusterDown']
            targetMatchers: ['severity=~"warning|info"']
            equal: [cluster]
      """);

  private static Recorded at(Instant time, Alert alert) {
    return new Recorded(time.toEpochMilli(), alert);
  }

  @Test
  void shouldPageASilencedIncidentWhenItsSilenceEndsNotWhenItOpens() {
    Silence maintenance = Silence.newBuilder().setId("s1").setMatchers(List.of("service=db"))
        .setStartsAt(T.minusSeconds(60)).setEndsAt(T.plusSeconds(1800)).setCreatedBy("alice").setComment("maintenance")
        .setUpdatedAt(T).build();
    Alert db = firing("fp-db", T, "alertname", "DiskFull", "service", "db", "severity", "critical");

    List<Incident> incidents = new RoutingSimulation(CONFIG, List.of(maintenance))
        .run(List.of(at(T, db), at(T.plusSeconds(3600), firing("fp-x", T.plusSeconds(3600), "alertname", "Other"))));

    assertThat(incidents.get(0).mutedAtOpen()).isTrue();
    assertThat(incidents.get(0).firstPage()).isEqualTo(new Page(T.plusSeconds(1800), "primary-oncall"));
  }

  @Test
  void shouldNotPageAnAlertInhibitedByAFiringClusterDownOfItsCluster() {
    Alert down = firing("fp-down", T, "alertname", "ClusterDown", "cluster", "eu-1", "severity", "critical");
    Alert latency = firing("fp-lat", T.plusSeconds(60), "alertname", "HighLatency", "cluster", "eu-1", "severity", "warning");
    Alert elsewhere = firing("fp-us", T.plusSeconds(60), "alertname", "ErrorRate", "cluster", "us-1", "severity", "warning");

    List<Incident> incidents = new RoutingSimulation(CONFIG, List.of())
        .run(List.of(at(T, down), at(T.plusSeconds(60), latency), at(T.plusSeconds(61), elsewhere)));

    assertThat(incidents).extracting(Incident::fingerprint, Incident::mutedAtOpen, i -> i.firstPage() != null)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("fp-down", false, true),
            org.assertj.core.groups.Tuple.tuple("fp-lat", true, false),
            org.assertj.core.groups.Tuple.tuple("fp-us", false, true));
  }
}
