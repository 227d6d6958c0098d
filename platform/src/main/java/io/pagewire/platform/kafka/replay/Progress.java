package io.pagewire.platform.kafka.replay;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/** Reports how a replay advances. {@link #NONE} says nothing (tests, pipes). */
public interface Progress {

  Progress NONE = new Progress() {
    @Override
    public void start(long total) {}

    @Override
    public void advance(long records) {}

    @Override
    public void finish() {}
  };

  /** The replay will read about {@code total} records (offsets, so transaction markers count too). */
  void start(long total);

  void advance(long records);

  void finish();

  /**
   * A one-line bar redrawn in place on {@code out} (a terminal): count, rate and time left, at
   * most five times a second.
   */
  static Progress bar(PrintStream out) {
    return new Progress() {
      private long total;
      private long done;
      private long started;
      private long lastDraw;

      @Override
      public void start(long totalRecords) {
        total = totalRecords;
        started = System.nanoTime();
      }

      @Override
      public void advance(long records) {
        done += records;
        long now = System.nanoTime();
        if (now - lastDraw >= 200_000_000L) {
          lastDraw = now;
          out.print("\r" + line(done, total, Duration.ofNanos(now - started)));
          out.flush();
        }
      }

      @Override
      public void finish() {
        out.print("\r" + line(done, total, Duration.ofNanos(System.nanoTime() - started)) + "\n");
        out.flush();
      }
    };
  }

  /**
   * The text of the bar: {@code [#####     ]  50% 500/1000 records, 250/s, 2s left}.
   *
   * @param elapsed time since the replay started
   */
  static String line(long done, long total, Duration elapsed) {
    int width = 30;
    double fraction = total <= 0 ? 1.0 : Math.min(1.0, (double) done / total);
    int filled = (int) Math.round(fraction * width);
    double seconds = elapsed.toNanos() / 1e9;
    long rate = seconds > 0 ? Math.round(done / seconds) : 0;
    String left = rate > 0 ? formatSeconds(Math.max(0, total - done) / rate) : "?";
    return String.format(Locale.ROOT, "[%s%s] %3d%% %d/%d records, %d/s, %s left",
        "#".repeat(filled), " ".repeat(width - filled), Math.round(fraction * 100), done, total, rate, left);
  }

  private static String formatSeconds(long seconds) {
    return seconds >= 60 ? (seconds / 60) + "m" + (seconds % 60) + "s" : seconds + "s";
  }
}
