package io.pagewire.schemas.serde;

import io.pagewire.schemas.Schemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Writes the current schema of every record that changed since its last release as the next
 * version file. Run from the repository root:
 * {@code mvn -q -pl schemas compile exec:java -Dexec.mainClass=io.pagewire.schemas.serde.ReleaseSchemas}
 */
public final class ReleaseSchemas {

  public static void main(String[] args) throws IOException {
    Path directory = Path.of(args.length > 0 ? args[0] : "schemas/src/main/resources")
        .resolve(ReleasedSchemas.DIRECTORY);
    Files.createDirectories(directory);
    for (Class<? extends SpecificRecordBase> type : Schemas.RECORDS) {
      Schema current = Schemas.current(type);
      List<Schema> released = ReleasedSchemas.get().versions(type);
      boolean unchanged = !released.isEmpty()
          && ReleasedSchemas.fingerprint(released.get(released.size() - 1))
              == ReleasedSchemas.fingerprint(current);
      if (unchanged) {
        continue;
      }
      Path file = directory.resolve(
          Path.of(ReleasedSchemas.resource(type.getSimpleName(), released.size() + 1)).getFileName());
      Files.writeString(file, current.toString(true) + "\n");
      System.out.println("released " + file);
    }
  }

  private ReleaseSchemas() {}
}
