package io.pagewire.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.schemas.Topic;
import io.pagewire.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The README's topic table names every topic the code declares, with its cleanup policy. */
class ReadmeTest {

  static final java.util.List<Topic<?, ?>> TOPICS = Topics.ALL;

  @ParameterizedTest
  @FieldSource("TOPICS")
  void readmeTopicTableListsEveryTopic(Topic<?, ?> topic) throws Exception {
    String readme = Files.readString(Path.of("../README.md"));

    assertThat(readme.lines().filter(line -> line.startsWith("| `" + topic.name() + "` |")))
        .as("a README topic table row for %s", topic.name())
        .singleElement()
        .satisfies(row -> assertThat(row).contains("| " + topic.cleanupPolicy() + " |"));
  }
}
