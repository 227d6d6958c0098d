package io.pagewire.notifier;

import io.micrometer.core.instrument.MeterRegistry;
import io.pagewire.notifier.channel.Channel;
import io.pagewire.notifier.channel.ChannelRegistry;
import io.pagewire.notifier.log.DeliveryLog;
import io.pagewire.notifier.people.Targets;
import io.pagewire.notifier.pipeline.DeliveryLoop;
import io.pagewire.notifier.pipeline.Dispatcher;
import io.pagewire.notifier.pipeline.Outcomes;
import io.pagewire.notifier.status.StatusView;
import io.pagewire.notifier.template.Templates;
import io.pagewire.platform.Service;
import io.pagewire.platform.config.ConfigException;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.IncidentStatusUpdate;
import io.pagewire.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the notification requests of {@code pagewire.notification-requests}: to the channels a
 * request names, or to the user it names through that user's contact methods and notification
 * rules. Every outcome is a receipt on {@code pagewire.notification-receipts} and a timeline event
 * (NOTIFIED, NOTIFICATION_FAILED, NOTIFICATION_SUPPRESSED) on {@code pagewire.incident-timeline}.
 *
 * <p>The pipeline, composed here and nowhere else (Alertmanager's notify pipeline as stages):
 *
 * <pre>
 * requests ─▶ DeliveryLoop: intake ─▶ delivery log (PENDING, with the offset) ─▶ due ─▶ Dispatcher
 *               (Kafka: assignment,       ▲ retry at a later time                   skip / hold / suppress / send
 *                transactions, offsets)   │                                             │
 *                                   Dispatcher.afterAttempt ◀── Lanes (one per channel, bounded) ◀─┘
 *                                         │
 *                                     Outcomes: tombstone, receipt, timeline event, dead letter
 * </pre>
 *
 * <ul>
 *   <li>{@link DeliveryLoop}: the Kafka side, one thread; never ends on an exception.
 *   <li>{@link Dispatcher}: pure decisions from the request, the incident's status
 *       ({@link StatusView}, escalation's compacted {@code pagewire.incident-status}), the limits and
 *       {@code now}.
 *   <li>{@code Lanes}: per channel, {@code notifier.delivery.concurrency} messages in flight.
 *   <li>{@link Outcomes}: every record written.
 * </ul>
 *
 * <p>Start-up reads only compacted state: the incident statuses and the delivery log of the
 * assigned partitions. The transactional id is fixed per instance ({@code notifier.instanceId}),
 * so a restarted instance fences and aborts its predecessor's open transaction at once; the
 * consumer is a static member, so it takes its partitions back at once.
 */
public final class NotifierService implements Service {

  private static final Logger log = LoggerFactory.getLogger(NotifierService.class);

  public static final String NAME = "notifier";
  static final String GROUP_ID = "pagewire-notifier";

  /** Dead-letter headers, as documented on {@link Topics#DEAD_LETTERS}. */
  public static final String DLQ_REASON = Outcomes.DLQ_REASON;
  public static final String DLQ_TOPIC = Outcomes.DLQ_TOPIC;
  public static final String DLQ_PARTITION = Outcomes.DLQ_PARTITION;
  public static final String DLQ_OFFSET = Outcomes.DLQ_OFFSET;
  public static final String DLQ_SERVICE = Outcomes.DLQ_SERVICE;
  public static final String DLQ_CHANNEL = Outcomes.DLQ_CHANNEL;

  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  private final PagewireConfig config;
  private final MeterRegistry metrics;
  private final Clock clock;
  private final Map<String, Channel> channels;
  private final Dispatcher dispatcher;
  private final Targets targets;
  private final Outcomes outcomes;

  private StatusView status;
  private DeliveryLoop loop;
  private Thread thread;

  /**
   * Builds the channels of {@code notifier.channels}, the templates and the users' targets; a
   * channel whose type is unknown or whose settings do not bind, a template that does not parse,
   * or a contact method naming an unknown channel fails here, naming it.
   */
  public NotifierService(PagewireConfig config, MeterRegistry metrics) {
    this(config, metrics, Clock.systemUTC());
  }

  NotifierService(PagewireConfig config, MeterRegistry metrics, Clock clock) {
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    this.channels = ChannelRegistry.create(config.notifier().channels(), clock);
    this.targets = new Targets(config.users());
    this.dispatcher = new Dispatcher(config.notifier(), channels.keySet(), new Templates(config.notifier().templates()), targets);
    this.outcomes = new Outcomes(NAME, channels.keySet(), metrics);
    config.users().forEach((id, user) -> user.contactMethods().forEach(method -> {
      if (!channels.containsKey(method.channel())) {
        throw new ConfigException("users." + id + ".contactMethods." + method.name() + ": unknown channel '"
            + method.channel() + "' (configured: " + String.join(", ", channels.keySet()) + ")");
      }
    }));
  }

  /** Overdue pages wait on this service after a restart: it starts before the others. */
  @Override
  public boolean deliversDuePages() {
    return true;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public synchronized void start() {
    String instance = GROUP_ID + "-" + config.notifier().instanceId();
    status = new StatusView(config, instance + "-status");
    status.start();
    loop = new DeliveryLoop(config, () -> consumer(instance), () -> producer(instance),
        new DeliveryLog(config, instance + "-log"), status, dispatcher, targets, outcomes,
        new io.pagewire.notifier.pipeline.Lanes(channels, config.notifier().delivery().concurrency(), clock, metrics),
        clock, metrics);
    thread = new Thread(loop, "pagewire-notifier");
    thread.start();
    log.info("notifier started: channels={} users={} concurrency={} limitFrom={}", channels.keySet(), config.users().keySet(),
        config.notifier().delivery().concurrency(), config.notifier().limitFrom());
  }

  private KafkaConsumer<byte[], byte[]> consumer(String instance) {
    Properties props = KafkaSettings.consumer(config, instance, GROUP_ID);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    // Static membership: a restarted instance takes its partitions back at once instead of
    // waiting for the crashed member's session to time out.
    props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
    return new KafkaConsumer<>(props);
  }

  private KafkaProducer<byte[], byte[]> producer(String instance) {
    Properties props = KafkaSettings.producer(config, instance);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    // Fences a crashed predecessor with the same id and aborts its open transaction, so the
    // delivery log and receipts are readable (read_committed) at once.
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, instance);
    props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // A turn blocked on an unreachable broker gives up within seconds and is retried with a
    // fresh producer, instead of blocking the loop for a minute.
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    return new KafkaProducer<>(props);
  }

  /**
   * True while the delivery loop runs, has joined its group and read the delivery log of its
   * partitions, has read the incident statuses, and completed a turn within
   * {@code notifier.delivery.stallTimeout}.
   */
  @Override
  public boolean ready() {
    DeliveryLoop current = loop;
    return current != null && status != null && status.ready() && current.healthy() && thread.isAlive();
  }

  /** Not live once started when the delivery loop thread died or its turn has stalled past {@code stallTimeout}. */
  @Override
  public boolean live() {
    DeliveryLoop current = loop;
    return current == null || (thread.isAlive() && !current.stalled());
  }

  /** The latest status escalation published for an incident, as the send-time re-check sees it; null if none. */
  IncidentStatusUpdate status(String incidentId) {
    return status.get(incidentId);
  }

  /**
   * Stops: messages in flight finish their attempt (up to 10 s) and their outcomes are committed;
   * unsettled targets stay PENDING in the delivery log and are sent after a restart.
   */
  @Override
  public void close() {
    Thread worker;
    synchronized (this) {
      worker = thread;
      if (worker == null) {
        return;
      }
      loop.stop();
      loop.wakeup();
    }
    try {
      worker.join(CLOSE_WAIT.toMillis());
      if (worker.isAlive()) {
        worker.interrupt();
        worker.join(CLOSE_WAIT.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    status.close();
  }
}
