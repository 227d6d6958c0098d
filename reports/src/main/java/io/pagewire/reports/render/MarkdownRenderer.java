package io.pagewire.reports.render;

import io.pagewire.reports.model.Report;
import java.time.ZoneId;
import java.util.List;

/** GitHub-flavoured Markdown; charts are left to the HTML report. */
final class MarkdownRenderer {

  private final Text text;

  MarkdownRenderer(ZoneId zone) {
    this.text = new Text(zone);
  }

  String render(Report report) {
    StringBuilder out = new StringBuilder();
    for (Block block : ReportDocument.build(report, text)) {
      if (block instanceof Block.Heading h) {
        out.append("#".repeat(h.level())).append(' ').append(h.text()).append("\n\n");
      } else if (block instanceof Block.Paragraph p) {
        out.append(p.text()).append("\n\n");
      } else if (block instanceof Block.Table t) {
        if (t.rows().isEmpty()) {
          out.append("_None._\n\n");
          continue;
        }
        row(out, t.head());
        out.append('|').append("---|".repeat(t.head().size())).append('\n');
        t.rows().forEach(r -> row(out, r));
        out.append('\n');
      }
    }
    return out.toString().stripTrailing() + "\n";
  }

  private static void row(StringBuilder out, List<String> cells) {
    out.append('|');
    for (String cell : cells) {
      out.append(' ').append(cell.replace("|", "\\|").replace('\n', ' ')).append(" |");
    }
    out.append('\n');
  }
}
