package io.pagewire.notifier.channel;

import io.pagewire.schemas.Severity;

/** How notifications name things for people, the same in every channel. */
public final class Rendering {

  private Rendering() {}

  /** {@code SEV_1} as people write it, {@code SEV-1}; null stays null (P3/P4 declare no severity). */
  public static String severity(Severity severity) {
    return severity == null ? null : severity.name().replace('_', '-');
  }
}
