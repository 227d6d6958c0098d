package io.pagewire.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.testsupport.RequiredTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docker-compose.yml and the configuration of each service in it stay valid. */
class DeploymentFilesIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void composeFileIsValid() throws Exception {
    String compose = AlertmanagerEndToEndIT.binary("docker-compose");
    RequiredTool.require(compose != null, "docker-compose is not installed (apt-get install docker-compose; .ci/run does it)");

    Process process = new ProcessBuilder(compose, "-f", ROOT.resolve("docker-compose.yml").toString(), "config", "-q")
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());

    assertThat(process.waitFor()).as("docker-compose config -q: %s", output).isZero();
  }

  @Test
  void everyComposeServiceConfigurationLoadsAndNeedsItsToken(@TempDir Path dir) throws Exception {
    Path token = dir.resolve("api-token");
    Files.writeString(token, "compose-token\n");
    Path linkKey = dir.resolve("link-key");
    Files.writeString(linkKey, "compose-link-key\n");
    List<Path> files;
    try (Stream<Path> list = Files.list(ROOT.resolve("deploy/compose"))) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).hasSize(4);
    for (Path file : files) {
      String yaml = Files.readString(file).replace("/run/secrets/api-token", token.toString())
          .replace("/run/secrets/link-key", linkKey.toString());
      PagewireConfig config = ConfigLoader.parse(file.getFileName().toString(), yaml);
      assertThat(config.kafka().bootstrapServers()).as(file.toString()).isEqualTo("kafka:9092");
      assertThat(config.http().auth().bearerToken().matches("compose-token")).as(file.toString()).isTrue();
    }
  }
}
