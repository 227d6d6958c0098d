package io.pagewire.platform.kafka;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.Topic;
import io.pagewire.schemas.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates Pagewire's topics where they are missing; existing topics are left as they are. */
public final class TopicAdmin {

  private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

  private TopicAdmin() {}

  public static void ensureTopics(PagewireConfig config) {
    try (Admin admin = Admin.create(KafkaSettings.common(config, "pagewire-admin"))) {
      List<NewTopic> wanted = Topics.ALL.stream().map(t -> newTopic(config, t)).toList();
      admin.createTopics(wanted).values().forEach((name, future) -> {
        try {
          future.get();
          log.info("created topic {}", name);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while creating topics", e);
        }
      });
    }
  }

  static NewTopic newTopic(PagewireConfig config, Topic<?, ?> topic) {
    Map<String, String> settings = new java.util.HashMap<>();
    settings.put(TopicConfig.CLEANUP_POLICY_CONFIG, topic.cleanupPolicy());
    if (!topic.compacted()) {
      settings.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(topic.retention().toMillis()));
    }
    // acks=all means "every in-sync replica": without this a write acknowledged by the leader
    // alone (the others out of sync) counts as safe.
    settings.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInSyncReplicas(config)));
    return new NewTopic(topic.name(), config.topics().partitions(), config.topics().replicationFactor())
        .configs(settings);
  }

  /** One fewer than the replication factor (2 of 3), at least 1: a write survives one broker lost, and one broker may be down. */
  public static int minInSyncReplicas(PagewireConfig config) {
    return Math.max(1, config.topics().replicationFactor() - 1);
  }
}
