package io.pagewire.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * streams: the router's and escalation's throughput through their real topologies ({@code pagewire
 * service NAME} of the jar, alone, on a broker of their own in a child JVM), each over a backlog
 * of its real input, against a bare exactly-once pass-through over the same records on the same
 * broker in the same run. Alerts enter through the real ingest ({@code service alerting-ingest}).
 * The router is timed on a storm of {@code --alerts} in {@code --groups} groups; escalation on
 * what the router wrote for that storm and for {@code --incidents} new incidents of one alert
 * each, routed after the router was timed (the storm alone coalesces to a few hundred events).
 *
 * <p>Throughput of an app: from its first commit (start-up and the first rebalance excluded) until
 * the lag of its group is 0 — every input record and every repartitioned record processed and
 * committed — the records processed in between over the time.
 */
final class StreamsRatioBench {

  /**
   * {@code recordsPerSecond}: from the first commit on; {@code warmRecordsPerSecond}: over the
   * app's work after the first {@link #WARM_UP} of it, once the JIT compiled the hot paths.
   * {@code upperBound}: the app did not finish within the time-out, so its throughput is below this.
   */
  record Throughput(double recordsPerSecond, double warmRecordsPerSecond, double startSeconds, double seconds, boolean upperBound) {}

  /**
   * The share of each app's work before its warm rate is timed. A fresh JVM spends its first tens
   * of seconds compiling: in escalation's run, the C2 compiler thread used more CPU than the
   * stream thread (16.6 against 14.5 s, /proc per thread).
   */
  static final double WARM_UP = 0.5;

  static int run(Path jar, Options options) throws Exception {
    int alerts = options.intValue("--alerts", 100_000);
    int groups = options.intValue("--groups", 10);
    int batch = options.intValue("--batch", 500);
    int incidents = options.intValue("--incidents", 80_000);
    long timeoutMillis = options.intValue("--timeout", 300) * 1000L;
    options.checkAllRead();
    System.out.printf("streams: %,d alerts in %d groups through the real ingest, then %,d new incidents; each app alone on its backlog; jar %s%n",
        alerts, groups, incidents, jar);
    System.out.println("  before: " + Machine.load());
    Path dir = Files.createTempDirectory("pagewire-bench-streams-");
    String classpath = Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + java.io.File.pathSeparator + jar;
    int kafkaPort = Machine.freePort();
    boolean ok = true;
    try (Child broker = Child.java("broker", dir.resolve("broker.log"),
            List.of("-cp", classpath, BrokerMain.class.getName(), dir.resolve("kafka").toString(), Integer.toString(kafkaPort)));
        Lag lag = new Lag("127.0.0.1:" + kafkaPort)) {
      broker.awaitLine("broker ready", 60_000);
      lag.awaitBroker(60_000);

      List<String> storm = new ArrayList<>();
      int perGroup = alerts / groups;
      for (int from = 0; from < perGroup; from += batch) {
        for (int g = 0; g < groups; g++) {
          storm.add(Alerts.webhook("StreamsAlert" + g, g % 2 == 0 ? "critical" : "warning", from, Math.min(batch, perGroup - from)));
        }
      }
      System.out.printf("  ingest accepted %,d alerts%n", ingest(jar, dir, kafkaPort, storm));

      long alertRecords = lag.countRecords("pagewire.alerts", 120_000);
      // The first webhook of each group took the urgent lane; the router reads both lanes.
      long urgentRecords = lag.countRecords("pagewire.alerts-urgent", 120_000);
      Throughput passAlerts = measure("pass-through of pagewire.alerts", passThrough(classpath, dir, kafkaPort, "alerts", "pagewire.alerts"),
          lag, "bench-passthrough-alerts", List.of("pagewire.alerts"), alertRecords, timeoutMillis);
      Throughput router = measure("severity-router", service(jar, dir, "severity-router", kafkaPort, Machine.freePort()),
          lag, Demo.ROUTER_GROUP, Demo.ROUTER_INPUTS, alertRecords + urgentRecords, timeoutMillis);

      // Coalescing leaves the router's output of a storm of few groups too small to time escalation
      // on: its backlog is the openings of many new incidents, through the same ingest and router.
      List<String> opening = new ArrayList<>();
      for (int i = 0; i < incidents; i++) {
        opening.add(Alerts.webhook("StreamsIncident" + i, i % 2 == 0 ? "critical" : "warning", 0, 1));
      }
      System.out.printf("  ingest accepted %,d alerts of %,d new incidents%n", ingest(jar, dir, kafkaPort, opening), incidents);
      long allAlertRecords = lag.countRecords("pagewire.alerts", 120_000) + lag.countRecords("pagewire.alerts-urgent", 120_000);
      measure("severity-router, the new incidents", service(jar, dir, "severity-router", kafkaPort, Machine.freePort()),
          lag, Demo.ROUTER_GROUP, Demo.ROUTER_INPUTS, allAlertRecords, timeoutMillis);

      long eventRecords = lag.countRecords("pagewire.incident-events", 120_000);
      Throughput passEvents = measure("pass-through of pagewire.incident-events", passThrough(classpath, dir, kafkaPort, "events", "pagewire.incident-events"),
          lag, "bench-passthrough-events", List.of("pagewire.incident-events"), eventRecords, timeoutMillis);
      Throughput escalation = measure("escalation", service(jar, dir, "escalation", kafkaPort, Machine.freePort()),
          lag, Demo.ESCALATION_GROUP, Demo.ESCALATION_INPUTS, eventRecords, timeoutMillis);

      System.out.printf("  %,d alert records in pagewire.alerts and %,d in pagewire.alerts-urgent, %,d in pagewire.incident-events (the router's output for the storm and the new incidents)%n",
          alertRecords, urgentRecords, eventRecords);
      ok &= ratio("severity-router", router, passAlerts);
      ok &= ratio("escalation", escalation, passEvents);
    } finally {
      Machine.deleteTree(dir);
    }
    System.out.println("  after: " + Machine.load());
    return ok ? 0 : 1;
  }

