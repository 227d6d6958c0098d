package io.pagewire.reports.render;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's headless Chromium, run on a file: its DOM, its log, or a screenshot. */
final class Chromium {

  static final Path BINARY = Path.of("/usr/bin/chromium");

  record Run(int exitCode, String stdout, String stderr) {}

  private Chromium() {}

  static boolean installed() {
    return Files.isExecutable(BINARY);
  }

  static Run run(Path html, String... extra) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("pagewire-chromium-");
    List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile));
    command.addAll(List.of(extra));
    command.add(html.toUri().toString());
    Path out = Files.createTempFile("chromium-out", ".txt");
    Path err = Files.createTempFile("chromium-err", ".txt");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("chromium did not finish in 120s");
    }
    return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
