package io.pagewire.reports.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.reports.SampleReports;
import io.pagewire.reports.model.Report;
import io.pagewire.testsupport.RequiredTool;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report in a real browser: Debian's headless Chromium, offline. */
class HtmlInChromiumIT {

  @Test
  void shouldOpenInHeadlessChromiumWithoutErrors(@TempDir Path dir) throws Exception {
    RequiredTool.require(Chromium.installed(), "no Chromium at " + Chromium.BINARY + " (apt-get install chromium)");
    for (Report report : new Report[] {SampleReports.week(1), SampleReports.incidentB(1)}) {
      Path html = dir.resolve(report.getClass().getSimpleName() + ".html");
      Files.writeString(html, ReportFormat.HTML.render(report));

      Chromium.Run run = Chromium.run(html, "--dump-dom");

      assertThat(run.exitCode()).as(run.stderr()).isZero();
      assertThat(run.stdout()).contains("<h1>" + HtmlRenderer.escape(ReportDocument.title(report)) + "</h1>")
          .contains("</svg>").contains("</table>").contains("</body>");
      // Console messages and failed loads are what a broken page logs; the file has neither.
      assertThat(run.stderr()).doesNotContain("CONSOLE").doesNotContain("net::ERR").doesNotContain("Uncaught");
    }
  }

  @Test
  void shouldScreenshotTheWeek(@TempDir Path dir) throws Exception {
    RequiredTool.require(Chromium.installed(), "no Chromium at " + Chromium.BINARY + " (apt-get install chromium)");
    Path png = dir.resolve("week.png");

    ReportScreenshot.main(new String[] {png.toString()});

    byte[] bytes = Files.readAllBytes(png);
    assertThat(bytes).hasSizeGreaterThan(10_000);
    assertThat(new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }
}
