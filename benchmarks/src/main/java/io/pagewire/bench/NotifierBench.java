package io.pagewire.bench;

import com.sun.net.httpserver.HttpServer;
import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.kafka.TopicAdmin;
import io.pagewire.schemas.NotificationKind;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
import io.pagewire.schemas.Topics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * notifier: {@code pagewire service notifier} of the jar alone on a broker of its own, two webhook
 * channels ({@code good}, {@code bad}) pointing at the benchmark's receiver. Two rounds, each on a
 * fresh set of requests written at once straight to {@code pagewire.notification-requests}:
 *
 * <ol>
 *   <li>(warm-up, {@code --warmup} pages, default 5,000, printed, no target: the notifier just
 *       started. On 2 cores the JIT compilers take ~40% of a core through the first thousands of
 *       pages (JFR {@code jdk.ThreadCPULoad}), so the rounds after 1,000 warm-up pages measured
 *       the compiler as much as the notifier.)
 *   <li>{@code --pages} P0 pages to {@code good}: pages/s from the first write until the last
 *       distinct page arrived.
 *   <li>the same number to {@code good} again, interleaved with as many to {@code bad}, which
 *       answers 503 to everything: how much later {@code good}'s last page arrives than in round 1.
 * </ol>
 *
 * Before the notifier starts, {@code --history} timeline events (default 1,000,000) are written to
 * {@code pagewire.incident-timeline} and one page request to {@code pagewire.notification-requests}:
 * the time from starting the notifier's process to that page's arrival is its start-up, which must
 * not grow with the history (target 5 s).
 *
 * The configuration uses only keys every notifier version knows (so {@code --jar} measures an
 * older build the same way), with the rate limits raised so that nothing is bundled.
 */
final class NotifierBench {

  static int run(Path jar, Options options) throws Exception {
    int pages = options.intValue("--pages", 1000);
    int warmup = options.intValue("--warmup", 5000);
    int history = options.intValue("--history", 1_000_000);
    long timeoutMillis = options.intValue("--timeout", 120) * 1000L;
    options.checkAllRead();
    System.out.printf("notifier: %,d pages written at once to pagewire.notification-requests, one notifier instance; jar %s%n", pages, jar);
    System.out.println("  before: " + Machine.load());
    Path dir = Files.createTempDirectory("pagewire-bench-notifier-");
    String classpath = Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + java.io.File.pathSeparator + jar;
    int kafkaPort = Machine.freePort();
    int httpPort = Machine.freePort();
    boolean ok = true;
    try (Sink sink = new Sink();
        Child broker = Child.java("broker", dir.resolve("broker.log"),
            List.of("-cp", classpath, BrokerMain.class.getName(), dir.resolve("kafka").toString(), Integer.toString(kafkaPort)))) {
      broker.awaitLine("broker ready", 60_000);
      Path config = dir.resolve("notifier.yaml");
      Files.writeString(config, """
          kafka:
            bootstrapServers: "127.0.0.1:%d"
          http: {host: 127.0.0.1, port: %d}
          notifier:
            channels:
              good: {type: webhook, url: "%s"}
              bad: {type: webhook, url: "%s"}
            retry: {initialBackoff: 500ms, maxBackoff: 10s, giveUpAfter: 10m}
            perPerson: {count: 1000000, per: 1m}
            perChannel: {count: 1000000, per: 1m}
          """.formatted(kafkaPort, httpPort, sink.url("/good"), sink.url("/bad")));
      try (KafkaProducer<byte[], byte[]> producer = producer(kafkaPort)) {
        TopicAdmin.ensureTopics(ConfigLoader.load(config));
        long written = System.nanoTime();
        writeHistory(kafkaPort, history);
        System.out.printf("  history: %,d timeline events written and acknowledged in %.1f s%n", history, (System.nanoTime() - written) / 1e9);
        send(producer, "r-start-", 0, "good");
        producer.flush();
      }
      long starting = System.nanoTime();
      try (Child notifier = Child.java("notifier", dir.resolve("notifier.log"),
          List.of("-jar", jar.toString(), "service", "notifier", "--config", config.toString()))) {
        long startDeadline = System.currentTimeMillis() + timeoutMillis;
        while (sink.distinct("r-start-good-") < 1) {
          notifier.checkAlive();
          if (System.currentTimeMillis() > startDeadline) {
            throw new IllegalStateException("no first page within the time-out:\n" + notifier.tail(30));
          }
          Alerts.sleep(5);
        }
        double firstPage = (System.nanoTime() - starting) / 1e9;
        ok &= Report.target(String.format("first page after start, %,d timeline events", history),
            String.format("%.2f s", firstPage), "≤ 5 s", firstPage <= 5.0);
        Alerts http = new Alerts(httpPort);
        long deadline = System.currentTimeMillis() + 120_000;
        while (http.get(httpPort, "/readyz") != 200) {
          notifier.checkAlive();
          if (System.currentTimeMillis() > deadline) {
            throw new IllegalStateException("notifier not ready within 120 s:\n" + notifier.tail(40));
          }
          Alerts.sleep(100);
        }
        try (KafkaProducer<byte[], byte[]> producer = producer(kafkaPort)) {
          if (warmup > 0) {
            // A running notifier is warm; the first thousand pages after start also pay for JIT compilation.
            double cold = round(producer, sink, notifier, "r0-", warmup, false, timeoutMillis);
            System.out.printf("  warm-up: %,d pages to good in %.2f s (%,.0f pages/s, just after start; not a target)%n", warmup, cold, warmup / cold);
          }
          double alone = round(producer, sink, notifier, "r1-", pages, false, timeoutMillis);
          double rate = pages / alone;
          System.out.printf("  round 1: %,d pages to good in %.2f s%n", pages, alone);
          ok &= Report.target("pages/s, one instance", String.format("%,.0f pages/s", rate), "≥ 500 pages/s", rate >= 500);

          sink.failing = true;
          double withBad = round(producer, sink, notifier, "r2-", pages, true, timeoutMillis);
          double delay = withBad - alone;
          System.out.printf("  round 2: %,d pages to good in %.2f s while bad answered 503 to %,d posts%n", pages, withBad, sink.count("/bad"));
          ok &= Report.target("good's delay while bad answers 503", String.format("%+.2f s", delay), "≤ 1 s", delay <= 1.0);
        }
      }
    } finally {
      Machine.deleteTree(dir);
    }
    System.out.println("  after: " + Machine.load());
    return ok ? 0 : 1;
  }

