package io.pagewire.platform.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The API token of a command that calls the HTTP API: {@code --token-file FILE} or
 * {@code $PAGEWIRE_TOKEN}; never the token itself as an argument, where {@code ps} and the
 * shell history would show it.
 */
public final class TokenOption {

  public static final String ENV = "PAGEWIRE_TOKEN";

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "File holding the API token (default: $PAGEWIRE_TOKEN).")
  Path file;

  /** The token, or null when neither the file nor the variable gives one. */
  public String token(Map<String, String> env) {
    if (file != null) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new Cli.Failure("cannot read --token-file " + file + ": " + e.getMessage());
      }
    }
    String token = env.get(ENV);
    return token == null || token.isBlank() ? null : token.strip();
  }
}
