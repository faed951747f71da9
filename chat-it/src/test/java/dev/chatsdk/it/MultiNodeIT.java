package dev.chatsdk.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.Conversation;
import dev.chatsdk.client.SentMessage;
import dev.chatsdk.testkit.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Three server JVMs from the built jar sharing one MongoDB-wire store and one (private) Redis,
 * driven by the Java client. One cluster serves every test, in order (starting JVMs is the slow
 * part): the node-kill test takes node 3 away, and the Redis outage test runs last on nodes 1 and
 * 2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MultiNodeIT {
  private Path work;
  private RedisProcess redis;
  private StoreServer store;
  private NodeProcess n1;
  private NodeProcess n2;
  private NodeProcess n3;
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @BeforeAll
  void startCluster() throws Exception {
    work = Services.workDir("multi-node");
    redis = RedisProcess.start(work);
    store = new StoreServer();
    n1 = NodeProcess.launch("node-1", work, store.uri(), redis.uri());
    n2 = NodeProcess.launch("node-2", work, store.uri(), redis.uri());
    n3 = NodeProcess.launch("node-3", work, store.uri(), redis.uri());
    NodeProcess.awaitAll(Duration.ofSeconds(90), n1, n2, n3);
  }

  @AfterAll
  void stopCluster() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
    for (NodeProcess n : new NodeProcess[] {n1, n2, n3}) {
      if (n != null) {
        n.close();
      }
    }
    if (store != null) {
      store.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private Participant join(String name, NodeProcess node) {
    Participant p = Participant.join(name, node.baseUri(), node.baseUri());
    cleanup.add(p);
    return p;
  }

  @Test
  @Order(1)
  void usersOnDifferentNodesChatBothWays() throws Exception {
    Participant alice = join("alice", n1);
    Participant bob = join("bob", n2);
    Conversation direct =
        alice.client.api().createDirect(bob.id()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    settle(alice, direct.id(), alice, bob);

    List<String> fromAlice = sendAll(alice, direct.id(), "alice->bob", 5);
    List<String> fromBob = sendAll(bob, direct.id(), "bob->alice", 5);

    assertThat(
            Participant.await(
                Duration.ofSeconds(20),
                () ->
                    bob.receivedIds(direct.id()).containsAll(fromAlice)
                        && alice.receivedIds(direct.id()).containsAll(fromBob)))
        .as(
            "each side receives the other's messages across nodes; missing: bob %s, alice %s",
            missing(bob, direct.id(), fromAlice), missing(alice, direct.id(), fromBob))
        .isTrue();
    assertThat(bob.receivedIds(direct.id())).doesNotHaveDuplicates();
    assertThat(alice.receivedIds(direct.id())).doesNotHaveDuplicates();
    // per conversation every connection sees messages in seq order
    assertThat(bob.receivedIds(direct.id()).stream().filter(fromAlice::contains).toList())
        .containsExactlyElementsOf(fromAlice);
  }

  @Test
  @Order(2)
  void groupFanOutReachesSessionsOnEveryNode() throws Exception {
    Participant carol = join("carol", n1);
    Participant dave = join("dave", n2);
    Participant erin = join("erin", n3);
    // erin also has a second session, on node 1
    Participant erinOnNode1 = connectAgain(erin, n1);
    Conversation group =
        carol
            .client
            .api()
            .createGroup("all nodes", List.of(dave.id(), erin.id()))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    settle(carol, group.id(), carol, dave, erin, erinOnNode1);

    List<String> sent = sendAll(carol, group.id(), "fan-out", 4);
    List<String> reply = sendAll(erin, group.id(), "reply", 2);
    List<String> all = new ArrayList<>(sent);
    all.addAll(reply);

    assertThat(
            Participant.await(
                Duration.ofSeconds(20),
                () ->
                    dave.receivedIds(group.id()).containsAll(all)
                        && erin.receivedIds(group.id()).containsAll(sent)
                        && erinOnNode1.receivedIds(group.id()).containsAll(all)
                        && carol.receivedIds(group.id()).containsAll(reply)))
        .as(
            "every member's sessions on nodes 1, 2 and 3 receive the group's messages; missing:"
                + " dave %s, erin@3 %s, erin@1 %s, carol %s",
            missing(dave, group.id(), all),
            missing(erin, group.id(), sent),
            missing(erinOnNode1, group.id(), all),
            missing(carol, group.id(), reply))
        .isTrue();
    for (Participant p : List.of(carol, dave, erin, erinOnNode1)) {
      assertThat(p.receivedIds(group.id())).as(p.username).doesNotHaveDuplicates();
    }
  }

  @Test
  @Order(3)
  void messagesSentRightAfterAConversationIsCreatedReachEveryNode() throws Exception {
    Participant lena = join("lena", n1);
    Participant mike = join("mike", n2);
    Participant nora = join("nora", n3);
    Conversation group =
        lena.client
            .api()
            .createGroup("brand new", List.of(mike.id(), nora.id()))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);

    // no warm-up: the first messages of a new conversation are sent at once
    List<String> sent = sendAll(lena, group.id(), "first", 3);

    assertThat(
            Participant.await(
                Duration.ofSeconds(20),
                () ->
                    mike.receivedIds(group.id()).containsAll(sent)
                        && nora.receivedIds(group.id()).containsAll(sent)))
        .as(
            "the first messages of a new group reach members on other nodes; missing: mike %s,"
                + " nora %s",
            missing(mike, group.id(), sent), missing(nora, group.id(), sent))
        .isTrue();
  }

  @Test
  @Order(4)
  void presenceIsConsistentAcrossNodesWhileAnySessionRemains() throws Exception {
    Participant observer = join("observer", n1);
    Participant frank = join("frank", n3);
    Participant frankOnNode2 = connectAgain(frank, n2);

    assertThat(awaitOnlineEverywhere(observer, frank.id(), true, Duration.ofSeconds(10)))
        .as("frank online on every node")
        .isTrue();

    frank.close(); // the node-3 session ends; the node-2 one remains
    Thread.sleep(1000);
    for (NodeProcess n : List.of(n1, n2, n3)) {
      assertThat(observer.seesOnline(n.baseUri(), frank.id()))
          .as("frank still online on %s while his node-2 session lives", n.name())
          .isTrue();
    }

    frankOnNode2.close();
    assertThat(awaitOnlineEverywhere(observer, frank.id(), false, Duration.ofSeconds(10)))
        .as("frank offline on every node once both sessions closed")
        .isTrue();
  }

  @Test
  @Order(5)
  void nginxBalancesHttpAndWebSocketsOverTwoNodes() throws Exception {
    try (NginxProcess nginx = NginxProcess.start(work, List.of(n1.port(), n2.port()))) {
      Participant gina = Participant.join("gina", nginx.baseUri(), nginx.baseUri());
      cleanup.add(gina);
      Participant hugo = Participant.join("hugo", nginx.baseUri(), nginx.baseUri());
      cleanup.add(hugo);
      Conversation direct =
          gina.client.api().createDirect(hugo.id()).toCompletableFuture().get(10, TimeUnit.SECONDS);
      settle(gina, direct.id(), gina, hugo);

      List<String> fromGina = sendAll(gina, direct.id(), "via nginx", 3);
      List<String> fromHugo = sendAll(hugo, direct.id(), "via nginx too", 3);

      assertThat(
              Participant.await(
                  Duration.ofSeconds(20),
                  () ->
                      hugo.receivedIds(direct.id()).containsAll(fromGina)
                          && gina.receivedIds(direct.id()).containsAll(fromHugo)))
          .isTrue();
      assertThat(nginx.status("/healthz")).isEqualTo(200);
      assertThat(nginx.status("/metrics"))
          .as("metrics are not exposed through nginx")
          .isEqualTo(404);
      assertThat(nginx.upstreamsUsed()).as("requests reached both nodes").hasSize(2);
      gina.close();
      hugo.close();
    }
  }

  @Test
  @Order(6)
  void killingANodeMidStreamLosesNoAckedMessageAndDeliversNoneTwice() throws Exception {
    AtomicInteger frontTarget = new AtomicInteger(n3.port());
    TcpProxy front = new TcpProxy(frontTarget::get);
    cleanup.add(front);
    // ivan reaches node 3 through the "load balancer"; judy is on node 1; kate only on node 3
    Participant ivan = Participant.join("ivan", n3.baseUri(), front.baseUri());
    cleanup.add(ivan);
    Participant judy = join("judy", n1);
    Participant kate = join("kate", n3);
    Conversation direct =
        ivan.client.api().createDirect(judy.id()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    settle(ivan, direct.id(), ivan, judy);
    assertThat(awaitOnlineEverywhere(judy, kate.id(), true, Duration.ofSeconds(10))).isTrue();

    int count = 40;
    AtomicInteger ivanAcked = new AtomicInteger();
    List<CompletableFuture<SentMessage>> ivanSends = new ArrayList<>();
    List<CompletableFuture<SentMessage>> judySends = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ivanSends.add(
          ivan.client
              .send(direct.id(), "ivan " + i)
              .toCompletableFuture()
              .whenComplete((m, e) -> ivanAcked.incrementAndGet()));
      judySends.add(judy.client.send(direct.id(), "judy " + i).toCompletableFuture());
    }
    assertThat(Participant.await(Duration.ofSeconds(30), () -> ivanAcked.get() >= count / 4))
        .isTrue();

    long killedAt = System.nanoTime();
    n3.kill();
    frontTarget.set(n1.port());
    front.dropAll();

    List<String> ivanIds = ids(ivanSends, Duration.ofSeconds(60));
    List<String> judyIds = ids(judySends, Duration.ofSeconds(60));
    assertThat(ivanIds).hasSize(count).doesNotHaveDuplicates();

    assertThat(
            Participant.await(
                Duration.ofSeconds(30),
                () ->
                    judy.receivedIds(direct.id()).containsAll(ivanIds)
                        && ivan.receivedIds(direct.id()).containsAll(judyIds)))
        .as(
            "every acked message reaches the other side, across the node's death; missing: judy"
                + " %s, ivan %s; ivan's errors %s",
            missing(judy, direct.id(), ivanIds), missing(ivan, direct.id(), judyIds), ivan.errors)
        .isTrue();
    assertThat(judy.receivedIds(direct.id())).doesNotHaveDuplicates();
    assertThat(ivan.receivedIds(direct.id())).doesNotHaveDuplicates();
    assertThat(ivan.receivedIds(direct.id()).stream().filter(judyIds::contains).toList())
        .as("in order")
        .containsExactlyElementsOf(judyIds);

    // kate's only node died with her session: the other nodes show her offline within 30 s
    boolean offline =
        Participant.await(
            Duration.ofSeconds(30).minusNanos(System.nanoTime() - killedAt),
            () -> {
              try {
                return !judy.seesOnline(n1.baseUri(), kate.id())
                    && !judy.seesOnline(n2.baseUri(), kate.id());
              } catch (Exception e) {
                return false;
              }
            });
    assertThat(offline).as("kate offline on nodes 1 and 2 within 30 s of kill -9").isTrue();
    assertThat(judy.seesOnline(n1.baseUri(), ivan.id())).as("ivan reconnected").isTrue();
    kate.close();
  }

  @Test
  @Order(7)
  void aRedisOutageLosesNoAckedMessageAndCrossNodeDeliveryRecovers() throws Exception {
    // Redis is killed (its data with it) for 15 s under nodes 1 and 2 and started again empty
    Participant alice = join("olga", n1);
    Participant carol = join("pete", n1);
    Participant bob = join("quinn", n2);
    Conversation group =
        alice
            .client
            .api()
            .createGroup("outage", List.of(bob.id(), carol.id()))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    settle(alice, group.id(), alice, bob, carol);
    List<String> before = sendAll(alice, group.id(), "before", 2);
    assertThat(
            Participant.await(
                Duration.ofSeconds(15), () -> bob.receivedIds(group.id()).containsAll(before)))
        .as("live across nodes before the outage")
        .isTrue();

    redis.stop();
    long stoppedAt = System.nanoTime();
    List<CompletableFuture<SentMessage>> aliceDuring = new ArrayList<>();
    List<CompletableFuture<SentMessage>> bobDuring = new ArrayList<>();
    for (int i = 0; System.nanoTime() - stoppedAt < Duration.ofSeconds(15).toNanos(); i++) {
      aliceDuring.add(alice.client.send(group.id(), "during " + i).toCompletableFuture());
      bobDuring.add(bob.client.send(group.id(), "bob during " + i).toCompletableFuture());
      Thread.sleep(1000);
    }
    List<String> aliceIds = ids(aliceDuring, Duration.ofSeconds(20));
    assertThat(aliceIds).as("sends are acked while Redis is down").doesNotHaveDuplicates();
    assertThat(carol.receivedIds(group.id()))
        .as("same-node delivery continues during the outage")
        .containsAll(aliceIds);

    redis.start();
    long restartedAt = System.nanoTime();
    // cross-node delivery recovers by itself: a new message from node 2 reaches node 1 live
    String probe = null;
    List<String> probes = new ArrayList<>();
    while (System.nanoTime() - restartedAt < Duration.ofSeconds(30).toNanos()) {
      probe =
          bob.client.send(group.id(), "after").toCompletableFuture().get(10, TimeUnit.SECONDS).id();
      probes.add(probe);
      String p = probe;
      if (Participant.await(
          Duration.ofSeconds(1), () -> alice.receivedIds(group.id()).contains(p))) {
        break;
      }
    }
    assertThat(alice.receivedIds(group.id()))
        .as("cross-node delivery recovered within 30 s of Redis restarting")
        .contains(probe);
    assertThat(Duration.ofNanos(System.nanoTime() - restartedAt))
        .isLessThan(Duration.ofSeconds(30));

    List<String> bobIds = ids(bobDuring, Duration.ofSeconds(20));
    List<String> last = sendAll(alice, group.id(), "after the outage", 1);
    assertThat(
            Participant.await(
                Duration.ofSeconds(20),
                () ->
                    bob.receivedIds(group.id()).containsAll(aliceIds)
                        && bob.receivedIds(group.id()).containsAll(last)
                        && alice.receivedIds(group.id()).containsAll(bobIds)
                        && alice.receivedIds(group.id()).containsAll(probes)
                        && carol.receivedIds(group.id()).containsAll(bobIds)))
        .as("every message acked during the outage reaches every member (live or by gap fill)")
        .isTrue();
    for (Participant p : List.of(alice, bob, carol)) {
      assertThat(p.receivedIds(group.id())).as(p.username).doesNotHaveDuplicates();
    }
  }

  // --- helpers

  /**
   * Sends warm-up messages until every session has received at least one message of the
   * conversation, so the nodes' channels are live and each client tracks the conversation. Kept
   * apart from {@link #messagesSentRightAfterAConversationIsCreatedReachEveryNode}, which checks
   * the first messages of a new conversation themselves.
   */
  static void settle(Participant sender, String conversationId, Participant... sessions)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      sender.client.send(conversationId, "warm-up").toCompletableFuture().get(10, TimeUnit.SECONDS);
      boolean all =
          Participant.await(
              Duration.ofMillis(700),
              () -> {
                for (Participant p : sessions) {
                  if (p.receivedIds(conversationId).isEmpty()) {
                    return false;
                  }
                }
                return true;
              });
      if (all) {
        return;
      }
    }
    throw new AssertionError("conversation " + conversationId + ": not live everywhere in 20 s");
  }

  static List<String> missing(Participant p, String conversationId, List<String> expected) {
    List<String> got = p.receivedIds(conversationId);
    return expected.stream().filter(id -> !got.contains(id)).toList();
  }

  private Participant connectAgain(Participant p, NodeProcess node) {
    Participant again = Participant.connect(p, node.baseUri());
    cleanup.add(again);
    return again;
  }

  private boolean awaitOnlineEverywhere(
      Participant observer, String userId, boolean online, Duration timeout)
      throws InterruptedException {
    List<NodeProcess> live = new ArrayList<>();
    for (NodeProcess n : List.of(n1, n2, n3)) {
      if (n.isAlive()) {
        live.add(n);
      }
    }
    return Participant.await(
        timeout,
        () -> {
          try {
            for (NodeProcess n : live) {
              if (observer.seesOnline(n.baseUri(), userId) != online) {
                return false;
              }
            }
            return true;
          } catch (Exception e) {
            return false;
          }
        });
  }

  static List<String> sendAll(Participant from, String conversationId, String text, int n)
      throws Exception {
    List<CompletableFuture<SentMessage>> sends = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sends.add(from.client.send(conversationId, text + " " + i).toCompletableFuture());
    }
    return ids(sends, Duration.ofSeconds(20));
  }

  static List<String> ids(List<CompletableFuture<SentMessage>> sends, Duration timeout)
      throws Exception {
    CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0]))
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    List<String> ids = new ArrayList<>();
    for (CompletableFuture<SentMessage> f : sends) {
      ids.add(f.join().id());
    }
    return ids;
  }
}
