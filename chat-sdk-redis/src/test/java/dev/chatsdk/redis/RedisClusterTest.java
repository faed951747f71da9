package dev.chatsdk.redis;

import static dev.chatsdk.redis.RecordingBusListener.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.redis.internal.LettuceSupport;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedisClusterTest {
  private String uri;
  private String prefix;

  @BeforeEach
  void setUp() {
    uri = RedisTestSupport.sharedRedisUri();
    prefix = RedisTestSupport.uniquePrefix();
  }

  @AfterEach
  void tearDown() {
    RedisTestSupport.deleteKeys(uri, prefix);
  }

  private static Set<Thread> lettuceThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("lettuce-"))
        .collect(Collectors.toSet());
  }

  @Test
  void oneClusterGivesABusAndARegistryAndCloseStopsEveryThreadItStarted() throws Exception {
    Set<Thread> before = lettuceThreads();
    RedisCluster cluster = RedisCluster.builder().redisUri(uri).prefix(prefix).nodeId("n1").build();
    try {
      assertThat(cluster.isConnected()).isTrue();
      assertThat(cluster.presence().nodeId()).isEqualTo("n1");
      RecordingBusListener listener = new RecordingBusListener();
      cluster.bus().subscribe("c:1", listener).toCompletableFuture().get(5, TimeUnit.SECONDS);
      cluster.bus().publish("c:1", utf8("hi")).toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertThat(listener.next(Duration.ofSeconds(5))).isEqualTo("c:1=hi");
      assertThat(
              cluster
                  .presence()
                  .sessionOpened("u1", "s1")
                  .toCompletableFuture()
                  .get(5, TimeUnit.SECONDS))
          .isTrue();
      assertThat(lettuceThreads())
          .as("the cluster's own threads")
          .hasSizeGreaterThan(before.size());
    } finally {
      cluster.close();
      cluster.close();
    }
    assertThat(cluster.isConnected()).isFalse();
    assertThat(
            RedisTestSupport.await(
                Duration.ofSeconds(5), () -> before.containsAll(lettuceThreads())))
        .as("threads left: %s", lettuceThreads())
        .isTrue();

    try (RedisCluster other = RedisCluster.builder().redisUri(uri).prefix(prefix).build()) {
      assertThat(
              other
                  .presence()
                  .presence(List.of("u1"))
                  .toCompletableFuture()
                  .get(5, TimeUnit.SECONDS)
                  .get("u1")
                  .online())
          .as("closing the node released its session")
          .isFalse();
    }
  }

  @Test
  void sharedClientResourcesOutliveTheCluster() throws Exception {
    ClientResources shared = LettuceSupport.newClientResources();
    try {
      try (RedisCluster first =
          RedisCluster.builder().redisUri(uri).prefix(prefix).clientResources(shared).build()) {
        assertThat(first.isConnected()).isTrue();
      }
      assertThat(shared.eventExecutorGroup().isShuttingDown()).isFalse();
      try (RedisCluster second =
          RedisCluster.builder().redisUri(uri).prefix(prefix).clientResources(shared).build()) {
        assertThat(second.isConnected()).isTrue();
      }
    } finally {
      LettuceSupport.shutdownResources(shared);
    }
  }
}
