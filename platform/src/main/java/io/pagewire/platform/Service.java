package io.pagewire.platform;

import io.pagewire.platform.http.HttpApi;

/**
 * One Pagewire service. The launcher builds each from the configuration, lets it add its routes
 * to the shared HTTP API, starts it, and closes it on shutdown; the same service runs alone
 * against a cluster with {@code pagewire service NAME}.
 */
public interface Service extends AutoCloseable {

  String name();

  /** Adds this service's HTTP routes. Called once, before {@link #start()}. */
  default void routes(HttpApi api) {}

  void start();

  /** True once the service can do its work (Kafka Streams is RUNNING, the producer is connected). */
  boolean ready();

  /**
   * True for a service that delivers pages already due when the process starts: escalation's
   * overdue timers, the notifier's pending requests. The launcher starts these first and lets them
   * become ready before it starts the rest, so that after a crash the restart's CPU (class loading,
   * JIT and every app's state restore, on two cores) goes to the pages that are late already.
   */
  default boolean deliversDuePages() {
    return false;
  }

  /**
   * False when the service is stuck and only a restart helps: its work loop has made no progress
   * within its stall bound, or its Streams app failed for good. {@code /healthz} answers 503 then,
   * so a supervisor restarts the process. A service that is merely starting or rebalancing is live.
   */
  default boolean live() {
    return true;
  }

  /** Stops cleanly: finishes or aborts in-flight work so that nothing is lost or done twice. */
  @Override
  void close();
}
