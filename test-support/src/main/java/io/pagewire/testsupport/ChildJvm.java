package io.pagewire.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A main class in a JVM of its own, on this test's classpath, for tests that kill it as a crash or
 * an OOM kill would: {@link #kill()} is SIGKILL ({@code destroyForcibly}), so no shutdown hook,
 * commit or leave-group runs. Closing a Kafka client in the test JVM, even with a zero timeout,
 * still runs its shutdown code and would not show that.
 *
 * <p>Its output is echoed to this test's output, each line prefixed with the child's name;
 * {@code echo} chooses which lines.
 */
public final class ChildJvm implements AutoCloseable {

  /** The line the children in these tests print once they serve. */
  public static final String READY = "READY";

  private final String name;
  private final Process process;
  private final long startedNanos;
  private final List<Watch> watches = new ArrayList<>();
  private final java.util.Set<String> printed = new java.util.HashSet<>();

  private record Watch(String line, CompletableFuture<Void> seen) {}

  private ChildJvm(String name, Process process, long startedNanos, Predicate<String> echo) {
    this.name = name;
    this.process = process;
    this.startedNanos = startedNanos;
    Thread pump = new Thread(() -> pump(echo), name + "-output");
    pump.setDaemon(true);
    pump.start();
  }

  /** Starts {@code main} with {@code args}, echoing every line. */
  public static ChildJvm start(String name, Class<?> main, String... args) {
    return start(name, line -> true, main, args);
  }

  public static ChildJvm start(String name, Predicate<String> echo, Class<?> main, String... args) {
    return start(name, echo, List.of(), main, args);
  }

  /** With extra JVM options ({@code -D...}); {@code -Dchild.jvmArgs="..."} on the test JVM adds more, for diagnosis. */
  public static ChildJvm start(String name, Predicate<String> echo, List<String> jvmArgs, Class<?> main, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path")));
    command.addAll(jvmArgs);
    String more = System.getProperty("child.jvmArgs", "").strip();
    if (!more.isEmpty()) {
      command.addAll(List.of(more.split("\\s+")));
    }
    command.add(main.getName());
    command.addAll(List.of(args));
    try {
      long started = System.nanoTime();
      return new ChildJvm(name, new ProcessBuilder(command).redirectErrorStream(true).start(), started, echo);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + main.getName(), e);
    }
  }

  /** Waits until the child prints {@code line}; fails if it exits first or does not within {@code patience}. */
  public ChildJvm awaitLine(String line, Duration patience) {
    CompletableFuture<Void> seen = new CompletableFuture<>();
    synchronized (watches) {
      if (printed.contains(line)) {
        return this;
      }
      watches.add(new Watch(line, seen));
    }
    try {
      seen.get(patience.toMillis(), TimeUnit.MILLISECONDS);
      return this;
    } catch (ExecutionException e) {
      throw new AssertionError(name + " exited before printing " + line, e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError(name + " did not print " + line + " within " + patience);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public ChildJvm awaitReady(Duration patience) {
    return awaitLine(READY, patience);
  }

  /** How long ago the process was started. */
  public Duration age() {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  public long startedNanos() {
    return startedNanos;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL, and waits until the process is gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + " did not die of SIGKILL within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGTERM (shutdown hooks run), waiting up to {@code patience}, then SIGKILL. */
  public void stop(Duration patience) {
    process.destroy();
    try {
      if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  private void pump(Predicate<String> echo) {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (echo.test(line)) {
          System.out.println("[" + name + "] " + line);
        }
        synchronized (watches) {
          printed.add(line);
          for (Watch watch : watches) {
            if (watch.line().equals(line)) {
              watch.seen().complete(null);
            }
          }
        }
      }
    } catch (IOException e) {
      // the child died
    }
    synchronized (watches) {
      watches.forEach(w -> w.seen().completeExceptionally(new IllegalStateException(name + " exited")));
    }
  }
}
