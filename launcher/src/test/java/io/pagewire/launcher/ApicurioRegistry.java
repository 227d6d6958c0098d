package io.pagewire.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.platform.http.Json;
import io.pagewire.testsupport.FreePorts;
import io.pagewire.testsupport.RequiredTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A real Apicurio Registry (the {@code io.apicurio:apicurio-registry-app} Quarkus app that the
 * launcher's build unpacks into {@code target/apicurio-registry} before the ITs), in-memory, on a
 * free loopback port, answering the Confluent Schema Registry API at {@link #ccompat()}. It needs
 * Java 21+: {@code APICURIO_JAVA_HOME}, else this JVM when it is 21+, else the newest JDK 21+
 * under {@code /usr/lib/jvm} ({@code .ci/run} makes sure there is one).
 */
final class ApicurioRegistry implements AutoCloseable {

  static final Path APP = Path.of("target", "apicurio-registry", "quarkus-run.jar");

  private final Process process;
  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private ApicurioRegistry(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts it, or skips the test (fails it under CI=true) when the app or a Java 21+ is missing. */
  static ApicurioRegistry start(Path log) throws IOException {
    RequiredTool.require(Files.isRegularFile(APP), "Apicurio Registry is not unpacked at " + APP.toAbsolutePath()
        + " (mvn verify unpacks io.apicurio:apicurio-registry-app in pre-integration-test)");
    Optional<Path> java = java21();
    RequiredTool.require(java.isPresent(), "Apicurio Registry needs Java 21+, and there is none in APICURIO_JAVA_HOME,"
        + " java.home or /usr/lib/jvm (.ci/run finds or installs one)");
    int port = FreePorts.next();
    Process process = new ProcessBuilder(java.get().resolve("bin/java").toString(), "-Xmx384m",
        "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.test-port=0",
        "-jar", APP.getFileName().toString())
        .directory(APP.getParent().toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    ApicurioRegistry registry = new ApicurioRegistry(process, port);
    try {
      Awaitility.await("Apicurio Registry ready (log: " + log + ")").atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> {
            if (!process.isAlive()) {
              throw new IllegalStateException("Apicurio Registry exited: " + Files.readString(log));
            }
            return registry.status("subjects") == 200;
          });
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  /** The Confluent-compatible API's base URL. */
  String ccompat() {
    return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
  }

  JsonNode get(String path) {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(ccompat() + "/" + path)).GET().build());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    try {
      return Json.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  HttpResponse<String> post(String path, String json) {
    return send(HttpRequest.newBuilder(URI.create(ccompat() + "/" + path))
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build());
  }

  private int status(String path) {
    try {
      return send(HttpRequest.newBuilder(URI.create(ccompat() + "/" + path)).timeout(Duration.ofSeconds(2)).GET().build())
          .statusCode();
    } catch (UncheckedIOException e) {
      return -1; // not listening yet
    }
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Optional<Path> java21() {
    List<Path> candidates = new ArrayList<>();
    String configured = System.getenv("APICURIO_JAVA_HOME");
    if (configured != null && !configured.isBlank()) {
      candidates.add(Path.of(configured));
    }
    candidates.add(Path.of(System.getProperty("java.home")));
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> dirs = Files.list(jvms)) {
        dirs.sorted().forEach(candidates::add);
      } catch (IOException e) {
        // no JDKs to list
      }
    }
    return candidates.stream().filter(home -> major(home) >= 21 && Files.isExecutable(home.resolve("bin/java"))).findFirst();
  }

  /** The major version in a JDK's {@code release} file ({@code JAVA_VERSION="25.0.3"}), 0 when unknown. */
  private static int major(Path home) {
    try {
      for (String line : Files.readAllLines(home.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) {
          String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
          return Integer.parseInt(version.split("[.+-]")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }
}
