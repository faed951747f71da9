package dev.chatsdk.server.internal;

import dev.chatsdk.api.port.ClusterBus;
import dev.chatsdk.api.port.PresenceRegistry;
import dev.chatsdk.core.memory.InMemoryPresenceRegistry;
import dev.chatsdk.core.memory.InProcessClusterBus;
import dev.chatsdk.redis.RedisBusListener;
import dev.chatsdk.redis.RedisCluster;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's cluster bus and presence registry: in-process for a single node, on Redis ({@link
 * RedisCluster}) when a Redis URI is configured. Redis events are counted on the meter registry
 * ({@code chat.redis.*}). Create it before the engine and close it after the engine. Thread-safe.
 */
final class ClusterWiring implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterWiring.class);

  private final ClusterBus bus;
  private final PresenceRegistry presence;
  private final String nodeId;
  private final @Nullable RedisCluster redis;

  private ClusterWiring(
      ClusterBus bus, PresenceRegistry presence, String nodeId, @Nullable RedisCluster redis) {
    this.bus = bus;
    this.presence = presence;
    this.nodeId = nodeId;
    this.redis = redis;
  }

  /**
   * Opens the cluster membership of this node.
   *
   * @param redisUri the Redis to use, or null for a single node (in-process bus and presence)
   * @param nodeId this node's id, unique among live nodes, or null for one derived from the host
   *     name, the process id and a random suffix
   * @throws dev.chatsdk.api.StoreUnavailableException when Redis cannot be reached
   */
  static ClusterWiring open(
      @Nullable String redisUri, @Nullable String nodeId, MeterRegistry registry) {
    String id = nodeId != null ? nodeId : defaultNodeId();
    if (redisUri == null) {
      return new ClusterWiring(new InProcessClusterBus(), new InMemoryPresenceRegistry(), id, null);
    }
    RedisCluster cluster =
        RedisCluster.builder()
            .redisUri(redisUri)
            .nodeId(id)
            .eventListener(new Meters(registry))
            .build();
    registry.gauge("chat.redis.connected", cluster, c -> c.isConnected() ? 1 : 0);
    log.info("cluster: node {} on Redis {}", id, redactedUri(redisUri));
    return new ClusterWiring(cluster.bus(), cluster.presence(), id, cluster);
  }

  ClusterBus bus() {
    return bus;
  }

  PresenceRegistry presence() {
    return presence;
  }

  String nodeId() {
    return nodeId;
  }

  /** Closes the Redis connections (the registry first, releasing this node's sessions). */
  @Override
  public void close() {
    if (redis != null) {
      redis.close();
    } else {
      presence.close();
      bus.close();
    }
  }

  /** {@code <host>-<pid>-<random>}: unique per process even when host names repeat. */
  static String defaultNodeId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException | RuntimeException e) {
      host = "node";
    }
    host = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
    if (host.length() > 40) {
      host = host.substring(0, 40);
    }
    return host
        + "-"
        + ProcessHandle.current().pid()
        + "-"
        + UUID.randomUUID().toString().substring(0, 6);
  }

  /** The URI without a password, for logs. */
  static String redactedUri(String uri) {
    int at = uri.lastIndexOf('@');
    int scheme = uri.indexOf("://");
    if (at < 0 || scheme < 0 || at < scheme) {
      return uri;
    }
    return uri.substring(0, scheme + 3) + "***" + uri.substring(at);
  }

  /** Redis adapter events as Micrometer meters. */
  private static final class Meters implements RedisBusListener {
    private final MeterRegistry registry;
    private final Counter published;
    private final Counter publishFailures;
    private final Counter received;
    private final Counter listenerFailures;
    private final Timer lag;

    Meters(MeterRegistry registry) {
      this.registry = registry;
      this.published = registry.counter("chat.redis.bus.published");
      this.publishFailures = registry.counter("chat.redis.bus.publish.failures");
      this.received = registry.counter("chat.redis.bus.received");
      this.listenerFailures = registry.counter("chat.redis.bus.listener.failures");
      this.lag =
          Timer.builder("chat.redis.bus.lag")
              .description("time from publish on one node to receipt on another")
              .publishPercentiles(0.5, 0.99)
              .register(registry);
    }

    @Override
    public void messagePublished(String topic, int bytes) {
      published.increment();
    }

    @Override
    public void publishFailed(String topic, Throwable cause) {
      publishFailures.increment();
    }

    @Override
    public void messageReceived(String topic, int bytes, Duration lag) {
      received.increment();
      this.lag.record(lag);
    }

    @Override
    public void listenerFailed(String topic, Throwable cause) {
      listenerFailures.increment();
    }

    @Override
    public void commandFailed(String component, String operation, Throwable cause) {
      registry.counter("chat.redis.command.failures", "component", component).increment();
    }

    @Override
    public void connectionLost(String component) {
      registry.counter("chat.redis.connection.lost", "component", component).increment();
      log.warn("cluster: {} lost its Redis connection; reconnecting", component);
    }

    @Override
    public void connectionRestored(String component, Duration downtime) {
      registry.counter("chat.redis.connection.restored", "component", component).increment();
      log.info("cluster: {} reconnected to Redis after {} ms", component, downtime.toMillis());
    }

    @Override
    public void leasesExpired(String deadNodeId, int sessions, int usersOffline) {
      registry.counter("chat.redis.presence.leases.expired").increment(sessions);
      log.info(
          "cluster: node {} expired: released {} sessions, {} users offline",
          deadNodeId,
          sessions,
          usersOffline);
    }
  }
}
