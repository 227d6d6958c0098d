package io.pagewire.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagewire.schemas.Priority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @Test
  void anEmptyFileGivesTheDesignDefaults() {
    PagewireConfig config = ConfigLoader.parse("empty.yaml", "");

    assertThat(config.http().host()).isEqualTo("127.0.0.1");
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.sla(Priority.P0).acknowledgeWithin()).isEqualTo(Duration.ofMinutes(15));
    assertThat(config.sla(Priority.P4).pages()).isFalse();
    assertThat(config.classification().severityToPriority()).containsEntry("critical", Priority.P0);
    assertThat(config.escalation().levels()).extracting(PagewireConfig.Level::name)
        .containsExactly("primary-oncall", "secondary-oncall", "engineering-manager");
  }

  @Test
  void theDecidingLabelsAreThoseOfPriorityGroupingAndEveryRoute() {
    PagewireConfig config = ConfigLoader.parse("c.yaml", """
        classification:
          groupBy: [alertname]
          routes:
            - matchers: ['service="db"']
              groupBy: [cluster]
              routes:
                - matchers: ['team="dba"']
                  priorityFrom: {label: tier, map: {gold: P0}}
                  addLabels: {category: db}
        """);

    assertThat(config.classification().decidingLabels())
        .containsExactly("alertname", "category", "cluster", "priority", "service", "severity", "team", "tier");
  }

  @Test
  void overridesOnePriorityAndKeepsTheOthers() {
    PagewireConfig config = ConfigLoader.parse("c.yaml", """
        sla:
          P1: {acknowledgeWithin: 30m, escalateEvery: 20m, resolveWithin: 6h}
        """);

    assertThat(config.sla(Priority.P1).escalateEvery()).isEqualTo(Duration.ofMinutes(20));
    assertThat(config.sla(Priority.P0).escalateEvery()).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void namesFileLineAndKeyOfAnUnknownKey() {
    assertThatThrownBy(() -> ConfigLoader.parse("pagewire.yaml", """
        http:
          port: 8080
          bind: 0.0.0.0
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pagewire.yaml line 3")
        .hasMessageContaining("unknown key 'http.bind'")
        .hasMessageContaining("host");
  }

  @Test
  void namesTheBadDurationAndWhere() {
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", """
        ingest:
          ackTimeout: soon
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("c.yaml line 2")
        .hasMessageContaining("'soon' is not a duration");
  }

  @Test
  void readsIngestLimitsAndKeepsTheDefaultsOfTheOthers() {
    PagewireConfig config = ConfigLoader.parse("c.yaml", """
        ingest:
          limits: {maxLabels: 32, maxAnnotationValueBytes: 4096}
        """);

    PagewireConfig.IngestLimits limits = config.ingest().limits();
    assertThat(limits.maxLabels()).isEqualTo(32);
    assertThat(limits.maxAnnotationValueBytes()).isEqualTo(4096);
    assertThat(limits.maxLabelValueBytes()).isEqualTo(2048);
    assertThat(limits.maxAlertBytes()).isEqualTo(64 * 1024);
  }

  @Test
  void refusesAnAlertLimitThatLetsRecordsApproachKafkasRecordLimit() {
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", """
        ingest:
          limits: {maxAlertBytes: 1048576}
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("c.yaml line 2")
        .hasMessageContaining("maxAlertBytes must be at most 262144");
  }

  @Test
  void rejectsAPriorityOutOfRange() {
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", """
        classification:
          defaultPriority: P7
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("c.yaml line 2")
        .hasMessageContaining("P7");
  }

  @Test
  void refusesToListenBeyondLoopbackWithoutCredentials() {
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "http: {host: 0.0.0.0}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.host is 0.0.0.0")
        .hasMessageContaining("http.auth");
  }

  @Test
  void refusesToListenBeyondLoopbackWithoutALinkSigningKey() {
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "http: {host: 0.0.0.0, auth: {bearerToken: s3cret}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("escalation.linkSigningKey is not set");
  }

  @Test
  void listensBeyondLoopbackWhenCredentialsAreConfigured() {
    PagewireConfig config = ConfigLoader.parse("c.yaml",
        "{http: {host: 0.0.0.0, auth: {bearerToken: s3cret}}, escalation: {linkSigningKey: k3y}}");

    assertThat(config.http().auth().bearerToken().matches("s3cret")).isTrue();
  }

  @Test
  void readsSecretsFromFilesAndNeverPrintsThem(@TempDir Path dir) throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "from-a-file\n");

    PagewireConfig config = ConfigLoader.parse("c.yaml", "http: {auth: {bearerToken: '${file:" + token + "}'}}");

    assertThat(config.http().auth().bearerToken().reveal()).isEqualTo("from-a-file");
    assertThat(config.toString()).doesNotContain("from-a-file").contains("****");
  }

  @Test
  void namesAMissingSecretFile() {
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "http: {auth: {bearerToken: '${file:/nonexistent/token}'}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot read secret file /nonexistent/token");
  }

  @Test
  void refusesAnEmptySecretAtStartUp(@TempDir Path dir) throws Exception {
    Path empty = dir.resolve("empty-token");
    Files.writeString(empty, "\n");

    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "http: {auth: {username: am, password: ''}}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("a secret must not be empty");
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "http: {auth: {bearerToken: '${file:" + empty + "}'}}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("is empty");
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "users: {alice: {name: Alice, apiToken: ' '}}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("a secret must not be empty");
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "http: {auth: {bearerToken: t, username: am}}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("username is set without a password");
  }

  @Test
  void advertisesTheMachinesNameWhenBoundToTheWildcardAddress() {
    PagewireConfig wildcard = ConfigLoader.parse("c.yaml", "http: {host: 0.0.0.0, auth: {bearerToken: t}}\nescalation: {linkSigningKey: k}");
    PagewireConfig explicit = ConfigLoader.parse("c.yaml",
        "http: {host: 0.0.0.0, advertisedHost: escalation-2, auth: {bearerToken: t}}\nescalation: {linkSigningKey: k}");

    assertThat(wildcard.http().advertisedHost()).isNotEqualTo("0.0.0.0").isNotBlank();
    assertThat(explicit.http().advertisedServer(8081)).isEqualTo("escalation-2:8081");
  }

  @Test
  void readsTheNotifiersUrgencyLimitAndDeliverySettings() {
    PagewireConfig config = ConfigLoader.parse("c.yaml", """
        notifier:
          limitFrom: P3
          delivery: {concurrency: 4, maxPending: 500, stallTimeout: 5s}
        """);

    assertThat(config.notifier().limitFrom()).isEqualTo(io.pagewire.schemas.Priority.P3);
    assertThat(config.notifier().delivery()).isEqualTo(new PagewireConfig.Delivery(4, 500, java.time.Duration.ofSeconds(5)));
    assertThat(PagewireConfig.defaults().notifier().delivery()).isEqualTo(new PagewireConfig.Delivery(64, 20_000, java.time.Duration.ofSeconds(30)));
    assertThat(PagewireConfig.defaults().notifier().limitFrom()).isEqualTo(io.pagewire.schemas.Priority.P2);
  }

  @Test
  void refusesAnUnknownNotifierDeliveryKeyWithItsLine() {
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", """
        notifier:
          delivery: {concurency: 4}
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("line 2");
  }

  @Test
  void theSampleConfigurationIsValid() {
    PagewireConfig config = ConfigLoader.load(Path.of("../config/pagewire.yaml"));

    assertThat(config.kafka().bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(config.notifier().channels()).containsKey("console");
  }

  @Test
  void namesTheLineOfEveryContactMethodThatGoesThroughAnUnknownChannel() {
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", """
        notifier:
          channels:
            console: {type: console}
        users:
          alice:
            contactMethods:
              - {name: chat, channel: slack-ops}
              - {name: log, channel: console}
              - {name: mail, channel: email}
        """))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
            "c.yaml line 7, column 22: users.alice.contactMethods[0].channel: unknown notifier channel 'slack-ops' (known: console)",
            "c.yaml line 9, column 22: users.alice.contactMethods[2].channel: unknown notifier channel 'email' (known: console)"));
  }

  @Test
  void reportsEveryProblemOfAServiceCheckAtItsKeyInFileOrder() {
    ConfigCheck check = config -> List.of(
        new ConfigProblem("notifier.templates.body", "unclosed section"),
        new ConfigProblem("notifier.channels.ops.retries", "unknown key"),
        new ConfigProblem("notifier.channels.chat.url", "is required"),
        new ConfigProblem("notifier.nowhere", "not in the file"));

    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", """
        notifier:
          channels:
            ops:
              type: webhook
              retries: 3
            chat: {type: slack}
          templates:
            body: "{{#labels}}"
        """, List.of(check)))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
            // A key that is not written is reported at its nearest enclosing key that is.
            "c.yaml line 1, column 1: notifier.nowhere: not in the file",
            "c.yaml line 5, column 7: notifier.channels.ops.retries: unknown key",
            "c.yaml line 6, column 5: notifier.channels.chat.url: is required",
            "c.yaml line 8, column 5: notifier.templates.body: unclosed section"));
  }

  @Test
  void runsNoServiceCheckWhenThereIsNothingToReport() {
    PagewireConfig config = ConfigLoader.parse("c.yaml", "http: {port: 8081}\n", List.of(c -> List.of()));

    assertThat(config.http().port()).isEqualTo(8081);
  }
}
