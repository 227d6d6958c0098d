package io.pagewire.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pagewire.ingest.alertmanager.InvalidWebhookException;
import io.pagewire.ingest.alertmanager.WebhookParser;
import io.pagewire.ingest.lane.NewGroups;
import io.pagewire.ingest.pagerduty.EventsApi;
import io.pagewire.platform.Service;
import io.pagewire.platform.config.Durations;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.HttpApi;
import io.pagewire.platform.http.HttpError;
import io.pagewire.platform.http.Principal;
import io.pagewire.platform.http.Request;
import io.pagewire.platform.http.Response;
import io.pagewire.platform.kafka.KafkaSettings;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Alertmanager webhook endpoint: {@code POST /api/v1/alerts/alertmanager}.
 *
 * <p>Each alert of a webhook becomes one record of {@code pagewire.alerts}, keyed by its
 * fingerprint, or of its urgent lane {@code pagewire.alerts-urgent} when the webhook's group is
 * new to this ingest and the alert fires and may open an incident of its own ({@link NewGroups}). The webhook is answered 200 {@code {"accepted": N, "requestId": "..."}} only
 * after Kafka acknowledged every one of its records (acks=all, idempotent producer). When Kafka
 * does not acknowledge them all within {@code ingest.ackTimeout} the answer is 503
 * ({@code kafka_unavailable}), so Alertmanager sends the webhook again: an alert is never lost
 * between Alertmanager and Kafka, though a retried webhook may be written twice (downstream
 * deduplicates on fingerprint, status and startsAt). A body that can never be valid is answered
 * 400 ({@code invalid_payload}) naming the JSON path of the problem; so is an alert beyond
 * {@code ingest.limits} (too many labels or annotations, a value, URL or the whole alert too
 * large), with the path and the limit, e.g. {@code alerts[3].annotations.description: is 20000
 * bytes, over the limit of 16384 bytes (ingest.limits.maxAnnotationValueBytes)}: those bounds keep
 * every record downstream far below Kafka's record limit. See {@link WebhookParser}.
 * Credentials (401) are checked by {@link HttpApi}; the body may be up to
 * {@code ingest.maxBodyBytes} (32 MiB: a group of 10,000 alerts as Alertmanager sends it is
 * about 7 MB; 413 beyond), and is parsed as a stream, each alert sent to Kafka as it is read. An
 * invalid alert ends the parse with a 400 naming it; the alerts before it are written (Alertmanager
 * does not resend a webhook answered 4xx, so this loses less than refusing them all).
 *
 * <p>Metrics: {@code pagewire.ingest.alerts} (alerts acknowledged by Kafka),
 * {@code pagewire.ingest.requests} tagged {@code status} (the answers of this route; 401 and 413
 * are answered before it runs and are not counted here), and {@code pagewire.ingest.ack.latency}
 * (from the first send to the last acknowledgement of an accepted webhook).
 */
public final class IngestService implements Service {

  public static final String NAME = "alerting-ingest";
  public static final String ROUTE = "/api/v1/alerts/alertmanager";
  static final String CLIENT_ID = "pagewire-ingest";

  private static final Logger log = LoggerFactory.getLogger(IngestService.class);
  private static final Duration METADATA_RETRY_BACKOFF = Duration.ofSeconds(1);

  private final Duration ackTimeout;
  private final PagewireConfig.IngestLimits limits;
  private final long maxBodyBytes;
  /** Bounds the webhook bodies held at once to twice {@code ingest.maxBodyBytes}, in KiB. */
  private final Semaphore bodyBudget;
  private final Supplier<Producer<String, Alert>> producerFactory;
  private final Clock clock;
  private final MeterRegistry metrics;
  private final Counter acceptedAlerts;
  private final Timer ackLatency;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final EventsApi pagerDuty;
  private final NewGroups newGroups;
  private volatile Producer<String, Alert> producer;
  private volatile boolean metadataFetched;
  private Thread metadataFetcher;

  public IngestService(PagewireConfig config, MeterRegistry metrics) {
    this.producerFactory = () -> new KafkaProducer<>(producerProperties(config),
        Topics.ALERTS.keySerde().serializer(), Topics.ALERTS.valueSerde().serializer());
    this.clock = Clock.systemUTC();
    this.newGroups = new NewGroups(config.classification().decidingLabels());
    this.ackTimeout = config.ingest().ackTimeout();
    this.limits = config.ingest().limits();
    this.maxBodyBytes = config.ingest().maxBodyBytes();
    this.bodyBudget = new Semaphore(budgetPermits(2 * maxBodyBytes));
    this.metrics = metrics;
    this.acceptedAlerts = Counter.builder("pagewire.ingest.alerts")
        .description("Alerts received by webhook and acknowledged by Kafka")
        .register(metrics);
    this.pagerDuty = new EventsApi(config, this::publish, clock);
    this.ackLatency = Timer.builder("pagewire.ingest.ack.latency")
        .description("Time from sending a webhook's records to Kafka's acknowledgement of the last one")
        .register(metrics);
  }

