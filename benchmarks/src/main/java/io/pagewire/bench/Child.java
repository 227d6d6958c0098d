package io.pagewire.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM of the benchmark (the demo, one service, the broker, the pass-through), its output
 * in a log file. Every child is stopped when the benchmark ends, also on Ctrl-C or an error.
 */
final class Child implements AutoCloseable {

  private static final List<Child> RUNNING = new CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(c -> c.process.destroyForcibly()), "stop-children"));
  }

  final String name;
  final Process process;
  final Path log;

  private Child(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** {@code java JVM_OPTS args...}; JVM_OPTS as {@code ./pagewire} uses them ({@code PAGEWIRE_JAVA_OPTS}, default -Xmx512m). */
  static Child java(String name, Path log, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String opts = System.getenv().getOrDefault("PAGEWIRE_JAVA_OPTS", "-Xmx512m");
    for (String opt : opts.trim().split("\\s+")) {
      if (!opt.isEmpty()) {
        command.add(opt);
      }
    }
    command.addAll(args);
    return start(name, log, command);
  }

  /** Any program (Alertmanager, wrk), its output in {@code log}. */
  static Child start(String name, Path log, List<String> command) {
    try {
      Files.createDirectories(log.getParent());
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      Child child = new Child(name, process, log);
      RUNNING.add(child);
      return child;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  /** Fails with the end of the child's log when it has exited. */
  void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(name + " exited with " + process.exitValue() + "; end of " + log + ":\n" + tail(40));
    }
  }

  /** Waits until the child's log holds {@code line}; fails with its log's end when it exits or the time is up. */
  void awaitLine(String line, long timeoutMillis) throws IOException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (!Files.readString(log).contains(line)) {
      checkAlive();
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(name + ": no '" + line + "' within " + timeoutMillis + " ms:\n" + tail(30));
      }
      Alerts.sleep(100);
    }
  }

  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** SIGTERM (a clean shutdown, as Ctrl-C), then kill after 30 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    RUNNING.remove(this);
  }
}
