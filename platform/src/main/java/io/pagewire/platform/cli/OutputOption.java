package io.pagewire.platform.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pagewire.platform.http.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** {@code --output text|json} of a command that prints data: a table for people, JSON for scripts. */
public final class OutputOption {

  public enum Format { TEXT, JSON }

  @Option(names = {"--output", "-o"}, paramLabel = "FORMAT", defaultValue = "text",
      description = "text (default) or json.")
  Format format = Format.TEXT;

  public boolean json() {
    return format == Format.JSON;
  }

  /** Prints {@code value} as indented JSON. */
  public static void printJson(PrintWriter out, Object value) {
    try {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
      out.flush();
    } catch (JsonProcessingException e) {
      throw new Cli.Failure("cannot write JSON: " + e.getMessage(), e);
    }
  }
}
