package dev.chatsdk.core;

import static dev.chatsdk.core.ChatEngineDeliveryTest.sleep;
import static dev.chatsdk.core.EngineFixture.at;
import static dev.chatsdk.core.EngineFixture.join;
import static dev.chatsdk.core.EngineFixture.principal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.User;
import dev.chatsdk.api.port.ClusterBus;
import dev.chatsdk.core.EngineFixture.Client;
import dev.chatsdk.core.memory.InMemoryPresenceRegistry;
import dev.chatsdk.core.memory.InProcessClusterBus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two engines ("nodes") sharing the in-memory stores and an in-process cluster bus. */
class ChatEngineClusterTest {
  private final EngineFixture fx = new EngineFixture();
  private ChatEngine node1;
  private ChatEngine node2;

  @BeforeEach
  void setUp() {
    InProcessClusterBus bus = new InProcessClusterBus();
    fx.closeables.add(bus);
    InMemoryPresenceRegistry peer = fx.presence.peer();
    fx.closeables.add(peer);
    node1 = fx.engine(b -> b.clusterBus(bus).nodeId("n1"));
    node2 = fx.engine(b -> b.clusterBus(bus).nodeId("n2").presenceRegistry(peer));
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  @Test
  void messagesReachMembersOnTheOtherNodeInOrderAndOnce() {
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    Client a = fx.connect(node1, "a");
    Client b = fx.connect(node2, "b");
    Client bLocal = fx.connect(node1, "b");
    for (int i = 1; i <= 20; i++) {
      a.sendMessage(d.id(), "k" + i, "m" + i);
    }
    b.awaitCount("message", 20);
    bLocal.awaitCount("message", 20);
    join(node2.send(principal("b"), d.id(), "r1", "reply"));
    a.awaitCount("message", 21);
    sleep(100);
    assertThat(b.counters(d.id())).hasSize(21).isSorted().doesNotHaveDuplicates();
    assertThat(a.counters(d.id())).hasSize(21).isSorted().doesNotHaveDuplicates();
    assertThat(a.bodies(d.id()).get(20)).isEqualTo("reply");
  }

  @Test
  void presenceReadsTypingAndConversationChangesCrossNodes() {
    fx.user("a");
    fx.user("b");
    fx.user("c");
    Conversation g = fx.group("a", "Both", "b");
    Client b = fx.connect(node2, "b");
    Client c = fx.connect(node2, "c");
    Client a = fx.connect(node1, "a");
    Map<String, Object> online = b.await("presence");
    assertThat(online.get("userId")).isEqualTo("a");
    assertThat(online.get("online")).isEqualTo(true);

    a.send("{\"type\":\"typing\",\"conversationId\":\"" + g.id() + "\",\"typing\":true}");
    assertThat(b.await("typing").get("userId")).isEqualTo("a");

    join(node1.send(principal("a"), g.id(), "k1", "hello"));
    b.await("message");
    b.send("{\"type\":\"read\",\"conversationId\":\"" + g.id() + "\",\"seq\":1}");
    assertThat(a.await("read").get("userId")).isEqualTo("b");

    join(node1.addMember(principal("a"), g.id(), "c"));
    assertThat(c.await("conversation").get("change")).isEqualTo("member_added");
    join(node1.send(principal("a"), g.id(), "k2", "welcome c"));
    assertThat(at(c.await("message"), "message", "body")).isEqualTo("welcome c");

    User aUser = join(fx.users.findById("a")).orElseThrow();
    node1.userUpdated(aUser.withDisplayName("A!"));
    assertThat(at(b.await("user"), "user", "displayName")).isEqualTo("A!");

    a.session.onClosed();
    Map<String, Object> offline =
        b.await(f -> "presence".equals(f.get("type")) && Boolean.FALSE.equals(f.get("online")));
    assertThat(offline.get("userId")).isEqualTo("a");
    assertThat(join(node2.presence(List.of("a"))).get("a").online()).isFalse();
  }

  @Test
  void presenceFollowsAMembershipChangeMadeOnTheOtherNode() {
    fx.user("w");
    fx.user("y");
    fx.user("other");
    Client w = fx.connect(node1, "w");
    Conversation g = join(node1.createGroup(principal("w"), "later", List.of("other")));
    Client y = fx.connect(node2, "y");
    sleep(100);
    assertThat(w.frames("presence")).as("y shares nothing with w yet").isEmpty();

    // the change is made on node 2; node 1 learns of it from the bus
    join(node2.addMember(principal("w"), g.id(), "y"));
    w.await(f -> "conversation".equals(f.get("type")) && "member_added".equals(f.get("change")));
    y.session.onClosed();
    Map<String, Object> offline = w.await("presence");
    assertThat(offline.get("userId")).isEqualTo("y");
    assertThat(offline.get("online")).isEqualTo(false);

    join(node2.removeMember(principal("w"), g.id(), "y"));
    w.await(f -> "conversation".equals(f.get("type")) && "member_removed".equals(f.get("change")));
    fx.connect(node2, "y");
    sleep(200);
    assertThat(w.frames("presence")).as("y no longer shares the group").hasSize(1);
  }

  @Test
  void aNodePublishesAConversationsEventsOnlyWhileAnotherNodeListensToIt() {
    InProcessClusterBus shared = new InProcessClusterBus();
    fx.closeables.add(shared);
    List<String> published = new CopyOnWriteArrayList<>();
    ClusterBus counting =
        new ClusterBus() {
          @Override
          public CompletionStage<Void> publish(String topic, byte[] payload) {
            published.add(topic);
            return shared.publish(topic, payload);
          }

          @Override
          public CompletionStage<Subscription> subscribe(String topic, Listener listener) {
            return shared.subscribe(topic, listener);
          }

          @Override
          public boolean mayReachOthers(String topic, Listener own) {
            return shared.mayReachOthers(topic, own);
          }
        };
    ChatEngine alone = fx.engine(b -> b.clusterBus(counting).nodeId("n3"));
    fx.user("a");
    fx.user("b");
    Conversation d = fx.direct("a", "b");
    Client a = fx.connect(alone, "a");
    a.sendMessage(d.id(), "k1", "while alone");
    a.awaitCount("message", 1);
    assertThat(published).doesNotContain("c:" + d.id());

    ChatEngine other = fx.engine(b -> b.clusterBus(shared).nodeId("n4"));
    Client b = fx.connect(other, "b");
    a.sendMessage(d.id(), "k2", "with company");
    b.awaitCount("message", 1);
    assertThat(b.bodies(d.id())).containsExactly("with company");
    assertThat(published).contains("c:" + d.id());
  }
}
