package io.pagewire.notifier.pipeline;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pagewire.notifier.channel.Channel;
import io.pagewire.notifier.channel.Delivery;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lane per channel: its own threads, at most {@code concurrency} messages in flight, and a
 * queue of messages waiting for a free slot. A slow or failing channel fills only its own lane.
 * A slot is taken when a message is handed to the channel and given back by {@link #release} once
 * the outcome is committed, so "in flight" counts every message whose sending a crash could
 * repeat: at most {@code concurrency} per channel.
 *
 * <p>Only {@link #send} runs on the lanes' threads; everything else is called by the delivery
 * loop's thread.
 */
public final class Lanes implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Lanes.class);

  /** The end of one attempt. */
  record Attempt(Dispatcher.Send send, Delivery delivery, Instant startedAt, Instant endedAt) {}

  private final class Lane {
    final Channel channel;
    final ExecutorService threads;
    final Deque<Dispatcher.Send> waiting = new ArrayDeque<>();
    int inFlight;

    Lane(Channel channel) {
      this.channel = channel;
      AtomicInteger n = new AtomicInteger();
      this.threads = Executors.newFixedThreadPool(concurrency, r -> {
        Thread t = new Thread(r, "pagewire-notifier-" + channel.name() + "-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }
  }

  private final int concurrency;
  private final Clock clock;
  private final Map<String, Lane> lanes = new LinkedHashMap<>();
  private final Queue<Attempt> ended = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlightTotal = new AtomicInteger();
  private volatile Runnable onEnd = () -> { };

  public Lanes(Map<String, Channel> channels, int concurrency, Clock clock, MeterRegistry metrics) {
    this.concurrency = concurrency;
    this.clock = clock;
    channels.forEach((name, channel) -> {
      Lane lane = new Lane(channel);
      lanes.put(name, lane);
      Gauge.builder("pagewire.notifier.inflight", lane, l -> l.inFlight).tag("channel", name)
          .description("messages handed to the channel whose outcome is not committed yet: what a crash may send again")
          .register(metrics);
      Gauge.builder("pagewire.notifier.queued", lane, l -> l.waiting.size()).tag("channel", name)
          .description("messages due and waiting for a free slot of their channel").register(metrics);
    });
  }

  /** Called (on a lane's thread) whenever an attempt ends, to wake the loop. */
  void onEnd(Runnable wake) {
    this.onEnd = wake;
  }

  /** Queues a message for its channel's lane. */
  void offer(Dispatcher.Send send) {
    lanes.get(send.target().channel()).waiting.addLast(send);
  }

  /**
   * Hands waiting messages to their channels while slots are free, each after a last check;
   * a message the check refuses is returned, not sent.
   *
   * @param refuse the re-check at the moment of sending: true to not send
   */
  List<Dispatcher.Send> pump(Predicate<Dispatcher.Send> refuse) {
    List<Dispatcher.Send> refused = new ArrayList<>();
    for (Lane lane : lanes.values()) {
      while (lane.inFlight < concurrency && !lane.waiting.isEmpty()) {
        Dispatcher.Send send = lane.waiting.pollFirst();
        if (refuse.test(send)) {
          refused.add(send);
          continue;
        }
        lane.inFlight++;
        inFlightTotal.incrementAndGet();
        lane.threads.execute(() -> send(lane.channel, send));
      }
    }
    return refused;
  }

  private void send(Channel channel, Dispatcher.Send send) {
    Instant started = clock.instant();
    Delivery delivery;
    try {
      delivery = channel.send(send.message());
    } catch (RuntimeException e) {
      // A channel that throws has a bug that retrying will not fix; the message may hold a secret, so only the type is kept.
      String reason = "channel error: " + e.getClass().getName();
      log.error("channel threw instead of classifying the failure: notificationId={} channel={} reason={}",
          send.message().request().getNotificationId(), channel.name(), reason);
      log.debug("channel {} threw", channel.name(), e);
      delivery = Delivery.permanent(reason);
    }
    ended.add(new Attempt(send, delivery, started, clock.instant()));
    onEnd.run();
  }

  /** Attempts that ended since the last call. */
  List<Attempt> ended() {
    List<Attempt> out = new ArrayList<>();
    for (Attempt a; (a = ended.poll()) != null; ) {
      out.add(a);
    }
    return out;
  }

  /** The outcome of a message of this channel is committed (or abandoned): its slot is free. */
  void release(String channel) {
    Lane lane = lanes.get(channel);
    if (lane != null && lane.inFlight > 0) {
      lane.inFlight--;
      inFlightTotal.decrementAndGet();
    }
  }

  /** Drops waiting messages matching {@code gone} (their partition was revoked); returns them. */
  List<Dispatcher.Send> dropWaiting(Predicate<Dispatcher.Send> gone) {
    List<Dispatcher.Send> dropped = new ArrayList<>();
    for (Lane lane : lanes.values()) {
      lane.waiting.removeIf(s -> {
        if (gone.test(s)) {
          dropped.add(s);
          return true;
        }
        return false;
      });
    }
    return dropped;
  }

  int inFlight() {
    return inFlightTotal.get();
  }

  int waiting() {
    return lanes.values().stream().mapToInt(l -> l.waiting.size()).sum();
  }

  boolean hasWork() {
    return inFlight() > 0 || waiting() > 0 || !ended.isEmpty();
  }

  /** Lets attempts in flight end, up to {@code millis}, then stops the threads. */
  @Override
  public void close() {
    lanes.values().forEach(l -> l.threads.shutdown());
    for (Lane lane : lanes.values()) {
      try {
        if (!lane.threads.awaitTermination(10, TimeUnit.SECONDS)) {
          lane.threads.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        lane.threads.shutdownNow();
      }
    }
  }
}
