package io.pagewire.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code scripts/bench ingest}: the same wrk load (default 16 connections, 10 new alerts a
 * request) against a real Alertmanager's {@code POST /api/v2/alerts}, the standalone ingest
 * ({@code pagewire service alerting-ingest} against a broker of its own) and the embedded demo
 * ({@code pagewire run}), one after the other in one run; prints each one's requests/s and the
 * ratios to Alertmanager. Then 32 connections that send their request a byte a second, and the
 * POST→answer time of a normal webhook to the standalone ingest with and without them.
 *
 * <p>The JVM targets first get {@code --warmup} seconds (default 10) of the same load, not
 * measured: on 2 cores the JIT compilers took about a third of the ingest JVM's CPU through a
 * cold 20-second run (JFR {@code jdk.ThreadCPULoad}), so a cold run measured the compiler as
 * much as the ingest. The demo then drains what the warm-up sent (router and escalation lag 0)
 * before it is measured. Alertmanager, compiled ahead of time, is measured fresh, as before.
 * Every run posts alerts no run posted before.
 */
final class IngestBench {

  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
  private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors:[^\\n]*");

  private IngestBench() {}

  record Load(double requestsPerSecond, long non2xx, String errors) {}

  static int run(Path jar, Options options) throws Exception {
    int duration = options.intValue("--duration", 20);
    int connections = options.intValue("--connections", 16);
    int threads = options.intValue("--threads", 2);
    int perRequest = options.intValue("--alerts-per-request", 10);
    int slow = options.intValue("--slow-connections", 32);
    int warmup = options.intValue("--warmup", 10);
    options.checkAllRead();
    String wrk = Machine.binary("wrk", "apt-get install wrk");
    String alertmanager = Machine.binary("prometheus-alertmanager", "apt-get install prometheus-alertmanager");
    System.out.printf("ingest: wrk -t%d -c%d -d%ds, %d new alerts a request, against Alertmanager /api/v2/alerts,"
        + " the standalone ingest and the demo (each after %d s of warm-up); jar %s%n", threads, connections, duration, perRequest,
        warmup, jar);
    System.out.println("  before: " + Machine.load());
    Path dir = Files.createTempDirectory("pagewire-bench-ingest-");
    String classpath = Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + java.io.File.pathSeparator + jar;
    boolean ok = true;
    try {
      Path amScript = script(dir, "alertmanager.lua", perRequest, false, 0);
      Path pwWarmup = script(dir, "pagewire-warmup.lua", perRequest, true, 1);
      Path pwScript = script(dir, "pagewire.lua", perRequest, true, 2);
      Path demoWarmup = script(dir, "demo-warmup.lua", perRequest, true, 3);
      Path demoScript = script(dir, "demo.lua", perRequest, true, 4);

      int amPort = Machine.freePort();
      Files.writeString(dir.resolve("alertmanager.yml"), """
          route: {receiver: none, group_by: [alertname], group_wait: 1h}
          receivers: [{name: none}]
          """);
      Load am;
      try (Child child = Child.start("alertmanager", dir.resolve("alertmanager.log"), List.of(alertmanager,
          "--config.file=" + dir.resolve("alertmanager.yml"), "--storage.path=" + dir.resolve("am-data"),
          "--web.listen-address=127.0.0.1:" + amPort, "--cluster.listen-address="))) {
        awaitHttp(child, amPort, "/-/ready", 30_000);
        am = wrk(wrk, dir, "alertmanager", threads, connections, duration, amScript, "http://127.0.0.1:" + amPort + "/api/v2/alerts");
      }
      print("Alertmanager /api/v2/alerts", am);

      int kafkaPort = Machine.freePort();
      int ingestPort = Machine.freePort();
      Load ingest;
      Latency quiet;
      Latency withSlow;
      try (Child broker = Child.java("broker", dir.resolve("broker.log"),
              List.of("-cp", classpath, BrokerMain.class.getName(), dir.resolve("kafka").toString(), Integer.toString(kafkaPort)))) {
        broker.awaitLine("broker ready", 60_000);
        Path config = dir.resolve("ingest.yaml");
        Files.writeString(config, Demo.config(kafkaPort, ingestPort, "http://127.0.0.1:9/unused", dir.resolve("streams")));
        try (Child service = Child.java("alerting-ingest", dir.resolve("ingest.log"),
            List.of("-jar", jar.toString(), "service", "alerting-ingest", "--config", config.toString()))) {
          awaitHttp(service, ingestPort, "/readyz", 60_000);
          if (warmup > 0) {
            print("standalone ingest, warm-up (not measured)", wrk(wrk, dir, "ingest-warmup", threads, connections, warmup, pwWarmup,
                "http://127.0.0.1:" + ingestPort + "/api/v1/alerts/alertmanager"));
          }
          ingest = wrk(wrk, dir, "ingest", threads, connections, duration, pwScript,
              "http://127.0.0.1:" + ingestPort + "/api/v1/alerts/alertmanager");
          print("standalone ingest", ingest);
          quiet = latency(ingestPort, 40);
          List<Socket> held = slowConnections(ingestPort, slow);
          try {
            withSlow = latency(ingestPort, 40);
          } finally {
            for (Socket socket : held) {
              socket.close();
            }
          }
        }
      }
      Load demo;
      try (Receiver receiver = new Receiver(); Demo running = new Demo(jar, receiver)) {
        running.awaitReady(new Alerts(running.httpPort), 120_000);
        if (warmup > 0) {
          print("embedded demo, warm-up (not measured)", wrk(wrk, dir, "demo-warmup", threads, connections, warmup, demoWarmup,
              "http://127.0.0.1:" + running.httpPort + "/api/v1/alerts/alertmanager"));
          System.out.printf("  %-46s %.1f s%n", "the demo processed the warm-up's alerts in:", drain(running, 300_000));
        }
        demo = wrk(wrk, dir, "demo", threads, connections, duration, demoScript,
            "http://127.0.0.1:" + running.httpPort + "/api/v1/alerts/alertmanager");
      }
      print("embedded demo (pagewire run)", demo);

      double ingestRatio = ingest.requestsPerSecond() / am.requestsPerSecond();
      double demoRatio = demo.requestsPerSecond() / am.requestsPerSecond();
      ok &= Report.target("standalone ingest / Alertmanager", String.format("%,.0f / %,.0f req/s = %.2f×",
          ingest.requestsPerSecond(), am.requestsPerSecond(), ingestRatio), "≥ 1.0×", ingestRatio >= 1.0 && ingest.non2xx() == 0);
      ok &= Report.target("demo / Alertmanager", String.format("%,.0f / %,.0f req/s = %.2f×",
          demo.requestsPerSecond(), am.requestsPerSecond(), demoRatio), "≥ 0.5×", demoRatio >= 0.5 && demo.non2xx() == 0);
      double delay = withSlow.p50() - quiet.p50();
      System.out.printf("  webhook POST→200 without slow connections: p50 %.1f ms, max %.1f ms%n", quiet.p50(), quiet.max());
      System.out.printf("  webhook POST→200 with %d slow connections:  p50 %.1f ms, max %.1f ms%n", slow, withSlow.p50(), withSlow.max());
      ok &= Report.target(slow + " slow connections: added delay", String.format("p50 %+.1f ms, max %.1f ms", delay, withSlow.max()),
          "≤ 100 ms", delay <= 100 && withSlow.max() <= quiet.max() + 100);
    } finally {
      Machine.deleteTree(dir);
    }
    System.out.println("  after: " + Machine.load());
    return ok ? 0 : 1;
  }

