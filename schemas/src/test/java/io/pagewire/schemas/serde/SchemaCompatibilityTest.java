package io.pagewire.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.schemas.Schemas;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What a schema registry's BACKWARD_TRANSITIVE rule checks, done at build time. */
class SchemaCompatibilityTest {

  static Stream<Class<? extends SpecificRecordBase>> records() {
    return Schemas.RECORDS.stream();
  }

  @ParameterizedTest
  @MethodSource("records")
  void currentSchemaIsReleased(Class<? extends SpecificRecordBase> type) {
    List<Schema> released = ReleasedSchemas.get().versions(type);
    assertThat(released)
        .as("%s has changed since its last release: run ReleaseSchemas to write the next version", type.getSimpleName())
        .isNotEmpty();
    assertThat(ReleasedSchemas.fingerprint(released.get(released.size() - 1)))
        .as("%s has changed since its last release: run ReleaseSchemas to write the next version", type.getSimpleName())
        .isEqualTo(ReleasedSchemas.fingerprint(Schemas.current(type)));
  }

  @ParameterizedTest
  @MethodSource("records")
  void everyVersionReadsEveryOlderVersion(Class<? extends SpecificRecordBase> type) {
    List<Schema> versions = ReleasedSchemas.get().versions(type);
    for (int reader = 0; reader < versions.size(); reader++) {
      for (int writer = 0; writer < reader; writer++) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(versions.get(reader), versions.get(writer));
        assertThat(result.getType())
            .as("%s v%d reading v%d: %s", type.getSimpleName(), reader + 1, writer + 1, result.getResult().getIncompatibilities())
            .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
      }
    }
  }
}
