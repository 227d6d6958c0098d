package io.pagewire.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo as a user runs it, {@code java -jar pagewire.jar run}, in a child JVM on free loopback
 * ports and a temporary data directory, its one webhook channel pointing at the benchmark's
 * {@link Receiver}. Samples the child's VmRSS every 100 ms from start to stop.
 */
final class Demo implements AutoCloseable {

  static final String ROUTER_GROUP = "pagewire-severity-router";
  static final String ESCALATION_GROUP = "pagewire-escalation";
  static final List<String> ROUTER_INPUTS = List.of("pagewire.alerts", "pagewire.alerts-urgent");
  static final List<String> ESCALATION_INPUTS = List.of("pagewire.incident-events", "pagewire.incident-commands");

  final int kafkaPort = Machine.freePort();
  final int httpPort = Machine.freePort();
  final Path dir;
  final Child child;
  private final AtomicLong peakRss = new AtomicLong();
  private final Thread sampler;
  private volatile boolean stopped;

  /**
   * The configuration: every key not written here is the default, as in config/pagewire.yaml
   * (commitInterval 50ms, 3 partitions). Incidents group by alert name and cluster; the one
   * escalation level pages the webhook channel at once; the storm limits are raised so that the
   * benchmark's probes are paged one by one instead of bundled into digests.
   */
  static String config(int kafkaPort, int httpPort, String receiverUrl, Path stateDir) {
    return """
        kafka:
          bootstrapServers: "127.0.0.1:%d"
        %s
        http: {host: 127.0.0.1, port: %d}
        classification:
          groupBy: [alertname, cluster]
        escalation:
          levels:
            - {name: primary-oncall, channels: [bench-hook]}
        notifier:
          channels:
            bench-hook: {type: webhook, url: "%s", timeout: 10s}
          perPerson: {count: 1000000, per: 1m}
          perChannel: {count: 1000000, per: 1m}
        """.formatted(kafkaPort, stateDir == null ? "" : "  stateDir: \"" + stateDir + "\"", httpPort, receiverUrl);
  }

  Demo(Path jar, Receiver receiver) {
    try {
      dir = Files.createTempDirectory("pagewire-bench-");
      Path config = dir.resolve("pagewire.yaml");
      Files.writeString(config, config(kafkaPort, httpPort, receiver.url(), null));
      child = Child.java("pagewire run", dir.resolve("demo.log"),
          List.of("-jar", jar.toString(), "run", "--config", config.toString(), "--data-dir", dir.resolve("data").toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    sampler = new Thread(() -> {
      while (!stopped) {
        long rss = Machine.rssBytes(child.pid());
        peakRss.accumulateAndGet(rss, Math::max);
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "rss-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Waits for {@code /readyz} 200 (every service running); answers the seconds it took. */
  double awaitReady(Alerts http, long timeoutMillis) {
    long started = System.nanoTime();
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (http.get(httpPort, "/readyz") != 200) {
      child.checkAlive();
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the demo was not ready within " + timeoutMillis + " ms; end of " + child.log + ":\n" + child.tail(40));
      }
      Alerts.sleep(100);
    }
    return (System.nanoTime() - started) / 1e9;
  }

  /**
   * Warms the demo up as a running production instance is warm: {@code alerts} alerts in 10
   * groups of their own (webhooks of 500, 4 POSTs at a time), until the router and escalation
   * have processed them, then one probe until it pages. Prints what it took; 0 alerts skips it,
   * so a cold start can be measured too.
   */
  void warmUp(Alerts http, Receiver receiver, int alerts) throws Exception {
    if (alerts <= 0) {
      System.out.println("  warm-up: none (--warmup 0): the JIT compiles while the load runs");
      return;
    }
    int groups = 10;
    int perGroup = Math.max(1, alerts / groups);
    ExecutorService posters = Executors.newFixedThreadPool(4);
    long started = System.nanoTime();
    try (Lag lag = new Lag(bootstrapServers())) {
      List<Future<Integer>> posts = new ArrayList<>();
      AtomicLong retries = new AtomicLong();
      for (int from = 0; from < perGroup; from += 500) {
        for (int g = 0; g < groups; g++) {
          String body = Alerts.webhook("WarmupAlert" + g, g % 2 == 0 ? "critical" : "warning", from, Math.min(500, perGroup - from));
          posts.add(posters.submit(() -> http.postRetrying(body, 5, retries)));
        }
      }
      for (Future<Integer> post : posts) {
        post.get();
      }
      if (SustainedBench.awaitProcessed(this, lag, 300_000) < 0) {
        throw new IllegalStateException("the warm-up's " + alerts + " alerts were not processed within 300 s");
      }
    } finally {
      posters.shutdown();
    }
    String probe = Alerts.newProbeName();
    receiver.await(probe);
    http.post(Alerts.probe(probe));
    long deadline = System.currentTimeMillis() + 60_000;
    while (receiver.arrival(probe) == null) {
      child.checkAlive();
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the warm-up's probe was not paged within 60 s");
      }
      Alerts.sleep(20);
    }
    System.out.printf("  warm-up: %,d alerts in %d other groups and one probe page, done in %.1f s (--warmup N; 0 measures a cold start)%n",
        groups * perGroup, groups, (System.nanoTime() - started) / 1e9);
  }

  String bootstrapServers() {
    return "127.0.0.1:" + kafkaPort;
  }

  long peakRssBytes() {
    return peakRss.get();
  }

  long rssNow() {
    return Machine.rssBytes(child.pid());
  }

  @Override
  public void close() {
    stopped = true;
    sampler.interrupt();
    child.close();
    // The broker's and the stores' data can be large; the demo's log stays for a look afterwards.
    Machine.deleteTree(dir.resolve("data"));
  }
}
