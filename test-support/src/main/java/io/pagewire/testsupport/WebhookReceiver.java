package io.pagewire.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pagewire.platform.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on a free loopback port standing in for a webhook receiver (a team's
 * endpoint, Slack, PagerDuty): it records every request and answers each path with scripted
 * responses, in order, then 200.
 */
public final class WebhookReceiver implements AutoCloseable {

  /** One request as received. */
  public record Received(String method, String path, Headers headers, String body, long arrivedNanos) {
    public String header(String name) {
      return headers.getFirst(name);
    }

    /** The body as JSON. */
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }
  }

  /** One scripted answer. */
  public record Answer(int status, Map<String, String> headers, String body, CountDownLatch holdUntil) {
    public static Answer status(int status) {
      return new Answer(status, Map.of(), "", null);
    }

    public Answer withHeader(String name, String value) {
      Map<String, String> more = new java.util.HashMap<>(headers);
      more.put(name, value);
      return new Answer(status, Map.copyOf(more), body, holdUntil);
    }

    public Answer withBody(String text) {
      return new Answer(status, headers, text, holdUntil);
    }

    /** Answers only once the latch opens (or after 30 s): a slow receiver. */
    public Answer heldUntil(CountDownLatch latch) {
      return new Answer(status, headers, body, latch);
    }
  }

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, Queue<Answer>> script = new ConcurrentHashMap<>();
  private final Map<String, Answer> always = new ConcurrentHashMap<>();

  public WebhookReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  /** The path the single-endpoint tests post to. */
  public static final String HOOK = "/hook";

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The URL of {@link #HOOK}. */
  public String url() {
    return url(HOOK);
  }

  /** The next requests to {@code path} get these answers, in order. */
  public WebhookReceiver answer(String path, Answer... answers) {
    script.computeIfAbsent(path, p -> new ArrayDeque<>()).addAll(List.of(answers));
    return this;
  }

  /** Every request to {@code path} without a scripted answer gets this one. */
  public WebhookReceiver answerAlways(String path, Answer answer) {
    always.put(path, answer);
    return this;
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public List<Received> received(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  /** The JSON bodies posted to {@link #HOOK}. */
  public List<JsonNode> bodies() {
    return received(HOOK).stream().map(Received::json).toList();
  }

  /** The JSON bodies posted to {@link #HOOK} whose {@code kind} is {@code kind} ({@code PAGE}, {@code RESOLVED}, ...). */
  public List<JsonNode> bodies(String kind) {
    return bodies().stream().filter(b -> kind.equals(b.path("kind").asText())).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    received.add(new Received(exchange.getRequestMethod(), path, exchange.getRequestHeaders(), body, System.nanoTime()));
    Answer answer;
    synchronized (script) {
      Queue<Answer> queue = script.get(path);
      answer = queue != null && !queue.isEmpty() ? queue.poll() : always.getOrDefault(path, Answer.status(200));
    }
    if (answer.holdUntil() != null) {
      try {
        answer.holdUntil().await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
