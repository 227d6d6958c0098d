package io.pagewire.platform.kafka;

import io.pagewire.platform.config.PagewireConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The name this instance has in its consumer groups ({@code group.instance.id}): {@code
 * kafka.instanceId}, or else one made up on first start and kept in the state directory, so the
 * same state directory is the same instance after a restart or a crash. A restarted static member
 * takes its partitions back at once; a new name would wait out the dead one's session timeout.
 *
 * <p>Two instances must never share a name (nor, therefore, a state directory): the broker fences
 * the older one.
 */
public final class InstanceId {

  /** The file in {@code kafka.stateDir} that keeps the made-up name. */
  public static final String FILE = "pagewire-instance-id";

  private InstanceId() {}

  public static synchronized String of(PagewireConfig.Kafka kafka) {
    if (kafka.instanceId() != null) {
      return kafka.instanceId();
    }
    Path file = kafka.stateDir().resolve(FILE);
    try {
      if (Files.exists(file)) {
        return read(file);
      }
      Files.createDirectories(kafka.stateDir());
      String made = "pagewire-" + UUID.randomUUID().toString().substring(0, 8);
      try {
        Files.writeString(file, made + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW);
        return made;
      } catch (FileAlreadyExistsException e) {
        // Another process on this directory wrote it first: that name is this directory's.
        return read(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the instance id in " + file + ": " + e.getMessage(), e);
    }
  }

  private static String read(Path file) throws IOException {
    String id = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (id.isEmpty()) {
      throw new IOException(file + " is empty; delete it to make up a new instance id, or set kafka.instanceId");
    }
    return id;
  }
}
