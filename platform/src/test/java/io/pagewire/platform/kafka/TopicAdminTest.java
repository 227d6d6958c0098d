package io.pagewire.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.Topics;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class TopicAdminTest {

  @Test
  void createsTopicsWithMinInSyncReplicasOneBelowTheReplicationFactor() {
    PagewireConfig three = PagewireConfig.defaults().withTopics(new PagewireConfig.Topics(3, (short) 3));
    PagewireConfig one = PagewireConfig.defaults();

    assertThat(TopicAdmin.newTopic(three, Topics.ALERTS).configs()).containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
    assertThat(TopicAdmin.newTopic(one, Topics.ALERTS).configs()).containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1");
  }
}
