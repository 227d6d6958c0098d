package io.pagewire.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * storm: {@code groups} groups of {@code perGroup} alerts, posted as webhooks of {@code batch}
 * alerts (Alertmanager's groups, each webhook new alerts of its group, the groups interleaved and
 * posted {@code concurrency} at a time), into the demo; then one new P0 alert in a new group.
 */
final class StormBench {

  static int run(Path jar, Options options) throws Exception {
    int groups = options.intValue("--groups", 10);
    int perGroup = options.intValue("--per-group", 10_000);
    int batch = options.intValue("--batch", 500);
    int concurrency = options.intValue("--concurrency", 4);
    long timeoutMillis = options.intValue("--timeout", 180) * 1000L;
    int warmup = options.intValue("--warmup", 30_000);
    options.checkAllRead();
    int total = groups * perGroup;
    System.out.printf("storm: %,d alerts in %d groups of %,d, webhooks of %d alerts, %d POSTs at a time; jar %s%n",
        total, groups, perGroup, batch, concurrency, jar);
    System.out.println("  before: " + Machine.load());

    try (Receiver receiver = new Receiver(); Demo demo = new Demo(jar, receiver)) {
      Alerts http = new Alerts(demo.httpPort);
      System.out.printf("  demo ready in %.1f s (pid %d, log %s)%n", demo.awaitReady(http, 180_000), demo.child.pid(), demo.child.log);
      demo.warmUp(http, receiver, warmup);
      // Bodies are built before the clock starts; the groups interleave as concurrent Alertmanager groups do.
      List<String> bodies = new ArrayList<>();
      for (int from = 0; from < perGroup; from += batch) {
        for (int g = 0; g < groups; g++) {
          bodies.add(Alerts.webhook("StormAlert" + g, g % 2 == 0 ? "critical" : "warning", from, Math.min(batch, perGroup - from)));
        }
      }
      try (Lag lag = new Lag(demo.bootstrapServers()); Hops hops = new Hops(demo.bootstrapServers())) {
        AtomicLong retries = new AtomicLong();
        double cpu0 = Machine.cpuSeconds(demo.child.pid());
        long t0 = System.nanoTime();
        long accepted = http.postAll(bodies, concurrency, retries);
        long tAccepted = System.nanoTime();
        double acceptedSeconds = (tAccepted - t0) / 1e9;
        System.out.printf("  all %,d accepted (HTTP 200) %.2f s after the first POST (%,.0f alerts/s; %d retried POSTs)%n",
            accepted, acceptedSeconds, accepted / acceptedSeconds, retries.get());

        String probe = Alerts.newProbeName();
        receiver.await(probe);
        hops.watch(probe);
        long probeSent = System.nanoTime();
        http.post(Alerts.probe(probe));

        long deadline = System.currentTimeMillis() + timeoutMillis;
        Long tProcessed = null;
        double cpuProcessed = -1;
        long lastRouterLag = -1;
        long lastEscalationLag = -1;
        while (System.currentTimeMillis() < deadline && (tProcessed == null || receiver.arrival(probe) == null)) {
          demo.child.checkAlive();
          if (tProcessed == null) {
            lastRouterLag = lag.lag(Demo.ROUTER_GROUP, Demo.ROUTER_INPUTS);
            lastEscalationLag = lag.lag(Demo.ESCALATION_GROUP, Demo.ESCALATION_INPUTS);
            if (lastRouterLag == 0 && lastEscalationLag == 0) {
              tProcessed = System.nanoTime();
              cpuProcessed = Machine.cpuSeconds(demo.child.pid());
            }
          }
          Alerts.sleep(50);
        }
        Long pageArrived = receiver.arrival(probe);

        boolean ok = true;
        if (tProcessed != null) {
          double processed = (tProcessed - t0) / 1e9;
          ok &= Report.target("all processed (router and escalation lag 0)", String.format("%.2f s after the first POST", processed), "≤ 30 s", processed <= 30);
        } else {
          ok &= Report.target("all processed (router and escalation lag 0)", String.format("not within %d s (lag left: router %,d, escalation %,d)",
              timeoutMillis / 1000, lastRouterLag, lastEscalationLag), "≤ 30 s", false);
        }
        if (pageArrived != null) {
          double ms = (pageArrived - probeSent) / 1e6;
          ok &= Report.target("new P0 POST→page (webhook receiver)", String.format("%.0f ms", ms), "≤ 2 s", ms <= 2000);
          System.out.printf("  %-46s %s%n", "the P0 readable on (after its POST):", hops.describe(probe, probeSent));
        } else {
          ok &= Report.target("new P0 POST→page (webhook receiver)", "no page within the time-out", "≤ 2 s", false);
        }
        if (tProcessed != null) {
          double cpu = cpuProcessed - cpu0;
          System.out.printf("  %-46s %.1f s (%.0f µs per alert; less load-dependent than wall time)%n",
              "CPU of the demo, first POST → all processed:", cpu, cpu / total * 1e6);
        }
        double peakMb = demo.peakRssBytes() / 1024.0 / 1024.0;
        ok &= Report.target("peak RSS of the demo (VmRSS, every 100 ms)", String.format("%.0f MB", peakMb), "< 1 GB", demo.peakRssBytes() < 1024L * 1024 * 1024);
        System.out.println("  after: " + Machine.load());
        return ok ? 0 : 1;
      }
    }
  }
}
