package io.pagewire.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the benchmark reads about the machine: free loopback ports, the load, a process's RSS. */
final class Machine {

  private Machine() {}

  /** The path of {@code name} on the PATH; fails saying how to install it. */
  static String binary(String name, String install) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new IllegalArgumentException(name + " is not installed (" + install + ")");
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The 1, 5 and 15 minute load averages and the number of cores, as {@code uptime} says them. */
  static String load() {
    try {
      String[] avg = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return "load average " + avg[0] + ", " + avg[1] + ", " + avg[2] + " on " + Runtime.getRuntime().availableProcessors() + " cores";
    } catch (IOException e) {
      return "load unknown (" + e.getMessage() + ")";
    }
  }

  /**
   * CPU time (user + system, all threads) a process has used so far, in seconds; -1 when unknown.
   * Unlike wall time it hardly depends on what else the machine runs, so it compares builds
   * measured at different loads.
   */
  static double cpuSeconds(long pid) {
    return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(d -> d.toNanos() / 1e9).orElse(-1.0);
  }

  /** VmRSS of a process in bytes, from /proc/PID/status; -1 when it is gone. */
  static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp directory
    }
  }
}
