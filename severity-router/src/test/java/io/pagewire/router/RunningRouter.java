package io.pagewire.router;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.testsupport.TestBroker;
import java.nio.file.Path;
import java.time.Duration;

/** A running router service on its own real broker, shared by the tests of one IT class. */
record RunningRouter(EmbeddedKafka kafka, PagewireConfig config, SimpleMeterRegistry registry, RouterService service)
    implements AutoCloseable {

  /** Starts a broker in {@code dir}, creates the topics and waits until the router runs with {@code base} settings. */
  static RunningRouter start(Path dir, PagewireConfig base) {
    TestBroker broker = TestBroker.start(dir, base);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RouterService service = new RouterService(broker.config(), registry);
    service.start();
    await().atMost(Duration.ofSeconds(60)).until(service::ready);
    return new RunningRouter(broker.kafka(), broker.config(), registry, service);
  }

  @Override
  public void close() {
    service.close();
    kafka.close();
  }
}
