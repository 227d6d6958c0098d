package io.pagewire.platform.http;

/**
 * An open {@code text/event-stream} answer ({@link Response#events}). Events may be sent from any
 * thread; sends are serialized. A comment line is sent every 15 s while nothing else is, so idle
 * streams stay open through proxies and a client that went away is noticed.
 */
public interface EventStream {

  /**
   * Sends one event ({@code event:} line, then one {@code data:} line per line of {@code data}).
   *
   * @param event the event name, or null for the default {@code message}
   * @return false when the stream is closed (by the client, a failed write, or {@link #close()})
   */
  boolean send(String event, String data);

  boolean isOpen();

  /** Runs {@code action} once, when the stream closes for any reason (at once if it is closed). */
  void onClose(Runnable action);

  /** Ends the answer. */
  void close();

  /** Called once the stream's headers are sent; may keep the stream and return at once. */
  @FunctionalInterface
  interface Opener {
    void opened(EventStream stream) throws Exception;
  }
}
