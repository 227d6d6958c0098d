package io.pagewire.escalation;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.HttpApi;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * One escalation instance in a JVM of its own, for tests that kill it: starts the service and
 * its HTTP API from the configuration file given as the only argument, prints {@code READY} once
 * Kafka Streams runs, and runs until the process is killed.
 */
public final class EscalationInstanceMain {

  private EscalationInstanceMain() {}

  public static void main(String[] args) throws Exception {
    PagewireConfig config = ConfigLoader.load(Path.of(args[0]));
    EscalationService service = new EscalationService(config, new SimpleMeterRegistry());
    HttpApi http = new HttpApi(config.http(), config.users());
    service.routes(http);
    service.start();
    http.start();
    while (!service.ready()) {
      Thread.sleep(50);
    }
    System.out.println("READY");
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