  /**
   * Judges the ratio from the first commit on, the JIT's warm-up included, as every run of this
   * benchmark has; then prints the warm one, which says how much of the gap is warm-up.
   */
  private static boolean ratio(String name, Throughput app, Throughput baseline) {
    String bound = app.upperBound() || baseline.upperBound() ? "< " : "";
    double ratio = app.recordsPerSecond() / baseline.recordsPerSecond();
    boolean pass = Report.target(name + " / pass-through", String.format("%s%,.0f / %,.0f records/s = %s%.3f×", bound,
        app.recordsPerSecond(), baseline.recordsPerSecond(), bound, ratio), "≥ 0.2×", ratio >= 0.2 && !baseline.upperBound());
    System.out.printf("  %-46s %s%,.0f / %,.0f records/s = %s%.3f× (the last half of each backlog's work)%n", "  warm:",
        bound, app.warmRecordsPerSecond(), baseline.warmRecordsPerSecond(), bound, app.warmRecordsPerSecond() / baseline.warmRecordsPerSecond());
    return pass;
  }

  /** One poll of the group's progress: when, and the offsets committed on its input and repartition topics. */
  record Poll(long nanos, long committedInput, long committedRepartition) {}

  /**
   * The share of the app's work done at {@code at}, of what it did from {@code first} to {@code end}:
   * each stage's share of its records, averaged over the stages (one, or two with a repartition
   * topic), so a record read by the first stage counts as much as one finished by the second.
   */
  static double done(Poll first, Poll at, Poll end, boolean repartitioned) {
    double input = share(first.committedInput(), at.committedInput(), end.committedInput());
    return repartitioned ? (input + share(first.committedRepartition(), at.committedRepartition(), end.committedRepartition())) / 2 : input;
  }

  private static double share(long first, long at, long end) {
    return end == first ? 1 : (double) (at - first) / (end - first);
  }

  /**
   * The first poll by which {@link #WARM_UP} of the work was done; the first poll when that is
   * the last one (too few polls to tell a warm part apart).
   */
  static Poll warmStart(List<Poll> progress, boolean repartitioned) {
    Poll first = progress.get(0);
    Poll end = progress.get(progress.size() - 1);
    for (Poll poll : progress) {
      if (done(first, poll, end, repartitioned) >= WARM_UP) {
        return poll == end ? first : poll;
      }
    }
    return first;
  }

  /** Posts the webhooks through the real ingest, four at a time; the alerts accepted. */
  private static long ingest(Path jar, Path dir, int kafkaPort, List<String> bodies) throws Exception {
    int ingestPort = Machine.freePort();
    try (Child ingest = service(jar, dir, "alerting-ingest", kafkaPort, ingestPort)) {
      Alerts http = new Alerts(ingestPort);
      awaitReady(http, ingest, ingestPort);
      return http.postAll(bodies, 4, new AtomicLong());
    }
  }

  private static Child service(Path jar, Path dir, String name, int kafkaPort, int httpPort) throws IOException {
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(config, Demo.config(kafkaPort, httpPort, "http://127.0.0.1:9/unused", dir.resolve("streams")));
    return Child.java(name, dir.resolve(name + ".log"), List.of("-jar", jar.toString(), "service", name, "--config", config.toString()));
  }

