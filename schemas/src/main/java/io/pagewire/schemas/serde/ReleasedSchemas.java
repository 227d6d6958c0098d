package io.pagewire.schemas.serde;

import io.pagewire.schemas.Schemas;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Every released version of every Pagewire schema, found by the 64-bit fingerprint that Avro's
 * single-object encoding writes in front of each record.
 *
 * <p>Versions live on the classpath as {@code io/pagewire/schemas/released/<Record>.v<N>.avsc},
 * numbered from 1 without gaps. A released file never changes; a new version is a new file
 * ({@link ReleaseSchemas} writes it), and {@code SchemaCompatibilityTest} checks that the
 * current schema reads every released one.
 */
public final class ReleasedSchemas implements SchemaStore {

  static final String DIRECTORY = "io/pagewire/schemas/released/";
  private static final ReleasedSchemas INSTANCE = load();

  private final Map<Long, Schema> byFingerprint;
  private final Map<String, List<Schema>> byRecord;

  private ReleasedSchemas(Map<Long, Schema> byFingerprint, Map<String, List<Schema>> byRecord) {
    this.byFingerprint = byFingerprint;
    this.byRecord = byRecord;
  }

  public static ReleasedSchemas get() {
    return INSTANCE;
  }

  @Override
  public Schema findByFingerprint(long fingerprint) {
    return byFingerprint.get(fingerprint);
  }

  /** The released versions of one record, oldest first. */
  public List<Schema> versions(Class<? extends SpecificRecordBase> type) {
    return byRecord.getOrDefault(type.getSimpleName(), List.of());
  }

  public static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  static String resource(String record, int version) {
    return DIRECTORY + record + ".v" + version + ".avsc";
  }

  private static ReleasedSchemas load() {
    Map<Long, Schema> byFingerprint = new HashMap<>();
    Map<String, List<Schema>> byRecord = new HashMap<>();
    ClassLoader loader = ReleasedSchemas.class.getClassLoader();
    for (Class<? extends SpecificRecordBase> type : Schemas.RECORDS) {
      List<Schema> versions = new ArrayList<>();
      for (int v = 1; ; v++) {
        try (InputStream in = loader.getResourceAsStream(resource(type.getSimpleName(), v))) {
          if (in == null) {
            break;
          }
          Schema schema = new Schema.Parser().parse(in);
          versions.add(schema);
          byFingerprint.put(fingerprint(schema), schema);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      byRecord.put(type.getSimpleName(), List.copyOf(versions));
    }
    return new ReleasedSchemas(Map.copyOf(byFingerprint), Map.copyOf(byRecord));
  }
}
