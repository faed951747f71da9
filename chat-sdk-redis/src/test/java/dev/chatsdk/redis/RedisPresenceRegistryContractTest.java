package dev.chatsdk.redis;

import dev.chatsdk.api.port.PresenceRegistry;
import dev.chatsdk.testkit.PresenceRegistryContractTest;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The testkit's presence contract against the real Redis; the peer is a second node's registry.
 * Keys live under a prefix of their own and are deleted once every registry is closed.
 */
class RedisPresenceRegistryContractTest extends PresenceRegistryContractTest {
  private final String prefix = RedisTestSupport.uniquePrefix();
  private final Set<PresenceRegistry> open = new HashSet<>();
  private int nodes;

  @Override
  protected PresenceRegistry createRegistry() {
    RedisPresenceRegistry registry =
        RedisPresenceRegistry.builder()
            .redisUri(RedisTestSupport.sharedRedisUri())
            .keyPrefix(prefix)
            .nodeId("node-" + ++nodes)
            .build();
    open.add(registry);
    return registry;
  }

  @Override
  protected Optional<PresenceRegistry> createPeer(PresenceRegistry registry) {
    return Optional.of(createRegistry());
  }

  @Override
  protected void closeRegistry(PresenceRegistry registry) {
    registry.close();
    if (open.remove(registry) && open.isEmpty()) {
      RedisTestSupport.deleteKeys(RedisTestSupport.sharedRedisUri(), prefix);
    }
  }
}
