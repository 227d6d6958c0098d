package io.pagewire.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Alertmanager webhook bodies (version 4), and posting them as Alertmanager does. */
final class Alerts {

  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI webhook;

  Alerts(int httpPort) {
    this.webhook = URI.create("http://127.0.0.1:" + httpPort + "/api/v1/alerts/alertmanager");
  }

  /**
   * One webhook of one group (alert name, cluster {@code bench}): alerts {@code from} to
   * {@code from + count - 1}, each its own instance, so each is a new alert joining the group's
   * incident.
   */
  static String webhook(String alertname, String severity, int from, int count) {
    Instant now = Instant.now();
    List<Map<String, Object>> alerts = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("alertname", alertname);
      labels.put("severity", severity);
      labels.put("cluster", "bench");
      labels.put("instance", "node-" + i + ":9100");
      Map<String, Object> alert = new LinkedHashMap<>();
      alert.put("status", "firing");
      alert.put("labels", labels);
      alert.put("annotations", Map.of("summary", alertname + " in bench"));
      alert.put("startsAt", now.toString());
      alert.put("endsAt", "0001-01-01T00:00:00Z");
      alert.put("generatorURL", "http://prometheus.bench:9090/graph");
      alert.put("fingerprint", fingerprint(labels));
      alerts.add(alert);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("version", "4");
    body.put("groupKey", "{}:{alertname=\"" + alertname + "\"}");
    body.put("truncatedAlerts", 0);
    body.put("status", "firing");
    body.put("receiver", "pagewire");
    body.put("groupLabels", Map.of("alertname", alertname));
    body.put("commonLabels", Map.of("alertname", alertname, "severity", severity, "cluster", "bench"));
    body.put("commonAnnotations", Map.of());
    body.put("externalURL", "http://alertmanager.bench:9093");
    body.put("alerts", alerts);
    try {
      return JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new critical (P0) alert in a group of its own, named {@code probe}. */
  static String probe(String probe) {
    return webhook(probe, "critical", 0, 1);
  }

  static String newProbeName() {
    return "BenchProbe" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  }

  /** FNV-1a of the labels, as 16 hex digits like Alertmanager's fingerprints. */
  private static String fingerprint(Map<String, String> labels) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : labels.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      hash ^= b;
      hash *= 0x100000001b3L;
    }
    return String.format("%016x", hash);
  }

  /** Posts one body; answers the number of alerts accepted, or throws with the status and body. */
  int post(String body) {
    HttpRequest request = HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (response.statusCode() != 200) {
      throw new IllegalStateException("POST answered " + response.statusCode() + ": " + response.body());
    }
    try {
      return JSON.readTree(response.body()).path("accepted").asInt(-1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Posts with up to {@code attempts} tries, as Alertmanager retries a failed webhook; counts retries. */
  int postRetrying(String body, int attempts, java.util.concurrent.atomic.AtomicLong retries) {
    for (int attempt = 1; ; attempt++) {
      try {
        return post(body);
      } catch (RuntimeException e) {
        if (attempt >= attempts) {
          throw e;
        }
        retries.incrementAndGet();
        sleep(500);
      }
    }
  }

  /** Posts every body, {@code concurrency} at a time, each {@link #postRetrying} 5 tries; the alerts accepted. */
  long postAll(List<String> bodies, int concurrency, java.util.concurrent.atomic.AtomicLong retries) throws Exception {
    java.util.concurrent.ExecutorService posters = java.util.concurrent.Executors.newFixedThreadPool(concurrency);
    try {
      List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
      for (String body : bodies) {
        results.add(posters.submit(() -> postRetrying(body, 5, retries)));
      }
      long accepted = 0;
      for (java.util.concurrent.Future<Integer> result : results) {
        accepted += result.get();
      }
      return accepted;
    } finally {
      posters.shutdown();
    }
  }

  /** GET, answering the status (or -1 when nothing listens). */
  int get(int httpPort, String path) {
    try {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
