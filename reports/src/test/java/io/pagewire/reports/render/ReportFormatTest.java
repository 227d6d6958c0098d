package io.pagewire.reports.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.platform.http.Json;
import io.pagewire.reports.SampleReports;
import io.pagewire.reports.model.Report;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class ReportFormatTest {

  @ParameterizedTest
  @EnumSource(ReportFormat.class)
  void shouldRenderTheSameReportToTheSameBytes(ReportFormat format) {
    for (Report report : new Report[] {SampleReports.week(1), SampleReports.incidentB(1)}) {
      byte[] first = format.render(report).getBytes(StandardCharsets.UTF_8);
      byte[] second = format.render(SampleReports.rebuild(report)).getBytes(StandardCharsets.UTF_8);
      assertThat(second).isEqualTo(first);
    }
  }

  @Test
  void shouldRenderTheSameBytesWhateverOrderTheTopicsWereRead() {
    for (ReportFormat format : ReportFormat.values()) {
      assertThat(format.render(SampleReports.week(7))).isEqualTo(format.render(SampleReports.week(8)));
    }
  }

  @Test
  void shouldMarkWhatNobodyRecordedInMarkdown() {
    String md = ReportFormat.MARKDOWN.render(SampleReports.incidentB(1));
    for (String section : new String[] {"Root cause", "Resolution", "Lessons learned", "Action items"}) {
      assertThat(md).contains("## " + section + "\n\nNot recorded. Nobody has recorded this on the incident yet.\n");
    }
    assertThat(md).contains("| Time to resolve | 10h | 8h | breached |")
        .contains("| 2 | 2024-03-09 03:00:00 +00:00 | 2 | secondary-oncall | failed |");
  }

  @Test
  void shouldListTheOpenActionItemsOfThePeriodSoonestDueFirst() {
    String md = ReportFormat.MARKDOWN.render(SampleReports.week(1));
    assertThat(md).contains("## Open action items\n\n"
        + "Action items recorded on the period's incidents; nothing records an item as done, so all are listed.\n\n"
        + "| due | owner | incident | action |\n|---|---|---|---|\n"
        + "| 2024-03-12 | carol | inc-c | alert on disk usage at 80% |\n"
        + "| — | — | inc-c | audit log rotation on every database host |\n");
    assertThat(ReportFormat.HTML.render(SampleReports.week(1)))
        .contains("<tr><td>2024-03-12</td><td>carol</td><td>inc-c</td><td>alert on disk usage at 80%</td></tr>");
  }

  @Test
  void shouldWriteSelfContainedHtmlWithBothCharts() {
    String html = ReportFormat.HTML.render(SampleReports.week(1));
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<figcaption>Incident timeline</figcaption>")
        .contains("<figcaption>Mean time to acknowledge and to resolve by priority</figcaption>");
    // Nothing to fetch: no scripts, links, images or URLs other than the SVG namespace.
    assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).doesNotContain("http:", "https:", "<script",
        "<link", "<img", "url(");
    assertThat(ReportFormat.HTML.render(SampleReports.incidentB(1))).contains("<figcaption>Timeline</figcaption>");
  }

  @Test
  void shouldWriteJsonOtherToolsCanRead() throws Exception {
    JsonNode json = Json.MAPPER.readTree(ReportFormat.JSON.render(SampleReports.week(1)));
    assertThat(json.at("/mttaByTeam/payments/median").asText()).isEqualTo("PT24M");
    assertThat(json.at("/slaByPriority/P1/acknowledge/percent").asDouble()).isEqualTo(0.0);
    assertThat(json.at("/incidents/0/retrospective/rootCauses").isArray()).isTrue();
    assertThat(json.at("/incidents/0/retrospective/rootCauses").isEmpty()).isTrue();
    assertThat(json.at("/openActionItems/0/incidentId").asText()).isEqualTo("inc-c");
    assertThat(json.at("/openActionItems/0/owner").asText()).isEqualTo("carol");
    assertThat(json.at("/openActionItems/0/due").asText()).isEqualTo("2024-03-12");
    assertThat(json.at("/reachedLastLevel/0").asText()).isEqualTo("inc-b");
  }
}
