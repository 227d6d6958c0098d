package io.pagewire.reports.render;

import java.util.List;

/** The parts of a rendered report; Markdown and HTML print the same blocks. */
sealed interface Block {

  record Heading(int level, String text) implements Block {}

  record Paragraph(String text) implements Block {}

  record Table(List<String> head, List<List<String>> rows) implements Block {}

  /** An inline SVG chart; Markdown leaves it out. */
  record Chart(String title, String svg) implements Block {}
}
