package io.pagewire.notifier;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.platform.config.PagewireConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A notifier in a JVM of its own, for {@link NotifierCrashIT} to kill abruptly
 * ({@code destroyForcibly}, SIGKILL): {@code NotifierChild BOOTSTRAP WEBHOOK_URL STATE_DIR}.
 * Prints {@code READY} once it has joined its group.
 */
public final class NotifierChild {

  /** Messages in flight at once on the one channel: a kill repeats at most this many. */
  static final int CONCURRENCY = 8;

  private NotifierChild() {}

  public static void main(String[] args) throws Exception {
    PagewireConfig config = PagewireConfig.defaults()
        .withKafka(args[0], Path.of(args[2]))
        .withNotifier(new PagewireConfig.Notifier(Map.of("hook", Map.of("type", "webhook", "url", args[1])),
            new PagewireConfig.Retry(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(20)),
            null, new PagewireConfig.RateLimit(100_000, Duration.ofMinutes(1)), new PagewireConfig.RateLimit(100_000, Duration.ofMinutes(1)),
            "crash-it", null, new PagewireConfig.Delivery(CONCURRENCY, 0, null)));
    NotifierService service = new NotifierService(config, new SimpleMeterRegistry());
    service.start();
    while (!service.ready()) {
      Thread.sleep(20);
    }
    System.out.println("READY");
    System.out.flush();
    Thread.currentThread().join();
  }
}
