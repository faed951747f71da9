package dev.chatsdk.redis;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.redis.internal.LettuceSupport;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One node's membership in a Redis-backed cluster: a {@link RedisClusterBus} and a {@link
 * RedisPresenceRegistry} that share one set of Lettuce client resources (threads). The usual way
 * for a server to turn on clustering:
 *
 * <pre>{@code
 * RedisCluster cluster = RedisCluster.builder()
 *     .redisUri(System.getenv("CHAT_REDIS_URI"))
 *     .nodeId(hostname)
 *     .build();
 * ClusterBus bus = cluster.bus();                 // hand both to the engine's builder
 * PresenceRegistry presence = cluster.presence();
 * }</pre>
 *
 * <p>Thread-safe. Lifecycle: {@link Builder#build()} connects both; {@link #close()} closes both
 * and the client resources it created.
 */
public final class RedisCluster implements AutoCloseable {
  /**
   * Default prefix of every key and channel: {@value}; the bus adds {@code bus:}, presence {@code
   * presence:}.
   */
  public static final String DEFAULT_PREFIX = "chat:";

  private final @Nullable ClientResources ownedResources;
  private final RedisClusterBus bus;
  private final RedisPresenceRegistry presence;

  private RedisCluster(Builder builder, String redisUri) {
    ClientResources shared = builder.clientResources;
    ClientResources resources = shared != null ? shared : LettuceSupport.newClientResources();
    this.ownedResources = shared != null ? null : resources;
    RedisClusterBus createdBus = null;
    try {
      createdBus =
          RedisClusterBus.builder()
              .redisUri(redisUri)
              .channelPrefix(builder.prefix + "bus:")
              .commandTimeout(builder.commandTimeout)
              .requestQueueSize(builder.requestQueueSize)
              .clientResources(resources)
              .eventListener(builder.eventListener)
              .build();
      this.presence =
          RedisPresenceRegistry.builder()
              .redisUri(redisUri)
              .nodeId(builder.nodeId)
              .keyPrefix(builder.prefix + "presence:")
              .leaseTtl(builder.leaseTtl)
              .heartbeatInterval(builder.heartbeatInterval)
              .commandTimeout(builder.commandTimeout)
              .requestQueueSize(builder.requestQueueSize)
              .clientResources(resources)
              .eventListener(builder.eventListener)
              .build();
      this.bus = createdBus;
    } catch (RuntimeException e) {
      if (createdBus != null) {
        createdBus.close();
      }
      if (ownedResources != null) {
        ownedResources.shutdown();
      }
      throw e;
    }
  }

  /** Starts a builder; {@link Builder#redisUri} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The cluster bus. Closed by {@link #close()}. */
  public RedisClusterBus bus() {
    return bus;
  }

  /** The presence registry. Closed by {@link #close()}. */
  public RedisPresenceRegistry presence() {
    return presence;
  }

  /** Whether the bus's and the registry's connections to Redis are up (for a readiness check). */
  public boolean isConnected() {
    return bus.isConnected() && presence.isConnected();
  }

  /**
   * Closes the registry (releasing this node's sessions), the bus, then the client resources if
   * this object created them. Idempotent. Blocks for at most a few seconds.
   */
  @Override
  public void close() {
    try {
      presence.close();
    } finally {
      try {
        bus.close();
      } finally {
        if (ownedResources != null) {
          LettuceSupport.shutdownResources(ownedResources);
        }
      }
    }
  }

  /** Settings of a {@link RedisCluster}. Not thread-safe; each setter returns this builder. */
  public static final class Builder {
    private @Nullable String redisUri;
    private String nodeId = "node-" + UUID.randomUUID().toString().substring(0, 8);
    private String prefix = DEFAULT_PREFIX;
    private Duration leaseTtl = RedisPresenceRegistry.DEFAULT_LEASE_TTL;
    private Duration heartbeatInterval = RedisPresenceRegistry.DEFAULT_HEARTBEAT_INTERVAL;
    private Duration commandTimeout = RedisClusterBus.DEFAULT_COMMAND_TIMEOUT;
    private int requestQueueSize = RedisClusterBus.DEFAULT_REQUEST_QUEUE_SIZE;
    private @Nullable ClientResources clientResources;
    private RedisBusListener eventListener = RedisBusListener.NONE;

    private Builder() {}

    /** The Redis to use, e.g. {@code redis://127.0.0.1:6379} (required). */
    public Builder redisUri(String redisUri) {
      this.redisUri = Objects.requireNonNull(redisUri, "redisUri");
      return this;
    }

    /** This node's id; see {@link RedisPresenceRegistry.Builder#nodeId}. */
    public Builder nodeId(String nodeId) {
      this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
      return this;
    }

    /**
     * The prefix of every key and channel (default {@link #DEFAULT_PREFIX}); separate clusters
     * sharing one Redis need different ones.
     */
    public Builder prefix(String prefix) {
      this.prefix = Settings.prefix(prefix, "prefix");
      return this;
    }

    /** See {@link RedisPresenceRegistry.Builder#leaseTtl}. */
    public Builder leaseTtl(Duration leaseTtl) {
      this.leaseTtl = Settings.timeout(leaseTtl, "leaseTtl");
      return this;
    }

    /** See {@link RedisPresenceRegistry.Builder#heartbeatInterval}. */
    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = Settings.timeout(heartbeatInterval, "heartbeatInterval");
      return this;
    }

    /** See {@link RedisClusterBus.Builder#commandTimeout}. */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = Settings.timeout(commandTimeout, "commandTimeout");
      return this;
    }

    /** See {@link RedisClusterBus.Builder#requestQueueSize}. */
    public Builder requestQueueSize(int requestQueueSize) {
      this.requestQueueSize = Settings.queueSize(requestQueueSize);
      return this;
    }

    /**
     * Client resources to share with other Lettuce clients (not shut down by {@link #close()}); see
     * {@link RedisClusterBus.Builder#clientResources}.
     */
    public Builder clientResources(ClientResources clientResources) {
      this.clientResources = Objects.requireNonNull(clientResources, "clientResources");
      return this;
    }

    /** Receives metrics and failure events of both (default {@link RedisBusListener#NONE}). */
    public Builder eventListener(RedisBusListener eventListener) {
      this.eventListener = Objects.requireNonNull(eventListener, "eventListener");
      return this;
    }

    /**
     * Connects the bus and the registry. Blocks up to a few seconds.
     *
     * @throws ChatException {@code INVALID_ARGUMENT} for invalid settings
     * @throws dev.chatsdk.api.StoreUnavailableException when Redis cannot be reached
     */
    public RedisCluster build() {
      return new RedisCluster(this, Settings.required(redisUri));
    }
  }
}
