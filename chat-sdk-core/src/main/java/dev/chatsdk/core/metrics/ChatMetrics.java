package dev.chatsdk.core.metrics;

import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.core.EngineListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The engine's metrics as Micrometer meters: an {@link EngineListener} to hand the engine builder
 * and a {@link MeterBinder} to bind to the host's registry (no global registry is used).
 *
 * <p>Meters (all prefixed {@code chat.}): {@code sessions.active} (gauge), {@code sessions.opened},
 * {@code sessions.closed} (tag {@code code}), {@code messages.received}, {@code messages.rejected}
 * (tag {@code code}), {@code messages.delivered} (frames handed to sessions), {@code fanout.size}
 * (summary), {@code ack.latency} (timer), {@code store.latency} (timer; tags {@code operation},
 * {@code outcome}), {@code outbound.queue.depth} (summary), {@code auth.failures} (tag {@code
 * code}), {@code resumes}, {@code resume.replayed} (summary), {@code gaps.filled}, {@code
 * gaps.recovered}, {@code slow.consumers}, {@code errors.sent} (tag {@code code}), {@code
 * bus.publish.failures}. Tags are low-cardinality: codes and operation names only.
 *
 * <p>Events that arrive before {@link #bindTo} are counted only by the active-sessions gauge.
 * Thread-safe. Bind to one registry.
 *
 * <pre>{@code
 * ChatMetrics metrics = new ChatMetrics();
 * metrics.bindTo(prometheusRegistry);
 * ChatEngine engine = ChatEngine.builder()...listener(metrics).build();
 * }</pre>
 */
public final class ChatMetrics implements MeterBinder, EngineListener {
  private final Tags commonTags;
  private final AtomicInteger activeSessions = new AtomicInteger();
  private volatile @Nullable Meters meters;

  /** Metrics without extra tags. */
  public ChatMetrics() {
    this(List.of());
  }

  /** Metrics with tags added to every meter (e.g. {@code node}). */
  public ChatMetrics(Iterable<Tag> commonTags) {
    this.commonTags = Tags.of(Objects.requireNonNull(commonTags, "commonTags"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    meters = new Meters(registry, commonTags, activeSessions);
  }

  /** Sessions open on this node now. */
  public int activeSessions() {
    return activeSessions.get();
  }

  @Override
  public void sessionOpened() {
    activeSessions.incrementAndGet();
    Meters m = meters;
    if (m != null) {
      m.sessionsOpened.increment();
    }
  }

  @Override
  public void sessionClosed(int closeCode) {
    activeSessions.decrementAndGet();
    Meters m = meters;
    if (m != null) {
      m.sessionsClosed(closeCode).increment();
    }
  }

  @Override
  public void messageReceived() {
    Meters m = meters;
    if (m != null) {
      m.messagesReceived.increment();
    }
  }

  @Override
  public void messageRejected(ErrorCode code) {
    Meters m = meters;
    if (m != null) {
      m.messagesRejected.get(code).increment();
    }
  }

  @Override
  public void messageDelivered(int fanoutSize) {
    Meters m = meters;
    if (m != null) {
      m.messagesDelivered.increment(fanoutSize);
      m.fanoutSize.record(fanoutSize);
    }
  }

  @Override
  public void ackLatency(Duration latency) {
    Meters m = meters;
    if (m != null) {
      m.ackLatency.record(latency);
    }
  }

  @Override
  public void storeLatency(String operation, Duration latency, boolean success) {
    Meters m = meters;
    if (m != null) {
      m.storeTimer(operation, success).record(latency);
    }
  }

  @Override
  public void queueDepth(int depth) {
    Meters m = meters;
    if (m != null) {
      m.queueDepth.record(depth);
    }
  }

  @Override
  public void authFailure(ErrorCode code) {
    Meters m = meters;
    if (m != null) {
      m.authFailures.get(code).increment();
    }
  }

  @Override
  public void resume(int replayed) {
    Meters m = meters;
    if (m != null) {
      m.resumes.increment();
      m.resumeReplayed.record(replayed);
    }
  }

  @Override
  public void gapFilled(int recovered) {
    Meters m = meters;
    if (m != null) {
      m.gapsFilled.increment();
      m.gapsRecovered.increment(recovered);
    }
  }

  @Override
  public void slowConsumerDisconnected() {
    Meters m = meters;
    if (m != null) {
      m.slowConsumers.increment();
    }
  }

  @Override
  public void errorSent(ErrorCode code) {
    Meters m = meters;
    if (m != null) {
      m.errorsSent.get(code).increment();
    }
  }

  @Override
  public void busPublishFailed() {
    Meters m = meters;
    if (m != null) {
      m.busPublishFailures.increment();
    }
  }

  /** The meters of one registry, created up front where the tag values are a closed set. */
  private static final class Meters {
    private final MeterRegistry registry;
    private final Tags tags;
    final Counter sessionsOpened;
    final Counter messagesReceived;
    final Map<ErrorCode, Counter> messagesRejected;
    final Counter messagesDelivered;
    final DistributionSummary fanoutSize;
    final Timer ackLatency;
    final DistributionSummary queueDepth;
    final Map<ErrorCode, Counter> authFailures;
    final Counter resumes;
    final DistributionSummary resumeReplayed;
    final Counter gapsFilled;
    final Counter gapsRecovered;
    final Counter slowConsumers;
    final Map<ErrorCode, Counter> errorsSent;
    final Counter busPublishFailures;
    private final Map<Integer, Counter> sessionsClosed = new ConcurrentHashMap<>();
    private final Map<String, Timer> storeTimers = new ConcurrentHashMap<>();

    Meters(MeterRegistry registry, Tags tags, AtomicInteger active) {
      this.registry = registry;
      this.tags = tags;
      Gauge.builder("chat.sessions.active", active, AtomicInteger::get)
          .description("Sessions open on this node")
          .tags(tags)
          .register(registry);
      sessionsOpened = counter("chat.sessions.opened", "Sessions opened");
      messagesReceived = counter("chat.messages.received", "Messages received from clients");
      messagesRejected = byCode("chat.messages.rejected", "Messages refused");
      messagesDelivered =
          counter("chat.messages.delivered", "Message frames handed to local sessions");
      fanoutSize =
          DistributionSummary.builder("chat.fanout.size")
              .description("Local sessions one message event was handed to")
              .tags(tags)
              .register(registry);
      ackLatency =
          Timer.builder("chat.ack.latency")
              .description("From receiving a send to handing its ack to the connection")
              .tags(tags)
              .register(registry);
      queueDepth =
          DistributionSummary.builder("chat.outbound.queue.depth")
              .description("Outbound queue depth of a connection, sampled at powers of two")
              .tags(tags)
              .register(registry);
      authFailures = byCode("chat.auth.failures", "Refused or expired tokens");
      resumes = counter("chat.resumes", "Completed syncs");
      resumeReplayed =
          DistributionSummary.builder("chat.resume.replayed")
              .description("Messages replayed by one sync")
              .tags(tags)
              .register(registry);
      gapsFilled = counter("chat.gaps.filled", "Counter holes resolved from the store");
      gapsRecovered =
          counter("chat.gaps.recovered", "Messages found in the store while filling holes");
      slowConsumers =
          counter("chat.slow.consumers", "Sessions closed for an overflowing outbound queue");
      errorsSent = byCode("chat.errors.sent", "Error frames sent");
      busPublishFailures = counter("chat.bus.publish.failures", "Failed cluster bus publishes");
    }

    private Counter counter(String name, String description) {
      return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    private Map<ErrorCode, Counter> byCode(String name, String description) {
      Map<ErrorCode, Counter> map = new EnumMap<>(ErrorCode.class);
      for (ErrorCode code : ErrorCode.values()) {
        map.put(
            code,
            Counter.builder(name)
                .description(description)
                .tags(tags)
                .tag("code", code.wireName())
                .register(registry));
      }
      return map;
    }

    Counter sessionsClosed(int code) {
      return sessionsClosed.computeIfAbsent(
          code,
          c ->
              Counter.builder("chat.sessions.closed")
                  .description("Sessions closed, by close code")
                  .tags(tags)
                  .tag("code", Integer.toString(c))
                  .register(registry));
    }

    Timer storeTimer(String operation, boolean success) {
      String key = operation + (success ? ":ok" : ":error");
      return storeTimers.computeIfAbsent(
          key,
          k ->
              Timer.builder("chat.store.latency")
                  .description("Store call latency")
                  .tags(tags)
                  .tag("operation", operation)
                  .tag("outcome", success ? "success" : "error")
                  .register(registry));
    }
  }
}
