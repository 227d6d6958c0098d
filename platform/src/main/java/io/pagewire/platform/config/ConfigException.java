package io.pagewire.platform.config;

import java.util.List;

/**
 * A configuration that cannot be used; the message names the file, the place and the problem.
 * When several problems were found at once, the message has one line per problem, and
 * {@link #problems()} lists them.
 */
public final class ConfigException extends RuntimeException {

  private final List<String> problems;

  public ConfigException(String message) {
    super(message);
    this.problems = List.of(message);
  }

  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs a problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** Each problem on its own, in the order of the file. */
  public List<String> problems() {
    return problems;
  }
}
