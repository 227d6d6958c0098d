package io.pagewire.platform.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * One label matcher with Alertmanager's semantics: {@code name=value}, {@code name!=value},
 * {@code name=~regex}, {@code name!~regex}.
 *
 * <ul>
 *   <li>Regexes are fully anchored as Alertmanager anchors them: {@code ^(?:regex)$}, so
 *       {@code service=~"db"} does not match {@code service=db-replica}.
 *   <li>A label the alert does not carry has the empty value: {@code team=""} and
 *       {@code team!~".+"} match alerts without a {@code team} label, {@code team!="infra"}
 *       matches them too.
 * </ul>
 *
 * <p>The text form is Alertmanager's ({@code amtool}, {@code matchers:} in its routes): the value
 * is either double-quoted (with {@code \"}, {@code \\} and {@code \n} escapes) or bare up to the
 * next comma; several matchers may be written in one string separated by commas, optionally in
 * braces: {@code {severity=~"critical|page", team!=infra}}.
 *
 * <p>Regexes are RE2 (RE2/J), Alertmanager's own dialect (Go's {@code regexp}): matching takes
 * time linear in the value whatever the regex, so a pathological silence or route such as
 * {@code (.*.*.*.*)X} cannot stall the router's stream thread; backreferences and lookaround,
 * which RE2 does not have, are refused as invalid.
 *
 * @param name the label name
 * @param op the operator
 * @param value the value or regex as written
 * @param pattern the anchored regex, for {@code =~} and {@code !~}; null otherwise
 */
public record LabelMatcher(String name, Op op, String value, Pattern pattern) {

  /** The four operators. */
  public enum Op {
    EQUAL("="), NOT_EQUAL("!="), REGEX("=~"), NOT_REGEX("!~");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }
  }

  private static final java.util.regex.Pattern LABEL_NAME = java.util.regex.Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  public LabelMatcher {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(value, "value");
    if (name == null || !LABEL_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid label name '" + name + "' in matcher");
    }
    if (op == Op.REGEX || op == Op.NOT_REGEX) {
      if (pattern == null) {
        try {
          pattern = Pattern.compile("^(?:" + value + ")$");
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException("invalid regex in matcher " + name + op.symbol() + "\"" + value + "\": "
              + e.getDescription());
        }
      }
    } else {
      pattern = null;
    }
  }

  public static LabelMatcher of(String name, Op op, String value) {
    return new LabelMatcher(name, op, value, null);
  }

  /** True when the label set satisfies this matcher; a missing label counts as the empty value. */
  public boolean matches(Map<String, String> labels) {
    String actual = labels.getOrDefault(name, "");
    return switch (op) {
      case EQUAL -> actual.equals(value);
      case NOT_EQUAL -> !actual.equals(value);
      case REGEX -> pattern.matcher(actual).matches();
      case NOT_REGEX -> !pattern.matcher(actual).matches();
    };
  }

  /** Parses one string of one or more comma-separated matchers, optionally in braces. */
  public static List<LabelMatcher> parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("a matcher cannot be empty");
    }
    String s = text.strip();
    if (s.startsWith("{")) {
      if (!s.endsWith("}")) {
        throw new IllegalArgumentException("matcher '" + text + "' opens a brace it does not close");
      }
      s = s.substring(1, s.length() - 1).strip();
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("a matcher cannot be empty");
    }
    List<LabelMatcher> matchers = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      int nameStart = i;
      while (i < s.length() && "=!~ ".indexOf(s.charAt(i)) < 0) {
        i++;
      }
      String name = s.substring(nameStart, i).strip();
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
      Op op = operatorAt(s, i, text);
      i += op.symbol().length();
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
      StringBuilder value = new StringBuilder();
      if (i < s.length() && s.charAt(i) == '"') {
        i++;
        boolean closed = false;
        while (i < s.length()) {
          char c = s.charAt(i++);
          if (c == '\\' && i < s.length()) {
            char next = s.charAt(i++);
            value.append(next == 'n' ? '\n' : next);
          } else if (c == '"') {
            closed = true;
            break;
          } else {
            value.append(c);
          }
        }
        if (!closed) {
          throw new IllegalArgumentException("matcher '" + text + "' has an unterminated quoted value");
        }
        while (i < s.length() && s.charAt(i) == ' ') {
          i++;
        }
      } else {
        int start = i;
        while (i < s.length() && s.charAt(i) != ',') {
          i++;
        }
        value.append(s, start, i);
        String bare = value.toString().strip();
        value.setLength(0);
        value.append(bare);
      }
      if (name.isEmpty()) {
        throw new IllegalArgumentException("matcher '" + text + "' has no label name");
      }
      matchers.add(of(name, op, value.toString()));
      if (i < s.length()) {
        if (s.charAt(i) != ',') {
          throw new IllegalArgumentException("matcher '" + text + "': expected ',' at position " + i);
        }
        i++;
        while (i < s.length() && s.charAt(i) == ' ') {
          i++;
        }
        if (i == s.length()) {
          break; // Alertmanager accepts a trailing comma
        }
      }
    }
    return List.copyOf(matchers);
  }

  private static Op operatorAt(String s, int i, String text) {
    if (s.startsWith("=~", i)) {
      return Op.REGEX;
    }
    if (s.startsWith("!~", i)) {
      return Op.NOT_REGEX;
    }
    if (s.startsWith("!=", i)) {
      return Op.NOT_EQUAL;
    }
    if (s.startsWith("=", i)) {
      return Op.EQUAL;
    }
    throw new IllegalArgumentException("matcher '" + text + "' needs one of =, !=, =~, !~ after the label name");
  }

  /** Alertmanager's text form, {@code name=~"value"}. */
  @Override
  public String toString() {
    return name + op.symbol() + "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelMatcher m && m.name.equals(name) && m.op == op && m.value.equals(value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, op, value);
  }
}
