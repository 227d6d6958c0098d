package io.pagewire.router.classify;

import static io.pagewire.router.TestAlerts.labels;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ClassifierTest {

  private final Classifier defaults = new Classifier(PagewireConfig.defaults().classification());

  @ParameterizedTest(name = "severity={0} -> {1}")
  @CsvSource({
      "critical, P0, SEV_1",
      "warning,  P1, SEV_2",
      "error,    P2, SEV_3",
      "info,     P3, ",
      "CRITICAL, P0, SEV_1",
  })
  void shouldMapSeverityLabelByDefaultTable(String severity, Priority priority, Severity sev) {
    Verdict verdict = defaults.classify(labels("alertname", "HighLatency", "severity", severity));

    assertThat(verdict).isEqualTo(new Verdict(priority, sev, "label severity=" + severity));
  }

  @ParameterizedTest(name = "priority={0} severity={1} -> {2}")
  @CsvSource({
      "P0, info,     P0",
      "p1, critical, P1",
      "P4, critical, P4",
      "P3, ,         P3",
  })
  void shouldLetExplicitPriorityLabelWin(String priorityLabel, String severity, Priority expected) {
    Map<String, String> labels = severity == null
        ? labels("priority", priorityLabel)
        : labels("priority", priorityLabel, "severity", severity);

    Verdict verdict = defaults.classify(labels);

    assertThat(verdict.priority()).isEqualTo(expected);
    assertThat(verdict.severity()).isEqualTo(Classifier.severityOf(expected));
    assertThat(verdict.reason()).isEqualTo("label priority=" + priorityLabel);
  }

  @Test
  void shouldDefaultToP2AndSayWhyWithoutSeverityLabel() {
    Verdict verdict = defaults.classify(labels("alertname", "DiskFull"));

    assertThat(verdict).isEqualTo(new Verdict(Priority.P2, Severity.SEV_3, "no severity label: default P2"));
  }

  @Test
  void shouldDefaultAndNameTheValueForUnknownSeverity() {
    Verdict verdict = defaults.classify(labels("severity", "page-me"));

    assertThat(verdict).isEqualTo(new Verdict(Priority.P2, Severity.SEV_3, "unknown severity=page-me: default P2"));
  }

  @Test
  void shouldIgnoreMalformedPriorityLabelAndFallBackToSeverity() {
    Verdict verdict = defaults.classify(labels("priority", "urgent", "severity", "warning"));

    assertThat(verdict).isEqualTo(new Verdict(Priority.P1, Severity.SEV_2,
        "label severity=warning (ignored unknown priority=urgent)"));
  }

  @Test
  void shouldUseConfiguredLabelNamesTableAndDefault() {
    Classifier custom = new Classifier(new PagewireConfig.Classification(
        "level", "urgency", Map.of("Sev1", Priority.P0, "minor", Priority.P3), Priority.P4, List.of("alertname")));

    assertThat(custom.classify(labels("level", "sev1")).priority()).isEqualTo(Priority.P0);
    assertThat(custom.classify(labels("severity", "critical", "level", "minor")).priority()).isEqualTo(Priority.P3);
    assertThat(custom.classify(labels("urgency", "P1", "level", "sev1")).priority()).isEqualTo(Priority.P1);
    assertThat(custom.classify(labels("severity", "critical")))
        .isEqualTo(new Verdict(Priority.P4, null, "no level label: default P4"));
  }

  @ParameterizedTest
  @EnumSource(Priority.class)
  void shouldDeclareSeverityOnlyForP0ToP2(Priority priority) {
    Severity expected = switch (priority.name()) {
      case "P0" -> Severity.SEV_1;
      case "P1" -> Severity.SEV_2;
      case "P2" -> Severity.SEV_3;
      default -> null;
    };
    assertThat(Classifier.severityOf(priority)).isEqualTo(expected);
  }
}
