package io.pagewire.notifier.channel.email;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The HTML part of an email: the plain text, escaped, with line breaks kept and links clickable. */
final class Html {

  private static final Pattern LINK = Pattern.compile("https?://[^\\s<>\"]+");

  private Html() {}

  static String of(String title, String body) {
    return "<!DOCTYPE html><html><body><h2>" + escape(title) + "</h2><p>"
        + linkify(escape(body)).replace("\n", "<br>\n") + "</p></body></html>";
  }

  static String escape(String text) {
    return io.pagewire.platform.text.Html.escape(text);
  }

  private static String linkify(String escaped) {
    Matcher m = LINK.matcher(escaped);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement("<a href=\"" + m.group() + "\">" + m.group() + "</a>"));
    }
    m.appendTail(out);
    return out.toString();
  }
}
