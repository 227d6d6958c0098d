package io.pagewire.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.pagewire.platform.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real HTTP server standing in for a team's webhook endpoint: keeps every JSON body it gets. */
final class WebhookReceiver implements AutoCloseable {

  private final HttpServer server;
  private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();

  WebhookReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/hook", exchange -> {
      try (exchange) {
        bodies.add(Json.MAPPER.readTree(exchange.getRequestBody()));
        exchange.sendResponseHeaders(204, -1);
      }
    });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  List<JsonNode> bodies() {
    return List.copyOf(bodies);
  }

  List<JsonNode> bodies(String kind) {
    return bodies.stream().filter(b -> kind.equals(b.path("kind").asText())).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