  /**
   * A wrk script posting {@code perRequest} alerts no one sent before in each request (a counter
   * per wrk thread, the run's and the thread's number in every label set): Alertmanager's own API
   * format, or a webhook as Alertmanager sends it.
   */
  private static Path script(Path dir, String name, int perRequest, boolean webhook, int run) throws IOException {
    String lua = """
        local counter = 0
        local threads = 0
        function setup(thread)
          threads = threads + 1
          thread:set("id", threads)
        end
        function init(args)
          wrk.method = "POST"
          wrk.headers["Content-Type"] = "application/json"
        end
        local starts = os.date("!%%Y-%%m-%%dT%%H:%%M:%%SZ")
        function request()
          local alerts = {}
          for i = 1, %d do
            counter = counter + 1
            alerts[i] = string.format('{"labels":{"alertname":"BenchAlert","cluster":"c%%d","instance":"host-%d-%%d-%%d",'
              .. '"severity":"warning","job":"node"},"annotations":{"summary":"bench alert %%d"},'
              .. '"startsAt":"%%s","generatorURL":"http://prometheus:9090/graph"%s}', id, id, counter, counter, starts%s)
          end
          local list = table.concat(alerts, ",")
          %s
          return wrk.format(nil, nil, nil, body)
        end
        """.formatted(perRequest, run,
            webhook ? ",\"status\":\"firing\",\"endsAt\":\"0001-01-01T00:00:00Z\",\"fingerprint\":\"%016x\"" : "",
            webhook ? ", (" + run + " * 1000 + id) * 1000000000 + counter" : "",
            webhook ? "local body = '{\"receiver\":\"pagewire\",\"status\":\"firing\",\"version\":\"4\",\"groupKey\":\"{}:{alertname=\\\\\"BenchAlert\\\\\"}\","
                + "\"groupLabels\":{\"alertname\":\"BenchAlert\"},\"commonLabels\":{},\"commonAnnotations\":{},"
                + "\"externalURL\":\"http://alertmanager:9093\",\"truncatedAlerts\":0,\"alerts\":[' .. list .. ']}'"
                : "local body = '[' .. list .. ']'");
    Path file = dir.resolve(name);
    Files.writeString(file, lua);
    return file;
  }

