package io.pagewire.platform.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * A value that must never be printed: a token, a password, a webhook URL. In the configuration
 * file it is written literally, as {@code ${env:NAME}} (an environment variable) or as
 * {@code ${file:/path}} (the file's content, trailing newline removed). {@link #toString()}
 * prints {@code ****}.
 */
public final class Secret {

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  public static Secret of(String value) {
    return new Secret(value);
  }

  /** Resolves a configured secret; an empty one (also an empty file or variable) is refused. */
  @JsonCreator
  public static Secret resolve(String reference) {
    Secret secret = resolveReference(reference);
    if (secret.value.isBlank()) {
      throw new IllegalArgumentException("a secret must not be empty" + (reference.startsWith("${") ? " (" + reference + " is empty)" : ""));
    }
    return secret;
  }

  private static Secret resolveReference(String reference) {
    if (reference.startsWith("${env:") && reference.endsWith("}")) {
      String name = reference.substring(6, reference.length() - 1);
      String value = System.getenv(name);
      if (value == null) {
        throw new IllegalArgumentException("environment variable " + name + " is not set");
      }
      return new Secret(value);
    }
    if (reference.startsWith("${file:") && reference.endsWith("}")) {
      Path path = Path.of(reference.substring(7, reference.length() - 1));
      try {
        return new Secret(Files.readString(path, StandardCharsets.UTF_8).strip());
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read secret file " + path + ": " + e.getMessage());
      }
    }
    return new Secret(reference);
  }

  public String reveal() {
    return value;
  }

  /** Compares in constant time, so response timing tells nothing about the secret. */
  public boolean matches(String candidate) {
    return candidate != null && MessageDigest.isEqual(
        value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "****";
  }
}
