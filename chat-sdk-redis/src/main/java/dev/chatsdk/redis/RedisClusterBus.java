package dev.chatsdk.redis;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.StoreUnavailableException;
import dev.chatsdk.api.port.ClusterBus;
import dev.chatsdk.redis.internal.ConnectionWatcher;
import dev.chatsdk.redis.internal.Envelope;
import dev.chatsdk.redis.internal.LettuceSupport;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.netty.util.concurrent.EventExecutor;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ClusterBus} on Redis pub/sub: each topic is one Redis channel ({@link
 * Builder#channelPrefix channel prefix} + topic), and this node subscribes to a channel only while
 * it has at least one local subscription to the topic, so cross-node traffic follows where the
 * interested sessions are.
 *
 * <p>Delivery is at-most-once. A payload published here reaches this node's own subscribers
 * directly (even while Redis is unreachable) and other nodes' subscribers through Redis. When the
 * subscription connection is lost, the bus reconnects by itself, subscribes again to every topic
 * with local interest and then calls {@link Listener#onReconnected()} once per listener, so the
 * engine can fill gaps from the store.
 *
 * <p>Failures fail fast: while Redis is unreachable, {@link #publish} and {@link #subscribe}
 * complete exceptionally at once with a retryable {@link
 * dev.chatsdk.api.StoreUnavailableException}; commands time out after {@link
 * Builder#commandTimeout}; nothing is buffered for replay.
 *
 * <p>Thread-safe; no method blocks except {@link #close()}. Listeners are called on Lettuce's event
 * threads and must not block; each topic's deliveries run one at a time in arrival order (a
 * listener subscribed to several topics may be called concurrently), and each listener gets its own
 * copy of the payload. After {@link #close()}, publish and subscribe fail with {@code UNAVAILABLE}.
 * Lifecycle: {@link Builder#build()} connects (or fails); {@link #close()} releases the
 * connections, and the client resources if the bus created them.
 */
public final class RedisClusterBus implements ClusterBus {
  /** Default prefix of every channel name: {@value}. */
  public static final String DEFAULT_CHANNEL_PREFIX = "chat:bus:";

  /** Default time after which a Redis command fails: 2 seconds. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

  /** Default bound of the queue of commands awaiting Redis's answer: {@value}. */
  public static final int DEFAULT_REQUEST_QUEUE_SIZE = 10_000;

  /** Longest topic accepted, in characters: {@value}. */
  public static final int MAX_TOPIC_LENGTH = 256;

  private static final Logger log = LoggerFactory.getLogger(RedisClusterBus.class);
  private static final String COMPONENT = "bus";
  private static final int RESUBSCRIBE_ATTEMPTS = 20;
  private static final long RESUBSCRIBE_RETRY_MILLIS = 250;

  private final String channelPrefix;
  private final RedisBusListener events;
  private final RedisClient client;
  private final @Nullable ClientResources ownedResources;
  private final StatefulRedisConnection<String, byte[]> commands;
  private final StatefulRedisPubSubConnection<String, byte[]> pubSub;
  private final ConnectionWatcher watcher;
  private final EventExecutor executor;
  private final List<EventExecutor> deliveryExecutors = new ArrayList<>();
  private final byte[] instanceId = new byte[16];
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Topics with local interest. Read lock-free; changed (and Redis told) only under {@link #lock}.
   */
  private final Map<String, Topic> topics = new ConcurrentHashMap<>();

  private final Object lock = new Object();

  private RedisClusterBus(Builder builder, RedisURI uri) {
    this.channelPrefix = builder.channelPrefix;
    this.events = builder.eventListener;
    new SecureRandom().nextBytes(instanceId);
    ClientResources shared = builder.clientResources;
    ClientResources resources = shared != null ? shared : LettuceSupport.newClientResources();
    this.ownedResources = shared != null ? null : resources;
    this.executor = resources.eventExecutorGroup().next();
    resources.eventExecutorGroup().forEach(deliveryExecutors::add);
    this.watcher = new ConnectionWatcher(this::connectionLost, this::connectionRestored);
    this.client =
        LettuceSupport.newClient(resources, uri, builder.commandTimeout, builder.requestQueueSize);
    client.addListener(watcher);
    RedisCodec<String, byte[]> codec = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    StatefulRedisConnection<String, byte[]> commandConnection = null;
    try {
      commandConnection = client.connect(codec);
      StatefulRedisPubSubConnection<String, byte[]> pubSubConnection = client.connectPubSub(codec);
      watcher.watch(pubSubConnection);
      pubSubConnection.addListener(new Dispatcher());
      this.commands = commandConnection;
      this.pubSub = pubSubConnection;
    } catch (RuntimeException e) {
      LettuceSupport.shutdown(client, ownedResources);
      throw LettuceSupport.unavailable("connect to " + LettuceSupport.redact(uri.toString()), e);
    }
  }

  /** Starts a builder; {@link Builder#redisUri} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Publishes a payload to {@code topic}: this node's subscribers receive it directly, other nodes'
   * through Redis. The stage completes once Redis accepted it, or fails with a retryable {@link
   * dev.chatsdk.api.StoreUnavailableException} when Redis is unreachable or slow (local subscribers
   * have the payload even then). The payload is copied; the caller may reuse it.
   */
  @Override
  public CompletionStage<Void> publish(String topic, byte[] payload) {
    checkTopic(topic);
    Objects.requireNonNull(payload, "payload");
    if (closed.get()) {
      return CompletableFuture.failedFuture(new StoreUnavailableException("redis bus: closed"));
    }
    long now = System.currentTimeMillis();
    byte[] envelope = Envelope.wrap(instanceId, now, payload);
    Topic local = topics.get(topic);
    if (local != null) {
      local.deliverLater(topic, payload.clone());
    }
    return commands
        .async()
        .publish(channelPrefix + topic, envelope)
        .handle(
            (receivers, failure) -> {
              if (failure != null) {
                notifyEvents(l -> l.publishFailed(topic, failure));
                throw LettuceSupport.unavailable("publish to " + topic, failure);
              }
              notifyEvents(l -> l.messagePublished(topic, payload.length));
              return null;
            });
  }

  /**
   * Subscribes {@code listener} to {@code topic}. The stage completes once Redis confirmed the
   * channel subscription (at once when this node already listens to the topic), or fails with a
   * retryable {@link dev.chatsdk.api.StoreUnavailableException}, in which case nothing stays
   * subscribed.
   */
  @Override
  public CompletionStage<Subscription> subscribe(String topic, Listener listener) {
    checkTopic(topic);
    Objects.requireNonNull(listener, "listener");
    if (closed.get()) {
      return CompletableFuture.failedFuture(new StoreUnavailableException("redis bus: closed"));
    }
    LocalSubscription subscription = new LocalSubscription(topic, listener);
    CompletableFuture<Void> active;
    synchronized (lock) {
      Topic state = topics.get(topic);
      if (state == null) {
        state = new Topic(pubSub.async().subscribe(channelPrefix + topic).toCompletableFuture());
        topics.put(topic, state);
      }
      state.subscribers.add(subscription);
      active = state.active;
    }
    return active.handle(
        (ignored, failure) -> {
          if (failure != null) {
            remove(subscription);
            notifyEvents(l -> l.commandFailed(COMPONENT, "subscribe " + topic, failure));
            throw LettuceSupport.unavailable("subscribe to " + topic, failure);
          }
          return subscription;
        });
  }

  /** Whether both connections to Redis are currently up. */
  public boolean isConnected() {
    return !closed.get() && commands.isOpen() && pubSub.isOpen() && !watcher.isLost();
  }

  /**
   * Closes the connections, and shuts down the client resources if the bus created them.
   * Idempotent. Blocks for at most a few seconds; do not call it from a listener.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (lock) {
      topics.values().forEach(t -> t.subscribers.forEach(s -> s.active.set(false)));
      topics.clear();
    }
    LettuceSupport.shutdown(client, ownedResources);
  }

  private void remove(LocalSubscription subscription) {
    synchronized (lock) {
      Topic state = topics.get(subscription.topic);
      if (state != null && state.subscribers.remove(subscription) && state.subscribers.isEmpty()) {
        topics.remove(subscription.topic);
        if (!closed.get()) {
          pubSub.async().unsubscribe(channelPrefix + subscription.topic);
        }
      }
    }
  }

  private void connectionLost() {
    if (closed.get()) {
      return;
    }
    log.warn("redis bus: subscription connection lost; reconnecting");
    notifyEvents(l -> l.connectionLost(COMPONENT));
  }

  private void connectionRestored(Duration downtime) {
    resubscribe(downtime, 1);
  }

  /**
   * Subscribes again to every topic with local interest (Lettuce does too; repeating it is harmless
   * and tells us when it is done), then tells every listener it may have missed messages.
   */
  private void resubscribe(Duration downtime, int attempt) {
    if (closed.get()) {
      return;
    }
    String[] channels;
    synchronized (lock) {
      channels = topics.keySet().stream().map(t -> channelPrefix + t).toArray(String[]::new);
    }
    CompletionStage<Void> done =
        channels.length == 0
            ? CompletableFuture.completedFuture(null)
            : pubSub.async().subscribe(channels);
    done.whenComplete(
        (ignored, failure) -> {
          if (failure == null) {
            log.info(
                "redis bus: reconnected after {}; {} topics active", downtime, channels.length);
            notifyEvents(l -> l.connectionRestored(COMPONENT, downtime));
            notifyReconnected();
          } else if (!closed.get() && !watcher.isLost() && attempt < RESUBSCRIBE_ATTEMPTS) {
            executor.schedule(
                () -> resubscribe(downtime, attempt + 1),
                RESUBSCRIBE_RETRY_MILLIS,
                TimeUnit.MILLISECONDS);
          } else {
            notifyEvents(l -> l.commandFailed(COMPONENT, "resubscribe", failure));
          }
        });
  }

  private void notifyReconnected() {
    Set<Listener> listeners = Collections.newSetFromMap(new IdentityHashMap<>());
    List<LocalSubscription> subscriptions = new ArrayList<>();
    topics.values().forEach(t -> subscriptions.addAll(t.subscribers));
    for (LocalSubscription s : subscriptions) {
      if (s.active.get() && listeners.add(s.listener)) {
        try {
          s.listener.onReconnected();
        } catch (RuntimeException e) {
          log.warn("bus listener failed in onReconnected", e);
          notifyEvents(l -> l.listenerFailed(s.topic, e));
        }
      }
    }
  }

  private void notifyEvents(java.util.function.Consumer<RedisBusListener> call) {
    try {
      call.accept(events);
    } catch (RuntimeException e) {
      log.debug("redis bus event listener failed", e);
    }
  }

  private static void checkTopic(String topic) {
    Objects.requireNonNull(topic, "topic");
    if (topic.isEmpty() || topic.length() > MAX_TOPIC_LENGTH) {
      throw ChatException.invalid(
          "topic: length " + topic.length() + " (expected: 1.." + MAX_TOPIC_LENGTH + ")");
    }
  }

  /** Receives Redis pub/sub messages on a Lettuce IO thread and hands them to local listeners. */
  private final class Dispatcher extends RedisPubSubAdapter<String, byte[]> {
    @Override
    public void message(String channel, byte[] envelope) {
      if (!channel.startsWith(channelPrefix) || Envelope.isFrom(envelope, instanceId)) {
        return;
      }
      String topic = channel.substring(channelPrefix.length());
      Long publishedAt = Envelope.publishedAt(envelope);
      if (publishedAt == null) {
        log.warn("redis bus: ignored a malformed message on channel {}", channel);
        return;
      }
      Topic state = topics.get(topic);
      if (state == null) {
        unsubscribeIfUnused(topic);
        return;
      }
      byte[] payload = Envelope.payload(envelope);
      Duration lag = Duration.ofMillis(Math.max(0, System.currentTimeMillis() - publishedAt));
      notifyEvents(l -> l.messageReceived(topic, payload.length, lag));
      state.deliverLater(topic, payload);
    }

    /** A message for a topic nobody here wants: an unsubscribe failed earlier, so repeat it. */
    private void unsubscribeIfUnused(String topic) {
      synchronized (lock) {
        if (!topics.containsKey(topic) && !closed.get()) {
          pubSub.async().unsubscribe(channelPrefix + topic);
        }
      }
    }
  }

  /**
   * Local interest in one topic. Deliveries for a topic, local and remote, run one at a time on one
   * event executor chosen by the topic's hash, in the order they arrived.
   */
  private final class Topic {
    final CompletableFuture<Void> active;
    final Set<LocalSubscription> subscribers = new CopyOnWriteArraySet<>();

    Topic(CompletableFuture<Void> active) {
      this.active = active;
    }

    void deliverLater(String topic, byte[] payload) {
      EventExecutor delivery =
          deliveryExecutors.get(Math.floorMod(topic.hashCode(), deliveryExecutors.size()));
      try {
        delivery.execute(() -> deliver(topic, payload));
      } catch (RejectedExecutionException e) {
        log.debug("delivery on {} rejected: executor shut down", topic);
      }
    }

    /** Gives each listener its own copy of the payload. */
    private void deliver(String topic, byte[] payload) {
      boolean first = true;
      for (LocalSubscription s : subscribers) {
        if (!s.active.get()) {
          continue;
        }
        byte[] copy = first ? payload : payload.clone();
        first = false;
        try {
          s.listener.onMessage(topic, copy);
        } catch (RuntimeException e) {
          log.warn("bus listener failed on topic {}", topic, e);
          notifyEvents(l -> l.listenerFailed(topic, e));
        }
      }
    }
  }

  private final class LocalSubscription implements Subscription {
    final String topic;
    final Listener listener;
    final AtomicBoolean active = new AtomicBoolean(true);

    LocalSubscription(String topic, Listener listener) {
      this.topic = topic;
      this.listener = listener;
    }

    @Override
    public CompletionStage<Void> unsubscribe() {
      if (active.compareAndSet(true, false)) {
        remove(this);
      }
      return CompletableFuture.completedFuture(null);
    }
  }

  /**
   * Settings of a {@link RedisClusterBus}. Not thread-safe; each setter returns this builder.
   * {@link #build()} may be called again for another bus.
   */
  public static final class Builder {
    private @Nullable String redisUri;
    private String channelPrefix = DEFAULT_CHANNEL_PREFIX;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private int requestQueueSize = DEFAULT_REQUEST_QUEUE_SIZE;
    private @Nullable ClientResources clientResources;
    private RedisBusListener eventListener = RedisBusListener.NONE;

    private Builder() {}

    /** The Redis to use, e.g. {@code redis://127.0.0.1:6379} (required). */
    public Builder redisUri(String redisUri) {
      this.redisUri = Objects.requireNonNull(redisUri, "redisUri");
      return this;
    }

    /**
     * The prefix of every channel name (default {@link #DEFAULT_CHANNEL_PREFIX}); nodes of one
     * cluster must use the same one, and separate clusters sharing a Redis different ones.
     */
    public Builder channelPrefix(String channelPrefix) {
      this.channelPrefix = Settings.prefix(channelPrefix, "channelPrefix");
      return this;
    }

    /** How long a command may take before it fails (default {@link #DEFAULT_COMMAND_TIMEOUT}). */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = Settings.timeout(commandTimeout, "commandTimeout");
      return this;
    }

    /**
     * Bound of the queue of commands awaiting an answer (default {@link
     * #DEFAULT_REQUEST_QUEUE_SIZE}); beyond it commands fail at once.
     */
    public Builder requestQueueSize(int requestQueueSize) {
      this.requestQueueSize = Settings.queueSize(requestQueueSize);
      return this;
    }

    /**
     * Lettuce client resources (threads) to share with other clients. The bus does not shut shared
     * resources down. By default the bus creates its own, with a reconnect delay capped at 2
     * seconds; shared resources should cap it at a few seconds too, or recovery after a Redis
     * outage waits for Lettuce's default backoff (up to 30 s).
     */
    public Builder clientResources(ClientResources clientResources) {
      this.clientResources = Objects.requireNonNull(clientResources, "clientResources");
      return this;
    }

    /** Receives metrics and failure events (default {@link RedisBusListener#NONE}). */
    public Builder eventListener(RedisBusListener eventListener) {
      this.eventListener = Objects.requireNonNull(eventListener, "eventListener");
      return this;
    }

    /**
     * Connects to Redis and returns the bus. Blocks up to about {@link #commandTimeout}.
     *
     * @throws ChatException {@code INVALID_ARGUMENT} when the URI is missing or malformed
     * @throws dev.chatsdk.api.StoreUnavailableException when Redis cannot be reached
     */
    public RedisClusterBus build() {
      String uri = Settings.required(redisUri);
      return new RedisClusterBus(this, LettuceSupport.parseUri(uri, commandTimeout));
    }
  }
}