  /** Writes the round's requests; answers seconds from the first write until good's last page arrived. */
  private static double round(KafkaProducer<byte[], byte[]> producer, Sink sink, Child notifier, String prefix, int pages,
                              boolean withBad, long timeoutMillis) {
    long started = System.nanoTime();
    for (int i = 0; i < pages; i++) {
      for (String channel : withBad ? List.of("good", "bad") : List.of("good")) {
        send(producer, prefix, i, channel);
      }
    }
    producer.flush();
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (sink.distinct(prefix + "good-") < pages) {
      notifier.checkAlive();
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(prefix + ": only " + sink.distinct(prefix + "good-") + " of " + pages
            + " pages arrived within the time-out:\n" + notifier.tail(30));
      }
      Alerts.sleep(5);
    }
    return (sink.last(prefix + "good-") - started) / 1e9;
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, String prefix, int i, String channel) {
    String topic = Topics.NOTIFICATION_REQUESTS.name();
    NotificationRequest request = NotificationRequest.newBuilder()
        .setNotificationId(prefix + channel + "-" + i)
        .setIncidentId("inc-bench-" + prefix + i)
        .setKind(NotificationKind.PAGE)
        .setLevel(1)
        .setRecipient("primary-oncall")
        .setChannels(List.of(channel))
        .setTitle("bench incident " + i)
        .setPriority(Priority.P0)
        .setCreatedAt(Instant.now())
        .build();
    producer.send(new ProducerRecord<>(topic, request.getIncidentId().getBytes(StandardCharsets.UTF_8),
        Topics.NOTIFICATION_REQUESTS.valueSerde().serializer().serialize(topic, request)));
  }

  /** A past: {@code count} timeline events of 10,000 incidents, acknowledged ones among them, every one acknowledged by the broker. */
  private static void writeHistory(int kafkaPort, int count) {
    String topic = Topics.INCIDENT_TIMELINE.name();
    var serializer = Topics.INCIDENT_TIMELINE.valueSerde().serializer();
    Instant at = Instant.now().minusSeconds(86_400L * 30);
    AckedWriter.write("127.0.0.1:" + kafkaPort, topic, count, n -> {
      int i = (int) n;
      String incident = "inc-history-" + (i % 10_000);
      TimelineEvent event = TimelineEvent.newBuilder()
          .setEventId(incident + "/" + i)
          .setIncidentId(incident)
          .setType(i % 3 == 0 ? TimelineEventType.ACKNOWLEDGED : TimelineEventType.ALERT_ADDED)
          .setDetail("history event " + i)
          .setAt(at.plusMillis(i))
          .build();
      return new ProducerRecord<>(topic, incident.getBytes(StandardCharsets.UTF_8), serializer.serialize(topic, event));
    });
  }

  private static KafkaProducer<byte[], byte[]> producer(int kafkaPort) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return new KafkaProducer<>(props);
  }

  /** The webhook receiver: notes when each notification id first arrived; {@code /bad} answers 503 while failing. */
  private static final class Sink implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "sink");
      t.setDaemon(true);
      return t;
    });
    private final Map<String, Long> firstArrival = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> posts = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicLong> counts = new ConcurrentHashMap<>();
    volatile boolean failing;

    Sink() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
      server.setExecutor(threads);
      for (String path : List.of("/good", "/bad")) {
        server.createContext(path, exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            long now = System.nanoTime();
            counts.computeIfAbsent(path, p -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
            String id = exchange.getRequestHeaders().getFirst("X-Pagewire-Notification-Id");
            if (path.equals("/bad") && failing) {
              exchange.sendResponseHeaders(503, -1);
              return;
            }
            if (id != null) {
              firstArrival.putIfAbsent(id, now);
            }
            exchange.sendResponseHeaders(204, -1);
          }
        });
      }
      server.start();
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    long distinct(String prefix) {
      return firstArrival.keySet().stream().filter(id -> id.startsWith(prefix)).count();
    }

    long last(String prefix) {
      return firstArrival.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(Map.Entry::getValue).max().orElse(0);
    }

    long count(String path) {
      java.util.concurrent.atomic.AtomicLong n = counts.get(path);
      return n == null ? 0 : n.get();
    }

    @Override
    public void close() {
      server.stop(0);
      threads.shutdownNow();
    }
  }
}
