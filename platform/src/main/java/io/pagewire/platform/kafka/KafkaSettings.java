package io.pagewire.platform.kafka;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.Topics;
import io.pagewire.schemas.serde.AvroSerde;
import io.pagewire.schemas.serde.SchemaRegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Objects;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The client settings of every Pagewire service, in one place: what "nothing lost" means in
 * Kafka terms. Producers wait for all in-sync replicas and are idempotent; consumers read only
 * committed records; Streams apps run exactly-once and send records they cannot read or process
 * to the dead-letter topic (logged at ERROR with topic, partition and offset, counted in
 * {@code pagewire.processing.errors} and Streams' own {@code dropped-records}) instead of
 * stopping: {@link DeadLetterHandlers}.
 *
 * <p>It also sets the wire format of every topic value for the process ({@link AvroSerde#useRegistry}):
 * the Confluent format with {@code kafka.schemaRegistry}, else the embedded encoding.
 */
public final class KafkaSettings {

  private static PagewireConfig.SchemaRegistry wired;

  private KafkaSettings() {}

  public static Properties common(PagewireConfig config, String clientId) {
    wireFormat(config.kafka().schemaRegistry());
    Properties props = new Properties();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
    props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    config.kafka().properties().forEach((key, value) -> props.put(key, value.reveal()));
    return props;
  }

  public static Properties producer(PagewireConfig config, String clientId) {
    Properties props = common(config, clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    return props;
  }

  public static Properties consumer(PagewireConfig config, String clientId, String groupId) {
    Properties props = common(config, clientId);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    sessionTimeout(props, config);
    return props;
  }

  /** Records a stream thread buffers per input partition. */
  static final int STREAMS_BUFFERED_RECORDS = 100;
  /** Bytes a stream thread's consumer fetches per partition and request: one batch of the ingest's producer (batch.size). */
  static final int STREAMS_FETCH_BYTES = 16 * 1024;
  /** Records a stream thread takes per poll (Streams' default: 1,000). */
  static final int STREAMS_POLL_RECORDS = 100;

  /**
   * Settings of a Kafka Streams application.
   *
   * @param applicationServer {@code host:port} of this instance's HTTP API, for interactive
   *     queries across instances; null when the app serves none
   */
  public static Properties streams(PagewireConfig config, String applicationId, String applicationServer) {
    Properties props = common(config, applicationId);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.kafka().commitInterval().toMillis());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.topics().replicationFactor());
    props.put(StreamsConfig.topicPrefix(org.apache.kafka.common.config.TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG),
        Integer.toString(TopicAdmin.minInSyncReplicas(config)));
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.kafka().stateDir().toString());
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Deserialization.class);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Processing.class);
    // Silences and inhibiting alerts are global stores: one bad record there must not stop the
    // global thread, and with it every task of the app.
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DEAD_LETTERS.name());
    // Wall-clock punctuators (escalation timers) stay on time when input is idle.
    props.put(StreamsConfig.POLL_MS_CONFIG, 10);
    // A task processes what it has buffered without waiting for its other input partitions: the
    // inputs of a Pagewire task are independent streams (escalation's events and commands; the
    // router's lanes, ordered among what is buffered by their timestamps, see Lane), so nothing
    // needs them merged in timestamp order. Waiting also cost: with the default (0) Kafka Streams
    // 4.3 formats a trace message with String.format for every empty input partition before each
    // record it processes, 5% of escalation's stream thread on openings (JFR; its commands
    // partition is empty while incidents open).
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    // A stream thread polls only once it has processed every record it buffered, and its consumer
    // hands out the fetched batches partition after partition, each in full before the next: a
    // newly written record (the urgent lane's first alert of a new incident) waits behind every
    // batch fetched before it. Small fetches (about one producer batch per partition), small
    // polls and small buffers bound that wait. Defaults: 1 MiB per partition fetch, 1,000 records
    // per poll and buffered per partition. Measured in a storm (scripts/bench storm, 2 cores): a
    // new P0 paged after 3.4-5.3 s with 64 KiB fetches, 0.8-1.5 s with these; throughput the same.
    props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), STREAMS_FETCH_BYTES);
    props.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, STREAMS_BUFFERED_RECORDS);
    props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), STREAMS_POLL_RECORDS);
    if (applicationServer != null) {
      props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
    }
    // Static membership: a restarted instance takes its tasks back at once. Streams appends
    // "-<thread index>" per stream thread; the prefix keeps it off the restore and global consumers.
    props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), InstanceId.of(config.kafka()));
    sessionTimeout(props, config);
    return props;
  }

  /** How long a silent member keeps its partitions: the bound on failover to another instance. */
  private static void sessionTimeout(Properties props, PagewireConfig config) {
    long session = config.kafka().sessionTimeout().toMillis();
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) session);
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(100, session / 3));
  }

  /**
   * Points every serde of the process at the configured registry, or back at the embedded
   * encoding; nothing when it already is. Called with every client's settings, so a process
   * writes in the format of the configuration it talks to Kafka with.
   */
  public static synchronized void wireFormat(PagewireConfig.SchemaRegistry registry) {
    if (Objects.equals(registry, wired) && (registry == null) == (AvroSerde.registry() == null)) {
      return;
    }
    AvroSerde.useRegistry(registry == null ? null
        : new SchemaRegistryClient(URI.create(registry.url()), authorization(registry), tls(registry), registry.timeout()));
    wired = registry;
  }

  private static String authorization(PagewireConfig.SchemaRegistry registry) {
    if (registry.bearerToken() != null) {
      return "Bearer " + registry.bearerToken().reveal();
    }
    if (registry.username() != null) {
      return "Basic " + Base64.getEncoder().encodeToString(
          (registry.username() + ":" + registry.password().reveal()).getBytes(StandardCharsets.UTF_8));
    }
    return null;
  }

  /** Trusts the PEM certificates of {@code caFile} (a private CA) instead of the JDK's defaults. */
  private static SSLContext tls(PagewireConfig.SchemaRegistry registry) {
    if (registry.caFile() == null) {
      return null;
    }
    try (InputStream in = Files.newInputStream(registry.caFile())) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int n = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca-" + n++, certificate);
      }
      if (n == 0) {
        throw new IllegalArgumentException("kafka.schemaRegistry.caFile " + registry.caFile() + " holds no certificate");
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("kafka.schemaRegistry.caFile " + registry.caFile() + ": " + e.getMessage(), e);
    }
  }
}