  private static Child passThrough(String classpath, Path dir, int kafkaPort, String suffix, String in) throws IOException {
    Path config = dir.resolve("passthrough-" + suffix + ".yaml");
    Files.writeString(config, Demo.config(kafkaPort, Machine.freePort(), "http://127.0.0.1:9/unused", dir.resolve("streams")));
    return Child.java("pass-through " + suffix, dir.resolve("passthrough-" + suffix + ".log"), List.of("-cp", classpath, PassThrough.class.getName(),
        config.toString(), "bench-passthrough-" + suffix, in, "bench.passthrough-" + suffix));
  }

  private static void awaitReady(Alerts http, Child child, int port) {
    long deadline = System.currentTimeMillis() + 120_000;
    while (http.get(port, "/readyz") != 200) {
      child.checkAlive();
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(child.name + " not ready within 120 s:\n" + child.tail(40));
      }
      Alerts.sleep(100);
    }
  }

  /**
   * Runs the app until its group's lag is 0 and stops it. After the time-out the throughput is
   * what it processed until then (and says so): a slow app still gets its measured number. Timing
   * starts at the group's first commit past what it had committed when the app started (an app
   * run a second time starts from its earlier commits).
   */
  private static Throughput measure(String name, Child app, Lag lag, String group, List<String> inputs, long records, long timeoutMillis) {
    try (app) {
      long started = System.nanoTime();
      long deadline = System.currentTimeMillis() + timeoutMillis;
      long t1 = 0;
      long last1 = 0;
      long committedAtStart = -1;
      double cpu1 = 0;
      // every poll from the first commit on
      List<Poll> progress = new ArrayList<>();
      while (true) {
        app.checkAlive();
        Lag.Snapshot snapshot = lag.snapshot(group, inputs);
        long now = System.nanoTime();
        if (committedAtStart < 0) {
          committedAtStart = snapshot.committedInput();
        }
        if (t1 == 0 && snapshot.committedInput() > committedAtStart) {
          t1 = now;
          last1 = snapshot.committedLast();
          cpu1 = Machine.cpuSeconds(app.pid());
        }
        if (t1 != 0) {
          progress.add(new Poll(now, snapshot.committedInput(), snapshot.committedRepartition()));
        }
        boolean done = t1 != 0 && snapshot.lag() == 0;
        boolean timedOut = System.currentTimeMillis() > deadline;
        if (timedOut && t1 == 0) {
          throw new IllegalStateException(name + " committed nothing within " + timeoutMillis + " ms; end of " + app.log + ":\n" + app.tail(30));
        }
        if (done || timedOut) {
          if (now == t1) {
            throw new IllegalStateException(name + ": everything was processed before the first commit was seen; use more records");
          }
          double seconds = (now - t1) / 1e9;
          Throughput throughput;
          String note = "";
          if (done || snapshot.inputLag() == 0) {
            // The records through the last stage since the first commit, as a share of all that stage
            // gets (final once the first stage has read all input); offsets also count transaction
            // markers, which a share cancels.
            double share = (double) (snapshot.committedLast() - last1) / snapshot.endLast();
            Poll end = progress.get(progress.size() - 1);
            Poll warm = warmStart(progress, snapshot.repartitioned());
            double warmShare = 1 - done(progress.get(0), warm, end, snapshot.repartitioned());
            double warmSeconds = (now - warm.nanos()) / 1e9;
            throughput = new Throughput(records * share / seconds, records * share * warmShare / warmSeconds, (t1 - started) / 1e9, seconds, false);
            double cpuMicros = (Machine.cpuSeconds(app.pid()) - cpu1) * 1e6 / (records * share);
            note = String.format("%,.0f records through in %.2f s after its first commit, %.1f s after its start, %.0f µs of its JVM's CPU per record;"
                + " warm: %,.0f records/s, the last %.0f%% of its work in %.2f s", records * share, seconds, throughput.startSeconds(), cpuMicros,
                throughput.warmRecordsPerSecond(), 100 * warmShare, warmSeconds);
            if (!done) {
              note += String.format("; TIMED OUT after %d s, lag %,d left: the rate until then", timeoutMillis / 1000, snapshot.lag());
            }
          } else {
            throughput = new Throughput(records / seconds, records / seconds, (t1 - started) / 1e9, seconds, true);
            note = String.format("TIMED OUT after %d s with input lag %,d: not all %,d records through in %.2f s", timeoutMillis / 1000, snapshot.inputLag(), records, seconds);
          }
          System.out.printf("  %-46s %s%,.0f records/s (%s)%n", name + ":", throughput.upperBound() ? "< " : "", throughput.recordsPerSecond(), note);
          return throughput;
        }
        Alerts.sleep(50);
      }
    }
  }
}
