package dev.chatsdk.it;

import static dev.chatsdk.it.MultiNodeIT.ids;
import static dev.chatsdk.it.MultiNodeIT.sendAll;
import static dev.chatsdk.it.MultiNodeIT.settle;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.Conversation;
import dev.chatsdk.client.SentMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redis stopped for 15 s under two nodes and started again (empty): nothing acked is lost,
 * same-node delivery carries on during the outage, and cross-node delivery comes back by itself.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class RedisOutageIT {
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    closeables.add(c);
    return c;
  }

  @Test
  void aRedisOutageLosesNoAckedMessageAndCrossNodeDeliveryRecovers() throws Exception {
    Path work = Services.workDir("redis-outage");
    RedisProcess redis = keep(RedisProcess.start(work));
    StoreServer store = keep(new StoreServer());
    NodeProcess n1 = keep(NodeProcess.launch("node-1", work, store.uri(), redis.uri()));
    NodeProcess n2 = keep(NodeProcess.launch("node-2", work, store.uri(), redis.uri()));
    NodeProcess.awaitAll(Duration.ofSeconds(90), n1, n2);

    Participant alice = keep(Participant.join("alice", n1.baseUri(), n1.baseUri()));
    Participant carol = keep(Participant.join("carol", n1.baseUri(), n1.baseUri()));
    Participant bob = keep(Participant.join("bob", n2.baseUri(), n2.baseUri()));
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
}
