package io.pagewire.notifier.channel.slack;

/**
 * Text from alerts made safe for Slack. In {@code mrkdwn} (and in a message's top-level
 * {@code text}) Slack reads {@code &}, {@code <} and {@code >} as control characters: {@code
 * <!channel>}, {@code <@U123>} and {@code <http://x|click>} are mentions and links. Escaping
 * exactly those three as HTML entities, as Slack's formatting reference asks (and nothing else,
 * since Slack decodes only those), makes every label and annotation show as the text it is.
 *
 * <p>Cutting keeps within Slack's length limits without splitting an entity or a surrogate pair;
 * limits count the text as sent, entities included.
 */
final class SlackText {

  private SlackText() {}

  /** {@code &} → {@code &amp;}, {@code <} → {@code &lt;}, {@code >} → {@code &gt;}. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** Escapes, then cuts to {@code max} characters. */
  static String mrkdwn(String text, int max) {
    return cut(escape(text), max);
  }

  /**
   * At most {@code max} characters: the text itself, or its start and {@code …}. The cut never
   * falls inside an entity ({@code &amp;}) or between the halves of a surrogate pair.
   */
  static String cut(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = max - 1;
    if (Character.isLowSurrogate(text.charAt(end)) && end > 0) {
      end--;
    }
    int amp = text.lastIndexOf('&', end - 1);
    if (amp >= 0 && amp >= end - 4 && text.indexOf(';', amp) >= end) {
      end = amp;
    }
    return text.substring(0, end) + "…";
  }
}
