package io.pagewire.escalation.schedule;

import static io.pagewire.escalation.schedule.OnCallTest.override;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.schemas.ScheduleOverride;
import io.pagewire.schemas.Topics;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class ScheduleOverridesTest {

  @Test
  void theGlobalStoreFollowsTheCompactedTopicAndFeedsOnCall() {
    Topology topology = ScheduleOverrides.addTo(new Topology());
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "overrides-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
      TestInputTopic<String, ScheduleOverride> topic = driver.createInputTopic(Topics.SCHEDULE_OVERRIDES.name(),
          Topics.SCHEDULE_OVERRIDES.keySerde().serializer(), Topics.SCHEDULE_OVERRIDES.valueSerde().serializer());
      KeyValueStore<String, ScheduleOverride> store = driver.getKeyValueStore(ScheduleOverrides.STORE);
      OnCall onCall = new OnCall(OnCallTest.CONFIG, OverrideSource.of(store));
      Instant noon = Instant.parse("2026-03-23T11:00:00Z"); // 12:00 in Berlin: alice's week

      topic.pipeInput("o1", override("o1", "berlin", "bob", "alice", noon.minusSeconds(60), noon.plusSeconds(60), 1));
      assertThat(onCall.onCall("berlin", noon)).containsExactly("bob");

      topic.pipeInput("o1", null);
      assertThat(store.get("o1")).isNull();
      assertThat(onCall.onCall("berlin", noon)).containsExactly("alice");
    }
  }
}
