package io.pagewire.reports.render;

import io.pagewire.reports.model.Report;
import java.time.ZoneId;
import java.util.List;

/**
 * One self-contained HTML file: inline CSS and inline SVG charts, no scripts and no references to
 * anything outside the file, so it opens offline and can be mailed around.
 */
final class HtmlRenderer {

  private static final String STYLE = """
      body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1100px;color:#1d2330;padding:0 1em}
      h1{font-size:1.6em;border-bottom:2px solid #d63b3b;padding-bottom:.3em}
      h2{font-size:1.25em;margin-top:1.6em;color:#2b3a55}
      table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
      th,td{border:1px solid #d5dae3;padding:.3em .6em;text-align:left;vertical-align:top}
      th{background:#eef1f6}
      tr:nth-child(even) td{background:#fafbfd}
      figure{margin:1em 0}
      figcaption{font-weight:600;margin-bottom:.3em}
      .none{color:#777;font-style:italic}
      """;

  private final Text text;

  HtmlRenderer(ZoneId zone) {
    this.text = new Text(zone);
  }

  String render(Report report) {
    StringBuilder out = new StringBuilder();
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(escape(ReportDocument.title(report))).append("</title>\n")
        .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
    for (Block block : ReportDocument.build(report, text)) {
      if (block instanceof Block.Heading h) {
        out.append("<h").append(h.level()).append('>').append(escape(h.text())).append("</h").append(h.level()).append(">\n");
      } else if (block instanceof Block.Paragraph p) {
        boolean none = p.text().equals(Text.NOT_RECORDED);
        out.append(none ? "<p class=\"none\">" : "<p>").append(escape(p.text())).append("</p>\n");
      } else if (block instanceof Block.Table t) {
        table(out, t);
      } else if (block instanceof Block.Chart c) {
        out.append("<figure>\n<figcaption>").append(escape(c.title())).append("</figcaption>\n")
            .append(c.svg()).append("</figure>\n");
      }
    }
    return out.append("</body>\n</html>\n").toString();
  }

  private static void table(StringBuilder out, Block.Table t) {
    if (t.rows().isEmpty()) {
      out.append("<p class=\"none\">None.</p>\n");
      return;
    }
    out.append("<table>\n<thead><tr>");
    t.head().forEach(h -> out.append("<th>").append(escape(h)).append("</th>"));
    out.append("</tr></thead>\n<tbody>\n");
    for (List<String> row : t.rows()) {
      out.append("<tr>");
      row.forEach(cell -> out.append("<td>").append(escape(cell)).append("</td>"));
      out.append("</tr>\n");
    }
    out.append("</tbody>\n</table>\n");
  }

  static String escape(String s) {
    return io.pagewire.platform.text.Html.escape(s);
  }
}
