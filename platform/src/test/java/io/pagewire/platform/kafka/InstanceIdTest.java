package io.pagewire.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.platform.config.ConfigLoader;
import io.pagewire.platform.config.PagewireConfig;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceIdTest {

  @TempDir
  Path tmp;

  private static PagewireConfig.Kafka kafka(Path stateDir, String instanceId) {
    return new PagewireConfig.Kafka(null, null, stateDir, null, instanceId, null, null);
  }

  @Test
  void shouldBeTheSameInstanceAgainOnTheSameStateDirectory() {
    String first = InstanceId.of(kafka(tmp.resolve("a"), null));
    assertThat(InstanceId.of(kafka(tmp.resolve("a"), null))).isEqualTo(first);
    assertThat(tmp.resolve("a").resolve(InstanceId.FILE)).hasContent(first);
  }

  @Test
  void shouldBeAnotherInstanceOnAnotherStateDirectory() {
    assertThat(InstanceId.of(kafka(tmp.resolve("a"), null))).isNotEqualTo(InstanceId.of(kafka(tmp.resolve("b"), null)));
  }

  @Test
  void shouldTakeTheConfiguredInstanceIdOverTheStateDirectory() {
    assertThat(InstanceId.of(kafka(tmp, "escalation-eu-1"))).isEqualTo("escalation-eu-1");
    assertThat(tmp.resolve(InstanceId.FILE)).doesNotExist();
  }

  @Test
  void shouldGiveStreamsAStaticMemberAndTheConfiguredSessionTimeout() {
    PagewireConfig config = ConfigLoader.parse("t.yaml", """
        kafka: {stateDir: %s, instanceId: node-7, sessionTimeout: 12s}
        """.formatted(tmp));
    Properties props = KafkaSettings.streams(config, "app", null);
    assertThat(props.get(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))).isEqualTo("node-7");
    assertThat(props.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)).isEqualTo(12_000);
    assertThat(props.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)).isEqualTo(4_000);
    assertThat(KafkaSettings.consumer(config, "c", "g").get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)).isEqualTo(12_000);
  }

  @Test
  void shouldDefaultToATenSecondSession() {
    assertThat(PagewireConfig.defaults().kafka().sessionTimeout()).hasSeconds(10);
  }
}
