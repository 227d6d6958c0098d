package io.pagewire.platform.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A conjunction of {@link LabelMatcher}s: a label set matches when it satisfies every one; the
 * empty conjunction matches everything. In YAML a list of strings in Alertmanager's syntax,
 * {@code ['severity=~"critical|page"', 'team!=infra']}; each string may hold several
 * comma-separated matchers.
 *
 * @param all the matchers, in the order written
 */
public record Matchers(List<LabelMatcher> all) {

  public static final Matchers NONE = new Matchers(List.of());

  public Matchers {
    all = List.copyOf(all);
  }

  /** Parses the YAML form: every string may hold one or more matchers. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Matchers parse(List<String> texts) {
    if (texts == null) {
      return NONE;
    }
    List<LabelMatcher> parsed = new ArrayList<>();
    for (String text : texts) {
      parsed.addAll(LabelMatcher.parse(text));
    }
    return new Matchers(parsed);
  }

  public static Matchers parse(String... texts) {
    return parse(List.of(texts));
  }

  public boolean matches(Map<String, String> labels) {
    for (LabelMatcher matcher : all) {
      if (!matcher.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  public boolean isEmpty() {
    return all.isEmpty();
  }

  /** The text forms, as YAML and the HTTP API show them. */
  @JsonValue
  public List<String> texts() {
    return all.stream().map(LabelMatcher::toString).toList();
  }

  /** {@code {a="b", c=~"d"}}, as Alertmanager prints a matcher set. */
  @Override
  public String toString() {
    return "{" + String.join(", ", texts()) + "}";
  }
}
