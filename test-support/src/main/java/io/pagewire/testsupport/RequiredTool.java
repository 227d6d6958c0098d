package io.pagewire.testsupport;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A test that needs a tool {@code .ci/run} installs (Alertmanager, Chromium, docker-compose): on a
 * developer's machine without the tool it is skipped with how to install it; in CI
 * ({@code CI=true}) a missing tool fails the test, so a broken install step cannot pass as skipped.
 */
public final class RequiredTool {

  private RequiredTool() {}

  public static void require(boolean present, String missing) {
    if (present) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(missing + " — CI=true, and .ci/run should have installed it");
    }
    Assumptions.assumeTrue(false, missing);
  }
}
