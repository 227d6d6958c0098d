package io.pagewire.notifier.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagewire.platform.config.ConfigException;
import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import org.junit.jupiter.api.Test;

class TemplatesTest {

  private static PagewireConfig config(String title, String body) {
    return PagewireConfig.defaults().withNotifier(new PagewireConfig.Notifier(null, null,
        new PagewireConfig.Templates(title, body), null, null, null));
  }

  @Test
  void shouldAcceptTheDefaultTemplatesAndEveryDocumentedVariable() {
    assertThat(Templates.check(PagewireConfig.defaults())).isEmpty();
    assertThat(Templates.check(config("{{kind}} {{priority}} {{severity}} {{title}} {{incidentId}} {{level}}",
        "{{summary}} {{recipient}} {{notificationId}} {{#labels}}{{name}}={{value}}{{/labels}}"
            + " {{links.acknowledge}} {{links.resolve}} {{links.incident}} {{#links.runbook}}{{links.runbook}}{{/links.runbook}}")))
        .isEmpty();
  }

  @Test
  void shouldNameTheKeyOfATemplateThatDoesNotParse() {
    assertThat(Templates.check(config(null, "{{#labels}}{{name}}")))
        .singleElement().satisfies(problem -> {
          assertThat(problem.path()).isEqualTo("notifier.templates.body");
          assertThat(problem.message()).contains("labels");
        });
  }

  @Test
  void shouldRefuseAVariablePagewireNeverProvidesRatherThanRenderItEmpty() {
    assertThat(Templates.check(config("{{priorty}}: {{title}} {{#lables}}x{{/lables}}", null)))
        .singleElement().satisfies(problem -> {
          assertThat(problem.path()).isEqualTo("notifier.templates.title");
          assertThat(problem.message()).startsWith("unknown variables 'lables', 'priorty' (known: incidentId, kind, labels,");
        });
  }

  @Test
  void shouldFailTheNotifierStartWithTheSameProblem() {
    assertThatThrownBy(() -> new Templates(new PagewireConfig.Templates("{{incidentID}}", null)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("notifier.templates.title: unknown variable 'incidentID' (known: ");
  }

  @Test
  void shouldReportABadTemplateAtItsLineThroughTheConfigLoader() {
    assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", """
        notifier:
          templates:
            title: "{{kind}}"
            body: "{{#labels}}{{name}}"
        """, java.util.List.of(Templates::check)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("c.yaml line 4, column 5: notifier.templates.body: ");
  }
}
