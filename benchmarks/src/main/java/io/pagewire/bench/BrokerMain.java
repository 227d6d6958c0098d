package io.pagewire.bench;

import io.pagewire.kafka.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code BrokerMain DATA_DIR PORT}: the demo's embedded broker alone in a JVM, until SIGTERM. */
public final class BrokerMain {

  private BrokerMain() {}

  public static void main(String[] args) throws InterruptedException {
    EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      kafka.close();
      stopped.countDown();
    }, "shutdown"));
    System.out.println("broker ready at " + kafka.bootstrapServers());
    stopped.await();
  }
}
