package io.pagewire.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * console: the demo with {@code --open} (500) open and {@code --resolved} (10,000) resolved
 * incidents, each its own group, the open ones the oldest (the worst case for a newest-first
 * index); then each console page requested {@code --requests} times one after another, as one
 * browser would, after a warm-up: p50, p95 and the slowest answer per page. The list shows the 100
 * most urgent open incidents by default; the page with all 500 ({@code limit=all}) is measured too.
 */
final class ConsoleBench {

  private static final Pattern ROW = Pattern.compile("<tr id=\"incident-([^\"]+)\"");

  static int run(Path jar, Options options) throws Exception {
    int open = options.intValue("--open", 500);
    int resolved = options.intValue("--resolved", 10_000);
    int requests = options.intValue("--requests", 100);
    int batch = 500;
    options.checkAllRead();
    System.out.printf("console: %,d open and %,d resolved incidents, each page requested %d times; jar %s%n",
        open, resolved, requests, jar);
    System.out.println("  before: " + Machine.load());
    try (Receiver receiver = new Receiver(); Demo demo = new Demo(jar, receiver)) {
      Alerts alerts = new Alerts(demo.httpPort);
      System.out.printf("  demo ready in %.1f s (pid %d, log %s)%n", demo.awaitReady(alerts, 180_000), demo.child.pid(), demo.child.log);
      long t0 = System.nanoTime();
      for (int from = 0; from < open; from += batch) {
        alerts.post(webhook("firing", "open", from, Math.min(batch, open - from)));
      }
      for (int from = 0; from < resolved; from += batch) {
        alerts.post(webhook("firing", "done", from, Math.min(batch, resolved - from)));
      }
      for (int from = 0; from < resolved; from += batch) {
        alerts.post(webhook("resolved", "done", from, Math.min(batch, resolved - from)));
      }
      try (Lag lag = new Lag(demo.bootstrapServers())) {
        long deadline = System.currentTimeMillis() + 300_000;
        while (lag.lag(Demo.ROUTER_GROUP, Demo.ROUTER_INPUTS) != 0 || lag.lag(Demo.ESCALATION_GROUP, Demo.ESCALATION_INPUTS) != 0) {
          demo.child.checkAlive();
          if (System.currentTimeMillis() > deadline) {
            throw new IllegalStateException("the demo did not process the alerts within 300 s");
          }
          Alerts.sleep(200);
        }
      }
      Browser browser = new Browser(demo.httpPort);
      // The console's open set follows pagewire.incident-status; wait until it shows every open incident.
      long deadline = System.currentTimeMillis() + 120_000;
      String rows = browser.get("/console/incidents/rows?limit=all");
      while (count(rows) != open + 25 && System.currentTimeMillis() < deadline) {
        Alerts.sleep(200);
        rows = browser.get("/console/incidents/rows?limit=all");
      }
      System.out.printf("  %,d incidents in the demo %.1f s after the first POST; with limit=all the list shows %d rows"
          + " (%d open + the 25 latest resolved), by default the first 100 open%n",
          open + resolved, (System.nanoTime() - t0) / 1e9, count(rows), open);
      Matcher first = ROW.matcher(rows);
      String incident = first.find() ? first.group(1) : "none";
      Map<String, String> pages = new LinkedHashMap<>();
      pages.put("incident list (/)", "/");
      pages.put("list rows, live refresh", "/console/incidents/rows");
      pages.put("list rows, status=resolved", "/console/incidents/rows?status=resolved");
      pages.put("list rows, text filter", "/console/incidents/rows?q=cluster%3Dopen-42");
      pages.put("incident page", "/incidents/" + incident);
      pages.put("on call", "/oncall");
      pages.put("silences", "/silences");
      pages.put("routes", "/routes");
      pages.put("all open incidents (/?limit=all)", "/?limit=all");
      boolean ok = true;
      for (Map.Entry<String, String> page : pages.entrySet()) {
        boolean targeted = !page.getValue().contains("limit=all");
        for (int i = 0; i < 10; i++) {
          browser.get(page.getValue());
        }
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
          long start = System.nanoTime();
          browser.get(page.getValue());
          millis.add((System.nanoTime() - start) / 1e6);
        }
        millis.sort(Double::compare);
        double p95 = Report.percentile(millis, 95);
        String measured = String.format("p50 %.1f ms, p95 %.1f ms, max %.1f ms", Report.percentile(millis, 50), p95,
            millis.get(millis.size() - 1));
        if (targeted) {
          ok &= Report.target(page.getKey(), measured, "p95 < 100 ms", p95 < 100);
        } else {
          System.out.printf("  %-46s %s (measured, no target: %d rows)%n", page.getKey() + ":", measured, open + 25);
        }
      }
      System.out.println("  after: " + Machine.load());
      return ok ? 0 : 1;
    }
  }

  private static int count(String rows) {
    Matcher m = ROW.matcher(rows);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** One webhook of {@code count} alerts, each in a group of its own (cluster {@code kind-i}). */
  private static String webhook(String status, String kind, int from, int count) {
    Instant now = Instant.now();
    List<Map<String, Object>> list = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("alertname", "ConsoleBench");
      labels.put("severity", i % 10 == 0 ? "critical" : "warning");
      labels.put("cluster", kind + "-" + i);
      Map<String, Object> alert = new LinkedHashMap<>();
      alert.put("status", status);
      alert.put("labels", labels);
      alert.put("annotations", Map.of("summary", "Console bench " + kind + " " + i, "runbook_url", "https://runbooks.bench/console"));
      alert.put("startsAt", now.minusSeconds(600).toString());
      alert.put("endsAt", status.equals("resolved") ? now.toString() : "0001-01-01T00:00:00Z");
      alert.put("generatorURL", "http://prometheus.bench:9090/graph");
      alert.put("fingerprint", String.format("%016x", (kind.hashCode() * 1_000_003L) ^ i));
      list.add(alert);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("version", "4");
    body.put("groupKey", "{}:{alertname=\"ConsoleBench\"}");
    body.put("truncatedAlerts", 0);
    body.put("status", status);
    body.put("receiver", "pagewire");
    body.put("groupLabels", Map.of("alertname", "ConsoleBench"));
    body.put("commonLabels", Map.of("alertname", "ConsoleBench"));
    body.put("commonAnnotations", Map.of());
    body.put("externalURL", "http://alertmanager.bench:9093");
    body.put("alerts", list);
    try {
      return Alerts.JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Requests pages as one browser does: one connection pool, the console's session cookie kept. */
  private static final class Browser {
    private final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    Browser(int port) {
      this.port = port;
    }

    String get(String path) {
      try {
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
          throw new IllegalStateException("GET " + path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.body();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
