package io.pagewire.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code scripts/bench storm|sustained|streams|notifier|replay|ingest|console|encoding [--jar JAR] [options]}: measures the launcher jar
 * (default launcher/target/pagewire.jar), each part of the system a child JVM of that jar.
 * Exit status 0 when every target passed, 1 when one failed, 2 on a usage error.
 */
public final class Bench {

  static final String USAGE = """
      usage: scripts/bench storm     [--jar JAR] [--groups 10] [--per-group 10000] [--batch 500] [--concurrency 4] [--timeout 180] [--warmup 30000]
             scripts/bench sustained [--jar JAR] [--duration 60] [--rate 2000] [--incidents 50] [--batch 100] [--warmup 30000]
             scripts/bench streams   [--jar JAR] [--alerts 100000] [--groups 10] [--batch 500] [--incidents 80000] [--timeout 300]
             scripts/bench notifier  [--jar JAR] [--pages 1000] [--warmup 1000] [--timeout 120]
             scripts/bench replay    [--jar JAR] [--events 1000000]
             scripts/bench ingest    [--jar JAR] [--duration 20] [--connections 16] [--threads 2] [--alerts-per-request 10] [--slow-connections 32]
             scripts/bench console   [--jar JAR] [--open 500] [--resolved 10000] [--requests 100]
             scripts/bench encoding  [--jar JAR] [--openings 200000] [--rounds 5]""";

  private Bench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println(USAGE);
      System.exit(2);
    }
    int status;
    try {
      Options options = new Options(args, 1);
      Path jar = Path.of(options.value("--jar", System.getProperty("bench.defaultJar", "launcher/target/pagewire.jar"))).toAbsolutePath();
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException("no jar at " + jar);
      }
      status = switch (args[0]) {
        case "storm" -> StormBench.run(jar, options);
        case "sustained" -> SustainedBench.run(jar, options);
        case "streams" -> StreamsRatioBench.run(jar, options);
        case "notifier" -> NotifierBench.run(jar, options);
        case "replay" -> ReplayBench.run(jar, options);
        case "ingest" -> IngestBench.run(jar, options);
        case "console" -> ConsoleBench.run(jar, options);
        case "encoding" -> EncodingBench.run(jar, options);
        default -> throw new IllegalArgumentException("unknown benchmark '" + args[0] + "'\n" + USAGE);
      };
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      status = 2;
    }
    System.exit(status);
  }

}
