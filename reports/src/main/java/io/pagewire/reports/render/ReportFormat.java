package io.pagewire.reports.render;

import io.pagewire.reports.model.Report;
import java.util.Locale;

/** The output formats of a report. Each renders a report to text, the same text for the same report. */
public enum ReportFormat {
  MARKDOWN {
    @Override
    public String render(Report report) {
      return new MarkdownRenderer(report.query().zone()).render(report);
    }
  },
  HTML {
    @Override
    public String render(Report report) {
      return new HtmlRenderer(report.query().zone()).render(report);
    }
  },
  JSON {
    @Override
    public String render(Report report) {
      return JsonRenderer.render(report);
    }
  };

  public abstract String render(Report report);

  public static ReportFormat parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--format must be markdown, html or json (it is '" + name + "')");
    }
  }
}
