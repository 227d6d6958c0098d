package io.pagewire.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaIT {

  @Test
  void keepsAcknowledgedRecordsAcrossARestartOnTheSameDirectory() throws Exception {
    Path dir = Files.createTempDirectory("embedded-kafka-it");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
      }
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
          "bootstrap.servers", kafka.bootstrapServers(), "acks", "all"), new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>("t", "k", "kept")).get();
      }
    }
    try (EmbeddedKafka again = EmbeddedKafka.start(dir, 0);
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
            "bootstrap.servers", again.bootstrapServers(), "group.id", "g", "auto.offset.reset", "earliest"),
            new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(Set.of("t"));
      List<String> values = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
      assertThat(values).containsExactly("kept");
    }
  }
}
