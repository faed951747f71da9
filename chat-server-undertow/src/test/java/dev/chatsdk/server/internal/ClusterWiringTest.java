package dev.chatsdk.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.core.memory.InMemoryPresenceRegistry;
import dev.chatsdk.core.memory.InProcessClusterBus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class ClusterWiringTest {

  @Test
  void withoutRedisTheNodeUsesTheInProcessBusAndPresence() {
    try (ClusterWiring c = ClusterWiring.open(null, "node-a", new SimpleMeterRegistry())) {
      assertThat(c.bus()).isInstanceOf(InProcessClusterBus.class);
      assertThat(c.presence()).isInstanceOf(InMemoryPresenceRegistry.class);
      assertThat(c.nodeId()).isEqualTo("node-a");
    }
  }

  @Test
  void defaultNodeIdsDifferPerCallAndAreValidIds() {
    String a = ClusterWiring.defaultNodeId();
    String b = ClusterWiring.defaultNodeId();
    assertThat(a).isNotEqualTo(b).matches("[a-z0-9.-]+-\\d+-[0-9a-f]{6}");
  }

  @Test
  void passwordsAreRedactedFromLoggedUris() {
    assertThat(ClusterWiring.redactedUri("redis://:s3cret@redis:6379/0"))
        .isEqualTo("redis://***@redis:6379/0")
        .doesNotContain("s3cret");
    assertThat(ClusterWiring.redactedUri("redis://redis:6379")).isEqualTo("redis://redis:6379");
  }
}
