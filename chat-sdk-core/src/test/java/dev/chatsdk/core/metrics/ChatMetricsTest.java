package dev.chatsdk.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Principal;
import dev.chatsdk.api.User;
import dev.chatsdk.core.ChatEngine;
import dev.chatsdk.core.memory.InMemoryConversationStore;
import dev.chatsdk.core.memory.InMemoryMessageStore;
import dev.chatsdk.core.memory.InMemoryUserStore;
import dev.chatsdk.testkit.RecordingConnection;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChatMetricsTest {

  @Test
  void engineEventsBecomeMetersOnTheGivenRegistry() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ChatMetrics metrics = new ChatMetrics(Tags.of("node", "n1"));
    metrics.bindTo(registry);
    InMemoryUserStore users = new InMemoryUserStore();
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    users.create(new User("a", "alice", "Alice", null, t, null));
    users.create(new User("b", "bob", "Bob", null, t, null));
    Principal a = new Principal("a", Set.of(), Instant.now().plusSeconds(600));
    try (ChatEngine engine =
        ChatEngine.builder()
            .userStore(users)
            .conversationStore(new InMemoryConversationStore())
            .messageStore(new InMemoryMessageStore())
            .authenticator(token -> CompletableFuture.failedFuture(new IllegalStateException()))
            .listener(metrics)
            .build()) {
      RecordingConnection conn = new RecordingConnection();
      var session = engine.openSession(a, conn);
      conn.awaitType("hello", Duration.ofSeconds(10));
      var d = engine.createDirect(a, "b").toCompletableFuture().get(5, TimeUnit.SECONDS);
      session.onText(
          "{\"type\":\"send\",\"conversationId\":\""
              + d.id()
              + "\",\"clientMsgId\":\"k\",\"body\":\"hi\"}");
      conn.awaitType("ack", Duration.ofSeconds(10));
      session.onText("{\"type\":\"auth\",\"token\":\"x\"}");
      session.onText("{\"type\":\"nope\"}");
      conn.awaitFrames(RecordingConnection.hasType("error"), 2, Duration.ofSeconds(10));

      assertThat(registry.get("chat.sessions.active").tags("node", "n1").gauge().value())
          .isEqualTo(1.0);
      assertThat(registry.get("chat.messages.received").counter().count()).isEqualTo(1.0);
      assertThat(registry.get("chat.store.latency").tag("operation", "append").timer().count())
          .isEqualTo(1);
      assertThat(registry.get("chat.ack.latency").timer().count()).isEqualTo(1);
      assertThat(
              registry
                  .get("chat.auth.failures")
                  .tag("code", ErrorCode.UNAUTHENTICATED.wireName())
                  .counter()
                  .count())
          .isEqualTo(1.0);
      assertThat(registry.get("chat.errors.sent").tag("code", "unknown_type").counter().count())
          .isEqualTo(1.0);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (registry.get("chat.fanout.size").summary().count() < 1
          && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(registry.get("chat.fanout.size").summary().count()).isEqualTo(1);
      assertThat(registry.get("chat.messages.delivered").counter().count()).isEqualTo(1.0);
      session.onClosed();
      while (metrics.activeSessions() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(registry.get("chat.sessions.active").gauge().value()).isEqualTo(0.0);
      assertThat(registry.getMeters().stream().map(m -> m.getId().getName()))
          .contains("chat.outbound.queue.depth", "chat.resumes", "chat.slow.consumers");
    }
  }

  @Test
  void eventsBeforeBindingAreIgnoredExceptTheSessionGauge() {
    ChatMetrics metrics = new ChatMetrics();
    metrics.sessionOpened();
    metrics.messageReceived();
    metrics.storeLatency("append", Duration.ofMillis(1), true);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    metrics.bindTo(registry);
    assertThat(registry.get("chat.sessions.active").gauge().value()).isEqualTo(1.0);
    assertThat(registry.get("chat.messages.received").counter().count()).isZero();
    assertThat(List.of(metrics.activeSessions())).containsExactly(1);
  }
}
