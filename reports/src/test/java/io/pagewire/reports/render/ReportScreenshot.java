package io.pagewire.reports.render;

import io.pagewire.reports.SampleReports;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Renders the scripted week as HTML and screenshots it in headless Chromium:
 * {@code mvn -q -pl reports exec:java -Dexec.mainClass=io.pagewire.reports.render.ReportScreenshot
 * -Dexec.classpathScope=test -Dexec.args="../docs/report-screenshot.png"}.
 */
public final class ReportScreenshot {

  private ReportScreenshot() {}

  public static void main(String[] args) throws Exception {
    Path png = Path.of(args.length > 0 ? args[0] : "report-screenshot.png").toAbsolutePath();
    Path html = Files.createTempDirectory("pagewire-report-").resolve("week.html");
    Files.writeString(html, ReportFormat.HTML.render(SampleReports.week(1)));
    Chromium.Run run = Chromium.run(html, "--hide-scrollbars", "--window-size=1200,1600", "--screenshot=" + png);
    if (run.exitCode() != 0 || !Files.exists(png)) {
      throw new IllegalStateException("chromium failed (" + run.exitCode() + "): " + run.stderr());
    }
    System.out.println("wrote " + png + " from " + html);
  }
}
