package dev.chatsdk.core.memory;

import dev.chatsdk.api.StoreUnavailableException;
import dev.chatsdk.api.port.ClusterBus;
import dev.chatsdk.core.internal.SerialRunner;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ClusterBus} within one JVM: several engines sharing one instance behave as nodes of a
 * cluster. Never loses a message while open (it has no connection to lose).
 *
 * <p>Threading: {@link #publish} only enqueues; listeners run later on the bus's delivery executor,
 * never on the publisher's stack, so a listener may publish or subscribe without deadlock. Each
 * subscription receives its messages one at a time, in publish order per publishing thread. Each
 * listener gets its own copy of the payload. Thread-safe.
 *
 * <p>Lifecycle: {@link #close()} stops delivery; later publishes and subscribes fail with {@code
 * UNAVAILABLE}. The no-argument constructor creates (and {@code close} shuts down) a pool of
 * {@value #DEFAULT_DELIVERY_THREADS} daemon threads; an executor passed in is not shut down.
 */
public final class InProcessClusterBus implements ClusterBus {
  /** Threads of the delivery pool the no-argument constructor creates. */
  public static final int DEFAULT_DELIVERY_THREADS = 2;

  private final Map<String, List<Sub>> subsByTopic = new ConcurrentHashMap<>();
  private final Executor delivery;
  private final @Nullable ExecutorService owned;
  private volatile boolean closed;

  /** Creates a bus delivering on its own pool of {@value #DEFAULT_DELIVERY_THREADS} threads. */
  public InProcessClusterBus() {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            DEFAULT_DELIVERY_THREADS, new DaemonThreads("chat-inprocess-bus"));
    this.delivery = pool;
    this.owned = pool;
  }

  /** Creates a bus delivering on {@code delivery}, which stays the caller's to shut down. */
  public InProcessClusterBus(Executor delivery) {
    this.delivery = Objects.requireNonNull(delivery, "delivery");
    this.owned = null;
  }

  @Override
  public CompletionStage<Void> publish(String topic, byte[] payload) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(payload, "payload");
    if (closed) {
      return CompletableFuture.failedFuture(closedError());
    }
    List<Sub> subs = subsByTopic.get(topic);
    if (subs != null) {
      for (Sub sub : subs) {
        sub.offer(topic, payload.clone());
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Subscription> subscribe(String topic, Listener listener) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(listener, "listener");
    if (closed) {
      return CompletableFuture.failedFuture(closedError());
    }
    Sub sub = new Sub(topic, listener, SerialRunner.forListeners(delivery));
    subsByTopic.compute(
        topic,
        (t, subs) -> {
          List<Sub> list = subs == null ? new CopyOnWriteArrayList<>() : subs;
          list.add(sub);
          return list;
        });
    return CompletableFuture.completedFuture(sub);
  }

  /** True when {@code topic} has a subscription whose listener is not {@code own}. */
  @Override
  public boolean mayReachOthers(String topic, Listener own) {
    List<Sub> subs = subsByTopic.get(topic);
    if (subs != null) {
      for (Sub sub : subs) {
        if (sub.listener != own) {
          return true;
        }
      }
    }
    return false;
  }

  /** Stops delivery and, if the bus created its pool, shuts it down. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (List<Sub> subs : subsByTopic.values()) {
      for (Sub sub : subs) {
        sub.active = false;
      }
    }
    subsByTopic.clear();
    if (owned != null) {
      owned.shutdown();
    }
  }

  private static StoreUnavailableException closedError() {
    return new StoreUnavailableException("cluster bus: closed");
  }

  private final class Sub implements Subscription {
    private final String topic;
    private final Listener listener;
    private final SerialRunner serial;
    private volatile boolean active = true;

    Sub(String topic, Listener listener, SerialRunner serial) {
      this.topic = topic;
      this.listener = listener;
      this.serial = serial;
    }

    void offer(String publishedTopic, byte[] payload) {
      serial.execute(
          () -> {
            if (active) {
              listener.onMessage(publishedTopic, payload);
            }
          });
    }

    @Override
    public CompletionStage<Void> unsubscribe() {
      active = false;
      subsByTopic.computeIfPresent(
          topic,
          (t, subs) -> {
            subs.remove(this);
            return subs.isEmpty() ? null : subs;
          });
      return CompletableFuture.completedFuture(null);
    }
  }
}
