package io.pagewire.platform.config;

import java.util.List;

/**
 * A check of a parsed configuration that the platform cannot make itself because it needs a
 * service's own types: the notifier binds every channel's typed settings and compiles its
 * templates. {@code pagewire check-config} and the start of every service run the same checks
 * through {@link ConfigLoader}, which reports every problem with its file, line and column.
 */
@FunctionalInterface
public interface ConfigCheck {

  /** Every problem found, in any order; empty when the configuration is fine. */
  List<ConfigProblem> problems(PagewireConfig config);
}
