package io.pagewire.router;

import io.pagewire.platform.config.PagewireConfig;
import java.nio.file.Path;

/** {@link RunningRouter} for tests in other packages. */
public final class RunningRouterAccess implements AutoCloseable {

  private final RunningRouter router;

  private RunningRouterAccess(RunningRouter router) {
    this.router = router;
  }

  public static RunningRouterAccess start(Path dir, PagewireConfig base) {
    return new RunningRouterAccess(RunningRouter.start(dir, base));
  }

  public PagewireConfig config() {
    return router.config();
  }

  @Override
  public void close() {
    router.close();
  }
}
