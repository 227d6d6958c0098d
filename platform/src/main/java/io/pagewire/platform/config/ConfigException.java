package io.pagewire.platform.config;

/** A configuration that cannot be used; the message names the file, the place and the problem. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
