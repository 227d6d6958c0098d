package io.pagewire.platform.http;

import io.pagewire.platform.config.PagewireConfig;

/** Refuses state-changing requests a browser on another site could send. */
final class BrowserGuard {

  BrowserGuard(PagewireConfig.Http config) {}

  void check(String method, Headers headers, long length) {}
}
