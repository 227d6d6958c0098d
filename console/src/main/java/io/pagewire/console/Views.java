package io.pagewire.console;

import static io.pagewire.platform.text.Html.escape;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The console's HTML, server-rendered: the page shell and the pieces the pages share. All text
 * goes through {@link io.pagewire.platform.text.Html#escape}; nothing here builds markup from
 * unescaped input.
 */
final class Views {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  /** The pages in the navigation, path and label. */
  record Nav(String path, String label) {}

  private Views() {}

  /**
   * A whole page: one stylesheet, htmx and its SSE extension from the jar, the navigation of the
   * pages this process serves, and the session's CSRF token sent with every htmx request.
   */
  static String page(String title, String active, List<Nav> nav, Sessions.Session session, boolean signedIn, String body) {
    StringBuilder out = new StringBuilder(8192);
    out.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<meta name=\"htmx-config\" content='{\"includeIndicatorStyles\": false, \"allowEval\": false,")
        .append(" \"responseHandling\": [{\"code\": \"204\", \"swap\": false}, {\"code\": \"[2345]..\", \"swap\": true}]}'>")
        .append("<title>").append(escape(title)).append(" · Pagewire</title>")
        .append("<link rel=\"icon\" href=\"data:,\">")
        .append("<link rel=\"stylesheet\" href=\"/console/assets/console.css\">")
        .append("<script src=\"/console/assets/htmx.min.js\" defer></script>")
        .append("<script src=\"/console/assets/sse.js\" defer></script>")
        .append("<script src=\"/console/assets/console.js\" defer></script>")
        .append("</head><body");
    if (session != null) {
      out.append(" hx-headers='{\"").append(Sessions.CSRF_HEADER).append("\": \"").append(escape(session.csrf())).append("\"}'");
    }
    out.append(">\n<header><a class=\"brand\" href=\"/\">Pagewire</a><nav aria-label=\"Console\">");
    for (Nav item : nav) {
      out.append("<a href=\"").append(escape(item.path())).append('"')
          .append(item.path().equals(active) ? " aria-current=\"page\"" : "").append('>')
          .append(escape(item.label())).append("</a>");
    }
    out.append("</nav>");
    if (signedIn && session != null) {
      out.append("<form class=\"signout\" method=\"post\" action=\"/signout\">").append(csrfField(session))
          .append("<span>").append(escape(session.principal().name())).append("</span> <button type=\"submit\">Sign out</button></form>");
    }
    out.append("</header>\n<main id=\"main\">").append(body).append("</main>\n</body></html>\n");
    return out.toString();
  }

  static String csrfField(Sessions.Session session) {
    return "<input type=\"hidden\" name=\"" + Sessions.CSRF_FIELD + "\" value=\"" + escape(session.csrf()) + "\">";
  }

  /** A short outcome line for an htmx target; {@code ok} false marks an error. */
  static String outcome(boolean ok, String text) {
    return "<p class=\"" + (ok ? "ok" : "error") + "\" role=\"" + (ok ? "status" : "alert") + "\">" + escape(text) + "</p>";
  }

  static String time(Instant at) {
    return at == null ? "—" : "<time datetime=\"" + at + "\">" + TIME.format(at) + "</time>";
  }

  static String time(JsonNode at) {
    return at == null || !at.isTextual() ? "—" : time(Instant.parse(at.asText()));
  }

  /** 45s, 12m, 3h 05m, 2d 4h. */
  static String age(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m";
    }
    if (s < 86400) {
      return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
    }
    return (s / 86400) + "d " + ((s % 86400) / 3600) + "h";
  }

  /**
   * The acknowledge-SLA countdown: the time left, ticking in the browser ({@code data-due});
   * "overdue" once past, "met" once acknowledged.
   */
  static String countdown(String status, Instant due, Instant breachedAt, Instant now) {
    if (!"triggered".equals(status)) {
      return "<span class=\"muted\">" + ("resolved".equals(status) || "acknowledged".equals(status) ? "met" : "—")
          + (breachedAt != null ? " (breached)" : "") + "</span>";
    }
    if (due == null) {
      return "—";
    }
    Duration left = Duration.between(now, due);
    String text = left.isNegative() ? "overdue " + age(left.negated()) : age(left) + " left";
    return "<span class=\"countdown" + (left.isNegative() ? " overdue" : "") + "\" data-due=\"" + due + "\">"
        + escape(text) + "</span>";
  }

  static String badge(String kind, String value) {
    if (value == null) {
      return "<span class=\"muted\">—</span>";
    }
    return "<span class=\"badge " + kind + "-" + escape(value.toLowerCase(Locale.ROOT)) + "\">" + escape(value) + "</span>";
  }

  /** Labels as {@code name=value} chips. */
  static String labels(Map<String, String> labels) {
    StringBuilder out = new StringBuilder("<ul class=\"labels\">");
    labels.forEach((k, v) -> out.append("<li><code>").append(escape(k)).append('=').append(escape(v)).append("</code></li>"));
    return out.append("</ul>").toString();
  }

  /** A link that opens only http(s) URLs; anything else is shown as text. */
  static String link(String url, String label) {
    if (url == null || url.isBlank()) {
      return "";
    }
    String lower = url.strip().toLowerCase(Locale.ROOT);
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      return escape(label) + ": <code>" + escape(url) + "</code>";
    }
    return "<a href=\"" + escape(url.strip()) + "\" rel=\"noopener noreferrer\">" + escape(label) + "</a>";
  }

  /** A labelled form control: every control of the console has a visible label. */
  static String field(String id, String label, String control) {
    return "<label for=\"" + id + "\">" + escape(label) + "</label>" + control;
  }

  static String input(String id, String name, String value, String placeholder, boolean required) {
    return "<input id=\"" + id + "\" name=\"" + name + "\" value=\"" + escape(value) + "\""
        + (placeholder != null ? " placeholder=\"" + escape(placeholder) + "\"" : "") + (required ? " required" : "") + ">";
  }

  static String select(String id, String name, String selected, List<String> values, List<String> labels) {
    StringBuilder out = new StringBuilder("<select id=\"" + id + "\" name=\"" + name + "\">");
    for (int i = 0; i < values.size(); i++) {
      out.append("<option value=\"").append(escape(values.get(i))).append('"')
          .append(values.get(i).equals(selected) ? " selected" : "").append('>').append(escape(labels.get(i))).append("</option>");
    }
    return out.append("</select>").toString();
  }
}
