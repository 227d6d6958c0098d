package io.pagewire.platform.text;

/**
 * HTML escaping: the one place every HTML Pagewire writes (the console, emails, reports, the
 * one-click link pages) escapes text. The result is safe in element content and in quoted
 * attribute values.
 */
public final class Html {

  private Html() {}

  /** {@code & < > " '} as entities; null as the empty string. */
  public static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String entity = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        default -> null;
      };
      if (entity != null && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out != null) {
        if (entity != null) {
          out.append(entity);
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? text : out.toString();
  }
}
