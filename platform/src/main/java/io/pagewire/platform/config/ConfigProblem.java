package io.pagewire.platform.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration, at a key: {@code notifier.channels.ops.retries} with
 * "unknown key (known here: ...)". The loader turns the key into the file's line and column.
 *
 * @param path the key, dotted, with list indexes in brackets:
 *     {@code users.alice.contactMethods[0].channel}; for a key that is missing, the section that
 *     lacks it
 * @param message what is wrong, never quoting a secret's value
 */
public record ConfigProblem(String path, String message) {
  public ConfigProblem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return path + ": " + message;
  }
}