  private static Load wrk(String wrk, Path dir, String name, int threads, int connections, int duration, Path script, String url)
      throws Exception {
    Path log = dir.resolve("wrk-" + name + ".log");
    Child run = Child.start("wrk " + name, log, List.of(wrk, "-t" + threads, "-c" + connections, "-d" + duration + "s",
        "--timeout", "10s", "-s", script.toString(), url));
    if (!run.process.waitFor(duration + 60L, java.util.concurrent.TimeUnit.SECONDS) || run.process.exitValue() != 0) {
      throw new IllegalStateException("wrk against " + name + " failed:\n" + run.tail(30));
    }
    String output = Files.readString(log);
    Matcher rate = RATE.matcher(output);
    if (!rate.find()) {
      throw new IllegalStateException("no Requests/sec in wrk's output:\n" + output);
    }
    Matcher non2xx = NON_2XX.matcher(output);
    Matcher errors = SOCKET_ERRORS.matcher(output);
    return new Load(Double.parseDouble(rate.group(1)), non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0,
        errors.find() ? errors.group() : "");
  }

  private static void print(String what, Load load) {
    System.out.printf("  %-46s %,.0f requests/s%s%s%n", what + ":", load.requestsPerSecond(),
        load.non2xx() > 0 ? String.format(" (%,d answers not 2xx)", load.non2xx()) : "",
        load.errors().isEmpty() ? "" : " (" + load.errors() + ")");
  }

  record Latency(double p50, double max) {}

  /** {@code count} webhooks of one new alert each, one at a time: POST→answer in ms. */
  private static Latency latency(int port, int count) throws IOException {
    Alerts http = new Alerts(port);
    List<Double> millis = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String body = Alerts.webhook("SlowProbe", "warning", (int) (System.nanoTime() % 1_000_000_000L), 1);
      long started = System.nanoTime();
      try {
        if (http.post(body) != 1) {
          throw new IllegalStateException("the probe webhook was not accepted");
        }
      } catch (java.io.UncheckedIOException e) {
        // No answer within the client's 30 s: the server is stuck; the rest would be too.
        System.out.printf("  a webhook got no answer within 30 s (%s)%n", e.getCause());
        millis.add((System.nanoTime() - started) / 1e6);
        break;
      }
      millis.add((System.nanoTime() - started) / 1e6);
    }
    Collections.sort(millis);
    return new Latency(Report.percentile(millis, 50), millis.get(millis.size() - 1));
  }

  /** Connections that send the start of a webhook and then one byte a second, on a daemon thread. */
  private static List<Socket> slowConnections(int port, int count) throws IOException {
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Socket socket = new Socket("127.0.0.1", port);
      socket.getOutputStream().write(("POST /api/v1/alerts/alertmanager HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
      sockets.add(socket);
    }
    Thread trickle = new Thread(() -> {
      while (true) {
        for (Socket socket : sockets) {
          try {
            OutputStream out = socket.getOutputStream();
            out.write(' ');
            out.flush();
          } catch (IOException e) {
            // closed: the benchmark is done with it, or the server cut it off
          }
        }
        if (sockets.stream().allMatch(Socket::isClosed)) {
          return;
        }
        Alerts.sleep(1_000);
      }
    }, "slow-connections");
    trickle.setDaemon(true);
    trickle.start();
    Alerts.sleep(2_000);
    return sockets;
  }

  /** Seconds until the demo's router and escalation have processed everything posted so far (lag 0). */
  private static double drain(Demo demo, long timeoutMillis) {
    long started = System.nanoTime();
    long deadline = System.currentTimeMillis() + timeoutMillis;
    try (Lag lag = new Lag(demo.bootstrapServers())) {
      while (lag.lag(Demo.ROUTER_GROUP, Demo.ROUTER_INPUTS) > 0 || lag.lag(Demo.ESCALATION_GROUP, Demo.ESCALATION_INPUTS) > 0) {
        demo.child.checkAlive();
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("the demo did not process the warm-up's alerts within " + timeoutMillis / 1000 + " s");
        }
        Alerts.sleep(200);
      }
    }
    return (System.nanoTime() - started) / 1e9;
  }

  private static void awaitHttp(Child child, int port, String path, long timeoutMillis) {
    Alerts http = new Alerts(port);
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (http.get(port, path) != 200) {
      child.checkAlive();
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(child.name + " not ready within " + timeoutMillis + " ms:\n" + child.tail(30));
      }
      Alerts.sleep(100);
    }
  }
}
