package io.pagewire.launcher;

import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The whole pipeline as {@code pagewire run} starts it, but against a broker elsewhere, in a JVM of
 * its own for tests that kill it: {@code PipelineChild CONFIG_FILE}. Prints {@code READY} once every
 * service is ready, and runs until the process is killed.
 */
public final class PipelineChild {

  private PipelineChild() {}

  public static void main(String[] args) throws Exception {
    PagewireConfig config = ConfigLoader.load(Path.of(args[0]));
    Pipeline pipeline = Pipeline.start(config, ServiceCatalog.names());
    while (!pipeline.ready()) {
      Thread.sleep(20);
    }
    System.out.println("READY");
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
