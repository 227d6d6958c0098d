package io.pagewire.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * sustained: {@code rate} new alerts per second for {@code duration} seconds into
 * {@code incidents} open incidents (webhooks of {@code batch} alerts, every 1000·batch/rate ms,
 * the groups in turn), and once a second a new P0 alert in a new group, whose POST→page time is
 * measured at the webhook receiver. The lag of the router's and escalation's groups is sampled
 * every 250 ms. Before the load, the same probes one at a time give the idle baseline; for both,
 * the median time until a probe's records were readable on each topic of its path says which hop
 * the time went to.
 */
final class SustainedBench {

  /** POSTs of the load at most in flight; a tick finding them all busy is skipped and counted. */
  private static final int MAX_IN_FLIGHT = 8;
  /** Probes posted one at a time before the load: the idle baseline. */
  private static final int IDLE_PROBES = 20;

  static int run(Path jar, Options options) throws Exception {
    int duration = options.intValue("--duration", 60);
    int rate = options.intValue("--rate", 2000);
    int incidents = options.intValue("--incidents", 50);
    int batch = options.intValue("--batch", 100);
    int warmup = options.intValue("--warmup", 30_000);
    options.checkAllRead();
    long tickMicros = 1_000_000L * batch / rate;
    System.out.printf("sustained: %,d alerts/s (webhooks of %d every %.1f ms) for %d s into %d open incidents, one new P0 a second; jar %s%n",
        rate, batch, tickMicros / 1000.0, duration, incidents, jar);
    System.out.println("  before: " + Machine.load());

    try (Receiver receiver = new Receiver(); Demo demo = new Demo(jar, receiver)) {
      Alerts http = new Alerts(demo.httpPort);
      System.out.printf("  demo ready in %.1f s (pid %d, log %s)%n", demo.awaitReady(http, 180_000), demo.child.pid(), demo.child.log);
      demo.warmUp(http, receiver, warmup);
      try (Lag lag = new Lag(demo.bootstrapServers()); Lag samplerLag = new Lag(demo.bootstrapServers());
          Hops hops = new Hops(demo.bootstrapServers(), Hops.URGENT_PATH)) {
        // The same probes with no load, as the baseline of this run.
        Map<String, Long> idle = new ConcurrentHashMap<>();
        for (int i = 0; i < IDLE_PROBES; i++) {
          String probe = Alerts.newProbeName();
          hops.watch(probe);
          receiver.await(probe);
          idle.put(probe, System.nanoTime());
          http.post(Alerts.probe(probe));
          long deadline = System.currentTimeMillis() + 10_000;
          while (receiver.arrival(probe) == null && System.currentTimeMillis() < deadline) {
            Alerts.sleep(5);
          }
          Alerts.sleep(200);
        }
        List<Double> idleLatencies = latencies(idle, receiver);
        // The open incidents: one alert each, processed before the load starts.
        for (int g = 0; g < incidents; g++) {
          http.post(Alerts.webhook("SustainedAlert" + g, "warning", 0, 1));
        }
        double opened = awaitProcessed(demo, lag, 120_000);
        if (opened < 0) {
          throw new IllegalStateException("the " + incidents + " first alerts were not processed within 120 s");
        }
        System.out.printf("  %d incidents opened, processed in %.2f s%n", incidents, opened);
        int[] next = new int[incidents];
        java.util.Arrays.fill(next, 1);

        AtomicLong accepted = new AtomicLong();
        AtomicLong skipped = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicLong maxRouterLag = new AtomicLong();
        AtomicLong maxEscalationLag = new AtomicLong();
        Map<String, Long> probes = new ConcurrentHashMap<>();
        AtomicLong probeFailures = new AtomicLong();
        ExecutorService posters = Executors.newFixedThreadPool(MAX_IN_FLIGHT);
        ExecutorService probePoster = Executors.newFixedThreadPool(2);
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(3);
        AtomicLong tick = new AtomicLong();

        long t0 = System.nanoTime();
        clock.scheduleAtFixedRate(() -> {
          if (inFlight.get() >= MAX_IN_FLIGHT) {
            skipped.incrementAndGet();
            return;
          }
          int g = (int) (tick.getAndIncrement() % incidents);
          String body = Alerts.webhook("SustainedAlert" + g, "warning", next[g], batch);
          next[g] += batch;
          inFlight.incrementAndGet();
          posters.submit(() -> {
            try {
              accepted.addAndGet(http.post(body));
            } catch (RuntimeException e) {
              failed.incrementAndGet();
            } finally {
              inFlight.decrementAndGet();
            }
          });
        }, 0, tickMicros, TimeUnit.MICROSECONDS);
        clock.scheduleAtFixedRate(() -> probePoster.submit(() -> {
          String probe = Alerts.newProbeName();
          String body = Alerts.probe(probe);
          hops.watch(probe);
          receiver.await(probe);
          long sent = System.nanoTime();
          probes.put(probe, sent);
          try {
            http.post(body);
          } catch (RuntimeException e) {
            probeFailures.incrementAndGet();
          }
        }), 500, 1000, TimeUnit.MILLISECONDS);
        clock.scheduleWithFixedDelay(() -> {
          try {
            maxRouterLag.accumulateAndGet(samplerLag.lag(Demo.ROUTER_GROUP, Demo.ROUTER_INPUTS), Math::max);
            maxEscalationLag.accumulateAndGet(samplerLag.lag(Demo.ESCALATION_GROUP, Demo.ESCALATION_INPUTS), Math::max);
          } catch (RuntimeException e) {
            // a slow AdminClient answer: the next sample counts
          }
        }, 0, 250, TimeUnit.MILLISECONDS);

        long end = t0 + duration * 1_000_000_000L;
        while (System.nanoTime() < end) {
          demo.child.checkAlive();
          Alerts.sleep(200);
        }
        clock.shutdownNow();
        probePoster.shutdown();
        posters.shutdown();
        posters.awaitTermination(30, TimeUnit.SECONDS);
        probePoster.awaitTermination(30, TimeUnit.SECONDS);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        double drained = awaitProcessed(demo, lag, 120_000);
        // Pages of the last probes: waited for at most 10 s more.
        long pageDeadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < pageDeadline && probes.keySet().stream().anyMatch(p -> receiver.arrival(p) == null)) {
          Alerts.sleep(50);
        }

        List<Double> latencies = latencies(probes, receiver);
        long missing = probes.size() - latencies.size();
        System.out.printf("  load: %,d alerts accepted in %.1f s = %,.0f alerts/s (target rate %,d; %d ticks skipped, all %d POSTs busy; %d failed POSTs)%n",
            accepted.get(), loadSeconds, accepted.get() / loadSeconds, rate, skipped.get(), MAX_IN_FLIGHT, failed.get());
        System.out.printf("  probes: %d posted, %d paged, %d without a page (waited until lag 0 or 120 s, then 10 s), %d failed POSTs%n",
            probes.size(), latencies.size(), missing, probeFailures.get());
        // A probe without a page counts as slower than every paged one: percentiles are over all probes posted.
        List<Double> all = new ArrayList<>(latencies);
        for (long i = 0; i < missing; i++) {
          all.add(Double.POSITIVE_INFINITY);
        }
        boolean ok = !all.isEmpty();
        double p50 = Report.percentile(all, 50);
        double p99 = Report.percentile(all, 99);
        double max = all.isEmpty() ? Double.NaN : all.get(all.size() - 1);
        ok &= Report.target("new P0 POST→page p50", millis(p50, all.size()), "≤ 150 ms", p50 <= 150);
        ok &= Report.target("new P0 POST→page p99", millis(p99, all.size()), "≤ 500 ms", p99 <= 500);
        System.out.printf("  %-46s %s%n", "new P0 POST→page max:", millis(max, all.size()));
        System.out.printf("  %-46s %s, page p50 +%.0f ms%n", "under load, readable on (median after POST):", hops.medians(probes), p50);
        System.out.printf("  %-46s %.0f ms, max %.0f ms (%d of %d paged)%n", "baseline: idle POST→page p50:",
            Report.percentile(idleLatencies, 50), idleLatencies.isEmpty() ? Double.NaN : idleLatencies.get(idleLatencies.size() - 1),
            idleLatencies.size(), IDLE_PROBES);
        System.out.printf("  %-46s %s%n", "idle, readable on (median after POST):", hops.medians(idle));
        if (missing > 0 && !latencies.isEmpty()) {
          System.out.printf("  %-46s min %.0f ms, median %.0f ms, max %.0f ms%n", "of the " + latencies.size() + " paged probes:",
              latencies.get(0), Report.percentile(latencies, 50), latencies.get(latencies.size() - 1));
        }
        System.out.printf("  %-46s router %,d records, escalation %,d records%n", "max consumer lag seen (every 250 ms):", maxRouterLag.get(), maxEscalationLag.get());
        System.out.printf("  %-46s %s%n", "lag 0 after the load stopped:", drained < 0 ? "not within 120 s" : String.format("%.2f s", drained));
        System.out.printf("  %-46s %.0f MB%n", "peak RSS of the demo:", demo.peakRssBytes() / 1024.0 / 1024.0);
        System.out.println("  after: " + Machine.load());
        return ok ? 0 : 1;
      }
    }
  }

  /** POST→page milliseconds of the probes that paged, sorted. */
  private static List<Double> latencies(Map<String, Long> probes, Receiver receiver) {
    List<Double> latencies = new ArrayList<>();
    probes.forEach((probe, sent) -> {
      Long arrived = receiver.arrival(probe);
      if (arrived != null) {
        latencies.add((arrived - sent) / 1e6);
      }
    });
    latencies.sort(null);
    return latencies;
  }

  private static String millis(double value, int of) {
    return (Double.isInfinite(value) ? "no page" : String.format("%.0f ms", value)) + " (of " + of + ")";
  }

  /** Seconds until the router's and escalation's lag are 0, or -1 after the time-out. */
  static double awaitProcessed(Demo demo, Lag lag, long timeoutMillis) {
    long started = System.nanoTime();
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      demo.child.checkAlive();
      if (lag.lag(Demo.ROUTER_GROUP, Demo.ROUTER_INPUTS) == 0 && lag.lag(Demo.ESCALATION_GROUP, Demo.ESCALATION_INPUTS) == 0) {
        return (System.nanoTime() - started) / 1e9;
      }
      Alerts.sleep(50);
    }
    return -1;
  }
}
