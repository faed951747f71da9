package dev.chatsdk.redis;

import dev.chatsdk.api.port.ClusterBus;
import dev.chatsdk.testkit.ClusterBusContractTest;
import java.util.Optional;

/** The testkit's bus contract against the real Redis; the peer is a second node's bus. */
class RedisClusterBusContractTest extends ClusterBusContractTest {
  private final String prefix = RedisTestSupport.uniquePrefix();

  @Override
  protected ClusterBus createBus() {
    return RedisClusterBus.builder()
        .redisUri(RedisTestSupport.sharedRedisUri())
        .channelPrefix(prefix)
        .build();
  }

  @Override
  protected Optional<ClusterBus> createPeer(ClusterBus bus) {
    return Optional.of(createBus());
  }
}