  /**
   * The producer settings: {@link KafkaSettings#producer} (acks=all, idempotent) lingering 1 ms, with every
   * blocking bound ({@code max.block.ms}, {@code delivery.timeout.ms}) set to
   * {@code ingest.ackTimeout}, so no send outlives the webhook that waits for it.
   */
  static Properties producerProperties(PagewireConfig config) {
    Properties props = KafkaSettings.producer(config, CLIENT_ID);
    // Every webhook waits for its records' acknowledgement, so lingering adds straight to its
    // answer time; records of concurrent webhooks still share batches while requests are in flight.
    props.put(ProducerConfig.LINGER_MS_CONFIG, "1");
    long timeout = Math.max(1, config.ingest().ackTimeout().toMillis());
    long linger = Long.parseLong(String.valueOf(props.getOrDefault(ProducerConfig.LINGER_MS_CONFIG, "0")));
    // Kafka refuses delivery.timeout.ms < linger.ms + request.timeout.ms.
    long requestTimeout = Math.max(1, timeout - linger);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout));
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(requestTimeout));
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Math.max(timeout, linger + requestTimeout)));
    return props;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void routes(HttpApi api) {
    api.route("POST", ROUTE, Principal.Scope.INGEST, this::handle);
    pagerDuty.routes(api);
  }

  /** Creates the producer and fetches the alerts topic's metadata in the background. */
  @Override
  public synchronized void start() {
    if (producer != null) {
      return;
    }
    producer = producerFactory.get();
    metadataFetcher = new Thread(this::fetchMetadata, "pagewire-ingest-metadata");
    metadataFetcher.setDaemon(true);
    metadataFetcher.start();
  }

  /** True once the producer has fetched the metadata of {@code pagewire.alerts} (or had a record acknowledged). */
  @Override
  public boolean ready() {
    return metadataFetched;
  }

  /** Sends what is still buffered (waiting at most {@code ingest.ackTimeout}) and closes the producer. */
  @Override
  public synchronized void close() {
    closing.countDown();
    Producer<String, Alert> p = producer;
    if (p != null) {
      p.close(ackTimeout);
    }
    if (metadataFetcher != null) {
      try {
        metadataFetcher.join(ackTimeout.toMillis() + 1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Response handle(Request request) throws HttpError {
    int status = 500;
    try {
      Response response = receive(request);
      status = response.status();
      return response;
    } catch (HttpError e) {
      status = e.status();
      log.warn("webhook rejected: requestId={} status={} reason={}", request.requestId(), status, e.getMessage());
      throw e;
    } finally {
      metrics.counter("pagewire.ingest.requests", "status", Integer.toString(status)).increment();
    }
  }

  private Response receive(Request request) {
    Instant receivedAt = clock.instant();
    Producer<String, Alert> p = producer;
    if (p == null) {
      throw kafkaUnavailable("the ingest service is not started");
    }
    long declared = request.declaredLength();
    int permits = budgetPermits(declared >= 0 ? Math.min(declared, maxBodyBytes) : maxBodyBytes);
    try {
      if (!bodyBudget.tryAcquire(permits, ackTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new HttpError(503, "busy", "other webhooks hold " + (2 * maxBodyBytes) + " bytes of bodies (twice"
            + " ingest.maxBodyBytes); the webhook was not accepted and Alertmanager will retry it");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw kafkaUnavailable("interrupted");
    }
    try {
      byte[] body = request.body(maxBodyBytes, "ingest.maxBodyBytes");
      Publication publication = new Publication(p, System.nanoTime());
      int count;
      try {
        count = WebhookParser.parse(body, receivedAt, request.requestId(), limits, publication::send);
      } catch (InvalidWebhookException e) {
        publication.awaitQuietly();
        throw new HttpError(400, "invalid_payload", e.getMessage());
      }
      publication.await();
      acceptedAlerts.increment(count);
      log.debug("webhook accepted: requestId={} alerts={}", request.requestId(), count);
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("accepted", count);
      answer.put("requestId", request.requestId());
      return Response.ok(answer);
    } finally {
      bodyBudget.release(permits);
    }
  }

  /**
   * Sends every alert and waits, within {@code ingest.ackTimeout} in all, until Kafka acknowledged
   * each; throws {@link HttpError} 503 (413 for a record Kafka refuses as too large) when not. For
   * the other entry points (PagerDuty events, heartbeats), whose bodies hold a few alerts.
   */
  void publish(List<Alert> alerts) {
    Producer<String, Alert> p = producer;
    if (p == null) {
      throw kafkaUnavailable("the ingest service is not started");
    }
    Publication publication = new Publication(p, System.nanoTime());
    alerts.forEach(alert -> publication.send(null, alert));
    publication.await();
  }

  /** The budget counts KiB, so that 2 × 32 MiB fits in an int of permits. */
  private static int budgetPermits(long bytes) {
    return (int) Math.max(1, (bytes + 1023) / 1024);
  }

  /**
   * The records of one webhook, sent as the parser reads them (memory: the producer's buffer, not
   * the whole group), then waited for, within {@code ackTimeout} in all.
   */
  private final class Publication {
    private final Producer<String, Alert> producer;
    private final long started;
    private final long deadline;
    private final List<Future<RecordMetadata>> acks = new ArrayList<>();
    private String group;
    private NewGroups.Webhook lanes;

    Publication(Producer<String, Alert> producer, long started) {
      this.producer = producer;
      this.started = started;
      this.deadline = started + ackTimeout.toNanos();
    }

    /** Sends {@code alert} of {@code group} (a webhook's groupKey; null: the alert is its own group) in its lane. */
    void send(String group, Alert alert) {
      String key = group != null ? group : alert.getFingerprint();
      if (!key.equals(this.group)) {
        this.group = key;
        this.lanes = newGroups.webhook(key, clock.instant());
      }
      try {
        if (System.nanoTime() - deadline >= 0) {
          throw new TimeoutException();
        }
        String topic = lanes.topicOf(alert).name();
        Future<RecordMetadata> ack = producer.send(new ProducerRecord<>(topic, alert.getFingerprint(), alert));
        if (ack.isDone()) {
          // A send that failed at once (no metadata within max.block.ms) would fail the next one
          // the same way after blocking again: give up now.
          ack.get();
        }
        acks.add(ack);
      } catch (Exception e) {
        throw answerFor(e);
      }
    }

    /** Waits until Kafka acknowledged every record sent. */
    void await() {
      try {
        for (Future<RecordMetadata> ack : acks) {
          ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
      } catch (Exception e) {
        throw answerFor(e);
      }
      if (!acks.isEmpty()) {
        ackLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        metadataFetched = true;
      }
    }

    /** After a 400: the alerts before the invalid one were sent; their outcome does not change the answer. */
    void awaitQuietly() {
      try {
        await();
      } catch (HttpError e) {
        log.warn("the alerts before an invalid one were not all acknowledged: {}", e.getMessage());
      }
    }
  }

  private HttpError answerFor(Exception e) {
    try {
      throw e;
    } catch (HttpError error) {
      return error;
    } catch (TimeoutException timeout) {
      return kafkaUnavailable("Kafka did not acknowledge the alerts within " + Durations.format(ackTimeout)
          + " (ingest.ackTimeout)");
    } catch (ExecutionException execution) {
      return failed(execution.getCause());
    } catch (KafkaException | IllegalStateException kafka) {
      return failed(kafka);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return kafkaUnavailable("interrupted while waiting for Kafka");
    } catch (Exception other) {
      return failed(other);
    }
  }

  private static HttpError failed(Throwable cause) {
    if (cause instanceof RecordTooLargeException) {
      // Retrying cannot help: the same alert will be too large again.
      return new HttpError(413, "payload_too_large",
          "an alert is larger than Kafka accepts (" + cause.getMessage() + "); shorten its labels or annotations");
    }
    return kafkaUnavailable("Kafka did not accept the alerts: " + cause.getClass().getSimpleName() + ": "
        + cause.getMessage());
  }

  private static HttpError kafkaUnavailable(String reason) {
    return new HttpError(503, "kafka_unavailable", reason + "; the webhook was not accepted and Alertmanager will retry it");
  }

  private void fetchMetadata() {
    int attempt = 0;
    while (!metadataFetched && closing.getCount() > 0) {
      attempt++;
      try {
        producer.partitionsFor(Topics.ALERTS.name());
        metadataFetched = true;
        log.info("{} ready: metadata of {} fetched (attempt={})", NAME, Topics.ALERTS.name(), attempt);
        return;
      } catch (KafkaException e) {
        if (closing.getCount() == 0) {
          return;
        }
        // The first failure is worth a warning; repeating it every second is not.
        if (attempt == 1) {
          log.warn("{} not ready: cannot fetch metadata of {} yet, will keep trying: {}", NAME, Topics.ALERTS.name(),
              e.getMessage());
        } else {
          log.debug("{} still not ready (attempt={}): {}", NAME, attempt, e.getMessage());
        }
      }
      try {
        closing.await(METADATA_RETRY_BACKOFF.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
