package dev.chatsdk.redis;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Presence;
import dev.chatsdk.api.StoreUnavailableException;
import dev.chatsdk.api.port.PresenceRegistry;
import dev.chatsdk.redis.internal.ConnectionWatcher;
import dev.chatsdk.redis.internal.LettuceSupport;
import dev.chatsdk.redis.internal.PresenceScripts;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PresenceRegistry} shared by every node through Redis. Each session is a lease owned by
 * this node; the node renews one lease for all its sessions every {@link Builder#heartbeatInterval
 * heartbeat interval}, and a user is online while any of their sessions is held on any node.
 *
 * <p>When a node dies without closing its sessions (say {@code kill -9}), its lease runs out after
 * {@link Builder#leaseTtl}; the surviving nodes find it at their next heartbeat, release its
 * sessions atomically (so exactly one node reports each user who thereby went offline, with the
 * expiry time as last seen) and every node's listeners hear of it. With the defaults a dead node's
 * users are offline everywhere within {@code leaseTtl + heartbeatInterval} = 20 s.
 *
 * <p>Changes go through Lua scripts, so transitions are atomic across nodes: {@link #sessionOpened}
 * completes with true only for the call that took the user from offline to online, {@link
 * #sessionClosed} with true only for the call that closed the user's last session. Each transition
 * is also published on a presence channel, and the other nodes pass it to their {@link Listener}s;
 * this node's listeners hear only of what the registry detects by itself (expired nodes, sessions
 * restored after a Redis restart), since the caller gets its own transitions as return values.
 *
 * <p>Failures: while Redis is unreachable, calls fail at once with a retryable {@link
 * dev.chatsdk.api.StoreUnavailableException}. The registry still remembers this node's sessions,
 * and after Redis returns (even empty, having lost its data) the next heartbeat writes them back
 * and reports users who came back online.
 *
 * <p>Thread-safe; no method blocks except {@link #close()}. Listeners are called on Lettuce's
 * threads and must not block. After {@link #close()}, calls fail with {@code UNAVAILABLE}.
 * Lifecycle: {@link Builder#build()} connects and starts the heartbeat; {@link #close()} releases
 * this node's sessions, stops the heartbeat and releases the connections (and the client resources
 * if the registry created them).
 */
public final class RedisPresenceRegistry implements PresenceRegistry {
  /** Default prefix of every key and channel name: {@value}. */
  public static final String DEFAULT_KEY_PREFIX = "chat:presence:";

  /** Default lifetime of a node's lease without renewal: 15 seconds. */
  public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(15);

  /** Default interval of lease renewal and of the search for expired nodes: 5 seconds. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);

  /** Default time after which a Redis command fails: 2 seconds. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

  /** Default bound of the queue of commands awaiting Redis's answer: {@value}. */
  public static final int DEFAULT_REQUEST_QUEUE_SIZE = 10_000;

  /** Longest node id, user id or session id accepted, in characters: {@value}. */
  public static final int MAX_ID_LENGTH = 128;

  private static final Logger log = LoggerFactory.getLogger(RedisPresenceRegistry.class);
  private static final String COMPONENT = "presence";
  private static final int EXPIRE_BATCH = 500;
  private static final int MAX_EXPIRED_NODES_PER_SWEEP = 16;

  private final String nodeId;
  private final String instanceId = UUID.randomUUID().toString();
  private final String nodesKey;
  private final String nodeKeyPrefix;
  private final String nodeKey;
  private final String userKeyPrefix;
  private final String seenKey;
  private final String eventsChannel;
  private final long leaseTtlMillis;
  private final Duration commandTimeout;
  private final RedisBusListener events;
  private final RedisClient client;
  private final @Nullable ClientResources ownedResources;
  private final StatefulRedisConnection<String, String> commands;
  private final StatefulRedisPubSubConnection<String, String> pubSub;
  private final ConnectionWatcher watcher;
  private final EventExecutor executor;
  private final ScheduledFuture<?> heartbeatTask;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean tickRunning = new AtomicBoolean();

  /**
   * This node's sessions: lease field ({@link PresenceScripts#leaseField}) to user id. Changed, and
   * the matching command sent, only under {@link #lock}, so Redis sees changes in the order of this
   * map.
   */
  private final Map<String, String> localSessions = new LinkedHashMap<>();

  private final Object lock = new Object();

  private RedisPresenceRegistry(Builder builder, RedisURI uri) {
    this.nodeId = builder.nodeId;
    String prefix = builder.keyPrefix;
    this.nodesKey = prefix + "nodes";
    this.nodeKeyPrefix = prefix + "node:";
    this.nodeKey = nodeKeyPrefix + nodeId;
    this.userKeyPrefix = prefix + "user:";
    this.seenKey = prefix + "seen";
    this.eventsChannel = prefix + "events";
    this.leaseTtlMillis = builder.leaseTtl.toMillis();
    this.commandTimeout = builder.commandTimeout;
    this.events = builder.eventListener;
    ClientResources shared = builder.clientResources;
    ClientResources resources = shared != null ? shared : LettuceSupport.newClientResources();
    this.ownedResources = shared != null ? null : resources;
    this.executor = resources.eventExecutorGroup().next();
    this.watcher = new ConnectionWatcher(this::connectionLost, this::connectionRestored);
    this.client =
        LettuceSupport.newClient(resources, uri, builder.commandTimeout, builder.requestQueueSize);
    client.addListener(watcher);
    try {
      this.commands = client.connect();
      watcher.watch(commands);
      this.pubSub = client.connectPubSub();
      pubSub.addListener(new EventReceiver());
      pubSub.sync().subscribe(eventsChannel);
    } catch (RuntimeException e) {
      LettuceSupport.shutdown(client, ownedResources);
      throw LettuceSupport.unavailable("connect to " + LettuceSupport.redact(uri.toString()), e);
    }
    long interval = builder.heartbeatInterval.toMillis();
    this.heartbeatTask =
        executor.scheduleWithFixedDelay(this::tick, 0, interval, TimeUnit.MILLISECONDS);
  }

  /** Starts a builder; {@link Builder#redisUri} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** This node's id, which owns the leases of the sessions opened here. */
  public String nodeId() {
    return nodeId;
  }

  /**
   * Records a session of {@code userId} on this node. Completes with true when the user thereby
   * went from offline to online across the cluster; opening the same session again completes with
   * false. Fails with a retryable {@link dev.chatsdk.api.StoreUnavailableException} when Redis is
   * unreachable; the session is then still remembered and written to Redis once it returns.
   */
  @Override
  public CompletionStage<Boolean> sessionOpened(String userId, String sessionId) {
    checkId(userId, "userId");
    checkId(sessionId, "sessionId");
    CompletionStage<Boolean> refused = closedStage();
    if (refused != null) {
      return refused;
    }
    RedisFuture<Long> result;
    synchronized (lock) {
      localSessions.put(PresenceScripts.leaseField(sessionId, userId), userId);
      result =
          commands
              .async()
              .eval(
                  PresenceScripts.OPEN,
                  ScriptOutputType.INTEGER,
                  new String[] {nodesKey, nodeKey, userKeyPrefix + userId},
                  nodeId,
                  sessionId,
                  userId,
                  Long.toString(leaseTtlMillis));
    }
    return result.handle(
        (value, failure) -> {
          if (failure != null) {
            notifyEvents(l -> l.commandFailed(COMPONENT, "sessionOpened", failure));
            throw LettuceSupport.unavailable("sessionOpened for user " + userId, failure);
          }
          boolean wentOnline = value != null && value == 1L;
          if (wentOnline) {
            announce(new Presence(userId, true, null));
          }
          return wentOnline;
        });
  }

  /**
   * Releases a session of {@code userId} on this node. Completes with true when it was the user's
   * last session across the cluster (the user is now offline, last seen {@code at}); closing an
   * unknown session completes with false. Fails with a retryable {@link
   * dev.chatsdk.api.StoreUnavailableException} when Redis is unreachable; the session is then
   * forgotten here and removed from Redis once it returns.
   */
  @Override
  public CompletionStage<Boolean> sessionClosed(String userId, String sessionId, Instant at) {
    checkId(userId, "userId");
    checkId(sessionId, "sessionId");
    Objects.requireNonNull(at, "at");
    CompletionStage<Boolean> refused = closedStage();
    if (refused != null) {
      return refused;
    }
    RedisFuture<Long> result;
    synchronized (lock) {
      localSessions.remove(PresenceScripts.leaseField(sessionId, userId));
      result =
          commands
              .async()
              .eval(
                  PresenceScripts.CLOSE,
                  ScriptOutputType.INTEGER,
                  new String[] {nodeKey, userKeyPrefix + userId, seenKey},
                  sessionId,
                  userId,
                  Long.toString(at.toEpochMilli()));
    }
    return result.handle(
        (value, failure) -> {
          if (failure != null) {
            notifyEvents(l -> l.commandFailed(COMPONENT, "sessionClosed", failure));
            throw LettuceSupport.unavailable("sessionClosed for user " + userId, failure);
          }
          boolean wentOffline = value != null && value == 1L;
          if (wentOffline) {
            announce(new Presence(userId, false, at));
          }
          return wentOffline;
        });
  }

  /**
   * Reads the presence of each given user, in the order given, without duplicates. Unknown users
   * are offline with no last-seen time. Fails with a retryable {@link
   * dev.chatsdk.api.StoreUnavailableException} when Redis is unreachable.
   */
  @Override
  public CompletionStage<Map<String, Presence>> presence(Collection<String> userIds) {
    Objects.requireNonNull(userIds, "userIds");
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    for (String id : userIds) {
      ids.add(checkId(id, "userId"));
    }
    CompletionStage<Map<String, Presence>> refused = closedStage();
    if (refused != null) {
      return refused;
    }
    if (ids.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    List<String> args = new ArrayList<>(ids.size() + 1);
    args.add(userKeyPrefix);
    args.addAll(ids);
    RedisFuture<List<Object>> result =
        commands
            .async()
            .eval(
                PresenceScripts.PRESENCE,
                ScriptOutputType.MULTI,
                new String[] {seenKey},
                args.toArray(String[]::new));
    return LettuceSupport.translate(result, "presence")
        .thenApply(
            values -> {
              Map<String, Presence> presence = new LinkedHashMap<>();
              int i = 0;
              for (String id : ids) {
                long sessions = ((Number) values.get(i++)).longValue();
                String seen = String.valueOf(values.get(i++));
                Instant lastSeen =
                    sessions > 0 || seen.isEmpty()
                        ? null
                        : Instant.ofEpochMilli(Long.parseLong(seen));
                presence.put(id, new Presence(id, sessions > 0, lastSeen));
              }
              return Collections.unmodifiableMap(presence);
            });
  }

  /**
   * Registers a listener for every presence transition in the cluster: made through this registry
   * or another node's, expired nodes, sessions restored after Redis lost its data.
   */
  @Override
  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Whether the command connection to Redis is currently up. */
  public boolean isConnected() {
    return !closed.get() && commands.isOpen() && !watcher.isLost();
  }

  /**
   * Releases this node's remaining sessions in Redis (their users go offline unless they have
   * sessions elsewhere), stops the heartbeat and closes the connections; shuts down the client
   * resources if the registry created them. Idempotent. Blocks for at most a few seconds; do not
   * call it from a listener.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    heartbeatTask.cancel(false);
    try {
      expireNode(nodeId, true, new int[2])
          .toCompletableFuture()
          .get(commandTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("presence: could not release this node's sessions on close: {}", e.toString());
    }
    synchronized (lock) {
      localSessions.clear();
    }
    LettuceSupport.shutdown(client, ownedResources);
  }

  /** One heartbeat: renew the lease, re-sync if Redis disagrees, then look for expired nodes. */
  private void tick() {
    if (closed.get() || !tickRunning.compareAndSet(false, true)) {
      return;
    }
    CompletionStage<?> done;
    try {
      done =
          heartbeat()
              .thenCompose(inSync -> inSync ? CompletableFuture.completedFuture(null) : sync())
              .thenCompose(ignored -> sweep());
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    done.whenComplete(
        (ignored, failure) -> {
          tickRunning.set(false);
          if (failure != null && !closed.get()) {
            log.debug("presence heartbeat failed: {}", failure.toString());
            notifyEvents(l -> l.commandFailed(COMPONENT, "heartbeat", failure));
          }
        });
  }

  private CompletionStage<Boolean> heartbeat() {
    RedisFuture<Long> result;
    synchronized (lock) {
      result =
          commands
              .async()
              .eval(
                  PresenceScripts.HEARTBEAT,
                  ScriptOutputType.INTEGER,
                  new String[] {nodesKey, nodeKey},
                  nodeId,
                  Long.toString(leaseTtlMillis),
                  Integer.toString(localSessions.size()));
    }
    return result.thenApply(value -> value != null && value == 1L);
  }

  /** Makes Redis hold exactly this node's sessions, and reports the transitions that caused. */
  private CompletionStage<Void> sync() {
    RedisFuture<List<Object>> result;
    synchronized (lock) {
      List<String> args = new ArrayList<>(3 + localSessions.size() * 2);
      args.add(nodeId);
      args.add(Long.toString(leaseTtlMillis));
      args.add(userKeyPrefix);
      localSessions.forEach(
          (field, user) -> {
            args.add(field);
            args.add(user);
          });
      result =
          commands
              .async()
              .eval(
                  PresenceScripts.SYNC,
                  ScriptOutputType.MULTI,
                  new String[] {nodesKey, nodeKey, seenKey},
                  args.toArray(String[]::new));
    }
    return result.thenAccept(
        values -> {
          Instant now =
              Instant.ofEpochMilli(Long.parseLong((String) values.get(values.size() - 1)));
          int changes = values.size() - 1;
          if (changes > 0) {
            log.info("presence: re-synced this node's sessions with Redis ({} changes)", changes);
          }
          for (int i = 0; i < changes; i++) {
            String change = (String) values.get(i);
            String user = change.substring(1);
            boolean online = change.charAt(0) == '+';
            announce(new Presence(user, online, online ? null : now));
          }
        });
  }

  /** Finds nodes whose lease expired and releases their sessions. */
  private CompletionStage<Void> sweep() {
    RedisFuture<List<Object>> expired =
        commands
            .async()
            .eval(
                PresenceScripts.EXPIRED_NODES,
                ScriptOutputType.MULTI,
                new String[] {nodesKey},
                Integer.toString(MAX_EXPIRED_NODES_PER_SWEEP));
    return expired.thenCompose(
        nodes -> {
          CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
          for (Object node : nodes) {
            String dead = (String) node;
            if (dead.equals(nodeId)) {
              continue;
            }
            int[] counts = new int[2];
            chain =
                chain
                    .thenCompose(ignored -> expireNode(dead, false, counts))
                    .thenRun(
                        () -> {
                          if (counts[0] > 0) {
                            log.info(
                                "presence: node {} expired; released {} sessions, {} users offline",
                                dead,
                                counts[0],
                                counts[1]);
                            notifyEvents(l -> l.leasesExpired(dead, counts[0], counts[1]));
                          }
                        });
          }
          return chain;
        });
  }

  /**
   * Releases a node's sessions batch by batch (only if its lease expired, unless {@code force}).
   * Adds to {@code counts} the sessions released and the users who went offline.
   */
  private CompletionStage<Void> expireNode(String node, boolean force, int[] counts) {
    RedisFuture<List<Object>> result =
        commands
            .async()
            .eval(
                PresenceScripts.EXPIRE_NODE,
                ScriptOutputType.MULTI,
                new String[] {nodesKey, nodeKeyPrefix + node, seenKey},
                node,
                Integer.toString(EXPIRE_BATCH),
                userKeyPrefix,
                force ? "1" : "0");
    return result.thenCompose(
        values -> {
          boolean more = ((Number) values.get(0)).longValue() == 1L;
          counts[0] += ((Number) values.get(1)).intValue();
          Instant now = Instant.ofEpochMilli(Long.parseLong((String) values.get(2)));
          List<CompletableFuture<?>> published = new ArrayList<>();
          for (int i = 3; i < values.size(); i++) {
            Presence presence = new Presence((String) values.get(i), false, now);
            counts[1]++;
            if (!force) {
              notifyListeners(presence);
            }
            published.add(publish(presence));
          }
          CompletableFuture<Void> all =
              CompletableFuture.allOf(published.toArray(CompletableFuture[]::new));
          return more ? all.thenCompose(ignored -> expireNode(node, force, counts)) : all;
        });
  }

  /** Tells this node's listeners of a transition, and the other nodes; best effort. */
  private CompletableFuture<?> announce(Presence presence) {
    notifyListeners(presence);
    return publish(presence);
  }

  /** Tells the other nodes of a transition; best effort. */
  private CompletableFuture<?> publish(Presence presence) {
    Instant lastSeen = presence.lastSeen();
    String message =
        instanceId
            + '\n'
            + (presence.online() ? '1' : '0')
            + '\n'
            + (lastSeen == null ? "" : Long.toString(lastSeen.toEpochMilli()))
            + '\n'
            + presence.userId();
    return commands
        .async()
        .publish(eventsChannel, message)
        .handle(
            (receivers, failure) -> {
              if (failure != null) {
                notifyEvents(l -> l.commandFailed(COMPONENT, "publish presence", failure));
              }
              return null;
            })
        .toCompletableFuture();
  }

  private void notifyListeners(Presence presence) {
    for (Listener listener : listeners) {
      try {
        listener.onPresenceChanged(presence);
      } catch (RuntimeException e) {
        log.warn("presence listener failed", e);
      }
    }
  }

  private void notifyEvents(Consumer<RedisBusListener> call) {
    try {
      call.accept(events);
    } catch (RuntimeException e) {
      log.debug("redis presence event listener failed", e);
    }
  }

  private void connectionLost() {
    if (closed.get()) {
      return;
    }
    log.warn("redis presence: connection lost; reconnecting");
    notifyEvents(l -> l.connectionLost(COMPONENT));
  }

  private void connectionRestored(Duration downtime) {
    log.info("redis presence: reconnected after {}", downtime);
    notifyEvents(l -> l.connectionRestored(COMPONENT, downtime));
    executor.execute(this::tick);
  }

  private <T> @Nullable CompletionStage<T> closedStage() {
    return closed.get()
        ? CompletableFuture.failedFuture(
            new StoreUnavailableException("redis presence registry: closed"))
        : null;
  }

  private static String checkId(@Nullable String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty() || value.length() > MAX_ID_LENGTH) {
      throw ChatException.invalid(
          name + ": length " + value.length() + " (expected: 1.." + MAX_ID_LENGTH + ")");
    }
    return value;
  }

  /** Receives other nodes' transitions from the presence channel. */
  private final class EventReceiver extends RedisPubSubAdapter<String, String> {
    @Override
    public void message(String channel, String message) {
      if (!channel.equals(eventsChannel) || message.startsWith(instanceId + '\n')) {
        return;
      }
      int first = message.indexOf('\n');
      int second = message.indexOf('\n', first + 1);
      int third = message.indexOf('\n', second + 1);
      if (first < 0 || second != first + 2 || third < 0 || third == message.length() - 1) {
        log.warn("presence: ignored a malformed event on {}", channel);
        return;
      }
      try {
        boolean online = message.charAt(first + 1) == '1';
        String seen = message.substring(second + 1, third);
        Instant lastSeen = seen.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(seen));
        notifyListeners(new Presence(message.substring(third + 1), online, lastSeen));
      } catch (RuntimeException e) {
        log.warn("presence: ignored a malformed event on {}: {}", channel, e.toString());
      }
    }
  }

  /**
   * Settings of a {@link RedisPresenceRegistry}. Not thread-safe; each setter returns this builder.
   */
  public static final class Builder {
    private @Nullable String redisUri;
    private String nodeId = "node-" + UUID.randomUUID().toString().substring(0, 8);
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private Duration leaseTtl = DEFAULT_LEASE_TTL;
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
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
     * This node's id (default: {@code node-} and 8 random hex digits). It must be unique among the
     * live nodes of a cluster; a restarted node may reuse its id, and then releases at once the
     * sessions its previous incarnation left.
     */
    public Builder nodeId(String nodeId) {
      this.nodeId = checkId(nodeId, "nodeId");
      return this;
    }

    /**
     * The prefix of every key and channel (default {@link #DEFAULT_KEY_PREFIX}); nodes of one
     * cluster must use the same one, and separate clusters sharing a Redis different ones.
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = Settings.prefix(keyPrefix, "keyPrefix");
      return this;
    }

    /**
     * How long a node's sessions survive without a heartbeat (default {@link #DEFAULT_LEASE_TTL});
     * at least twice the heartbeat interval.
     */
    public Builder leaseTtl(Duration leaseTtl) {
      this.leaseTtl = Settings.timeout(leaseTtl, "leaseTtl");
      return this;
    }

    /**
     * How often the lease is renewed and expired nodes are looked for (default {@link
     * #DEFAULT_HEARTBEAT_INTERVAL}); at most half the lease TTL.
     */
    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = Settings.timeout(heartbeatInterval, "heartbeatInterval");
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
     * Lettuce client resources (threads) to share with other clients; the registry does not shut
     * shared resources down. By default it creates its own, with a reconnect delay capped at 2
     * seconds.
     */
    public Builder clientResources(ClientResources clientResources) {
      this.clientResources = Objects.requireNonNull(clientResources, "clientResources");
      return this;
    }

    /** Receives failure and lease-expiry events (default {@link RedisBusListener#NONE}). */
    public Builder eventListener(RedisBusListener eventListener) {
      this.eventListener = Objects.requireNonNull(eventListener, "eventListener");
      return this;
    }

    /**
     * Connects to Redis, starts the heartbeat and returns the registry. Blocks up to about {@link
     * #commandTimeout}.
     *
     * @throws ChatException {@code INVALID_ARGUMENT} when the URI is missing or malformed, or the
     *     heartbeat interval exceeds half the lease TTL
     * @throws dev.chatsdk.api.StoreUnavailableException when Redis cannot be reached
     */
    public RedisPresenceRegistry build() {
      String uri = Settings.required(redisUri);
      if (heartbeatInterval.multipliedBy(2).compareTo(leaseTtl) > 0) {
        throw ChatException.invalid(
            "heartbeatInterval: "
                + heartbeatInterval
                + " (expected: at most half of leaseTtl "
                + leaseTtl
                + ")");
      }
      return new RedisPresenceRegistry(this, LettuceSupport.parseUri(uri, commandTimeout));
    }
  }
}
