package io.pagewire.escalation.api;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.Topics;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes incident commands to {@code pagewire.incident-commands} (keyed by incident id) and waits,
 * for at most {@code ingest.ackTimeout}, until every in-sync replica has them. The producer is
 * created on first use, so building the service needs no reachable cluster.
 */
final class CommandPublisher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CommandPublisher.class);

  private final PagewireConfig config;
  private final Duration timeout;
  private KafkaProducer<String, IncidentCommand> producer;

  CommandPublisher(PagewireConfig config) {
    this.config = config;
    this.timeout = config.ingest().ackTimeout();
  }

  /** Returns once Kafka has the command; false when it did not say so in time or refused it. */
  boolean publish(IncidentCommand command) {
    try {
      producer().send(new ProducerRecord<>(Topics.INCIDENT_COMMANDS.name(), null,
              command.getAt().toEpochMilli(), command.getIncidentId(), command))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
      log.warn("command not acknowledged by Kafka: incidentId={} commandId={} reason={}",
          command.getIncidentId(), command.getCommandId(), e.toString());
      return false;
    }
  }

  private synchronized KafkaProducer<String, IncidentCommand> producer() {
    if (producer == null) {
      Properties props = KafkaSettings.producer(config, "pagewire-escalation-commands");
      // send() must not block longer than the answer may wait.
      props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
      producer = new KafkaProducer<>(props, Topics.INCIDENT_COMMANDS.keySerde().serializer(),
          Topics.INCIDENT_COMMANDS.valueSerde().serializer());
    }
    return producer;
  }

  @Override
  public synchronized void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
      producer = null;
    }
  }
}
