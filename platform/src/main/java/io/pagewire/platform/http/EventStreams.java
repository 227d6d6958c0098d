package io.pagewire.platform.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open server-sent event streams of one {@link HttpApi}: at most {@code max} at once (503
 * beyond), each sent a comment every {@value #KEEPALIVE_SECONDS} s so that idle ones stay open
 * and dead ones are noticed. A stream holds no thread while nothing is sent.
 */
final class EventStreams {

  private static final Logger log = LoggerFactory.getLogger(EventStreams.class);
  static final long KEEPALIVE_SECONDS = 15;

  private final int max;
  private final Set<Stream> open = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService keepalive;

  EventStreams(int max) {
    this.max = max;
  }

  int openCount() {
    return open.size();
  }

  void open(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response, Callback callback,
            EventStream.Opener opener, String requestId) {
    Stream stream = new Stream(response, callback, requestId);
    synchronized (this) {
      if (open.size() >= max) {
        byte[] body = HttpApi.errorBody(503, "too_many_streams", "at most " + max
            + " event streams may be open at once (http.maxEventStreams); retry later", requestId);
        response.setStatus(503);
        response.getHeaders().put("Content-Type", Response.JSON);
        response.getHeaders().put("Retry-After", "5");
        response.write(true, ByteBuffer.wrap(body), callback);
        return;
      }
      open.add(stream);
      if (keepalive == null) {
        keepalive = Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "http-event-keepalive");
          t.setDaemon(true);
          return t;
        });
        keepalive.scheduleWithFixedDelay(this::ping, KEEPALIVE_SECONDS, KEEPALIVE_SECONDS, TimeUnit.SECONDS);
      }
    }
    request.addFailureListener(failure -> stream.close());
    response.setStatus(200);
    if (!stream.write(": open\n\n")) {
      return;
    }
    try {
      opener.opened(stream);
    } catch (Exception e) {
      log.error("request {}: the event stream's handler failed", requestId, e);
      stream.close();
    }
  }

  private void ping() {
    for (Stream stream : List.copyOf(open)) {
      stream.write(": keepalive\n\n");
    }
  }

  synchronized void closeAll() {
    for (Stream stream : List.copyOf(open)) {
      stream.close();
    }
    if (keepalive != null) {
      keepalive.shutdownNow();
      keepalive = null;
    }
  }

  private final class Stream implements EventStream {
    private final org.eclipse.jetty.server.Response response;
    private final Callback callback;
    private final String requestId;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Runnable> onClose = new ArrayList<>();

    Stream(org.eclipse.jetty.server.Response response, Callback callback, String requestId) {
      this.response = response;
      this.callback = callback;
      this.requestId = requestId;
    }

    @Override
    public boolean send(String event, String data) {
      StringBuilder text = new StringBuilder();
      if (event != null) {
        text.append("event: ").append(event.replaceAll("[\r\n]", " ")).append('\n');
      }
      for (String line : (data == null ? "" : data).split("\r\n|\r|\n", -1)) {
        text.append("data: ").append(line).append('\n');
      }
      return write(text.append('\n').toString());
    }

    /** Writes and flushes, one writer at a time; a failed write closes the stream. */
    synchronized boolean write(String text) {
      if (closed.get()) {
        return false;
      }
      try {
        Content.Sink.write(response, false, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        return true;
      } catch (IOException | RuntimeException e) {
        log.debug("request {}: event stream closed: {}", requestId, e.toString());
        close();
        return false;
      }
    }

    @Override
    public boolean isOpen() {
      return !closed.get();
    }

    @Override
    public void onClose(Runnable action) {
      synchronized (this) {
        if (!closed.get()) {
          onClose.add(action);
          return;
        }
      }
      action.run();
    }

    /** Waits for a write under way (bounded by the idle timeout), so that the last write is the final one. */
    @Override
    public void close() {
      List<Runnable> actions;
      synchronized (this) {
        if (!closed.compareAndSet(false, true)) {
          return;
        }
        actions = List.copyOf(onClose);
      }
      open.remove(this);
      response.write(true, null, callback);
      for (Runnable action : actions) {
        try {
          action.run();
        } catch (RuntimeException e) {
          log.warn("request {}: an event stream's close action failed: {}", requestId, e.toString());
        }
      }
    }
  }
}
