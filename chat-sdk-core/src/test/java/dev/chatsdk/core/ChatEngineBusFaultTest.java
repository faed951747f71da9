package dev.chatsdk.core;

import static dev.chatsdk.core.ChatEngineDeliveryTest.sleep;
import static dev.chatsdk.core.EngineFixture.join;
import static dev.chatsdk.core.EngineFixture.principal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.port.ClusterBus;
import dev.chatsdk.core.EngineFixture.Client;
import dev.chatsdk.core.memory.InProcessClusterBus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Lost bus messages: holes are filled from the store, by timeout or after a reconnect. */
class ChatEngineBusFaultTest {
  private final EngineFixture fx = new EngineFixture();

  @AfterEach
  void tearDown() {
    fx.close();
  }

  /** One node's view of a shared bus that can drop its publishes and fake a reconnect. */
  static final class FaultyBus implements ClusterBus {
    final ClusterBus shared;
    final AtomicBoolean dropPublishes = new AtomicBoolean();
    final List<Listener> listeners = new CopyOnWriteArrayList<>();

    FaultyBus(ClusterBus shared) {
      this.shared = shared;
    }

    @Override
    public CompletionStage<Void> publish(String topic, byte[] payload) {
      if (dropPublishes.get()) {
        return CompletableFuture.completedFuture(null);
      }
      return shared.publish(topic, payload);
    }

    @Override
    public CompletionStage<Subscription> subscribe(String topic, Listener listener) {
      listeners.add(listener);
      return shared.subscribe(topic, listener);
    }

    void reconnected() {
      for (Listener l : listeners) {
        l.onReconnected();
      }
    }
  }

  @Test
  void lostBusMessagesAreRecoveredFromTheStoreInOrder() {
    InProcessClusterBus shared = new InProcessClusterBus();
    fx.closeables.add(shared);
    FaultyBus bus1 = new FaultyBus(shared);
    FaultyBus bus2 = new FaultyBus(shared);
    var peer = fx.presence.peer();
    fx.closeables.add(peer);
    ChatEngine node1 = fx.engine(b -> b.clusterBus(bus1).nodeId("n1"));
    ChatEngine node2 =
        fx.engine(
            b ->
                b.clusterBus(bus2)
                    .nodeId("n2")
                    .presenceRegistry(peer)
                    .reorderTimeout(Duration.ofMillis(50)));
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    Client b = fx.connect(node2, "b");

    join(node1.send(principal("a"), d.id(), "k1", "one"));
    b.awaitCount("message", 1);
    bus1.dropPublishes.set(true);
    join(node1.send(principal("a"), d.id(), "k2", "two (lost on the bus)"));
    bus1.dropPublishes.set(false);
    join(node1.send(principal("a"), d.id(), "k3", "three"));
    b.awaitCount("message", 3);
    assertThat(b.counters(d.id())).containsExactly(1L, 2L, 3L);

    bus1.dropPublishes.set(true);
    join(node1.send(principal("a"), d.id(), "k4", "four (lost, nothing after it)"));
    sleep(150);
    assertThat(b.frames("message")).hasSize(3);
    bus1.dropPublishes.set(false);
    bus2.reconnected();
    b.awaitCount("message", 4);
    sleep(100);
    assertThat(b.counters(d.id())).containsExactly(1L, 2L, 3L, 4L);
  }
}
