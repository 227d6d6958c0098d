package io.pagewire.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The team's webhook endpoint, configured as the demo's webhook channel: notes when the first
 * page naming each awaited probe arrives ({@link System#nanoTime()}, the clock the sender reads).
 */
final class Receiver implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "receiver");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Long> awaited = new ConcurrentHashMap<>();
  private final Map<String, Long> arrived = new ConcurrentHashMap<>();
  private final AtomicLong bodies = new AtomicLong();

  Receiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/hook", exchange -> {
      try (exchange) {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        long now = System.nanoTime();
        bodies.incrementAndGet();
        for (String probe : awaited.keySet()) {
          if (body.contains(probe)) {
            arrived.putIfAbsent(probe, now);
            awaited.remove(probe);
          }
        }
        exchange.sendResponseHeaders(204, -1);
      }
    });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** Call before posting the probe's alert. */
  void await(String probe) {
    awaited.put(probe, 0L);
  }

  /** Arrival time of the probe's page, or null. */
  Long arrival(String probe) {
    return arrived.get(probe);
  }

  long bodies() {
    return bodies.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
