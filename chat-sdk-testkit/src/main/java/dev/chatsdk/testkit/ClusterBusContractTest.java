package dev.chatsdk.testkit;

import static dev.chatsdk.testkit.Contracts.await;
import static dev.chatsdk.testkit.Contracts.eventually;
import static dev.chatsdk.testkit.Contracts.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.port.ClusterBus;
import dev.chatsdk.api.port.ClusterBus.Subscription;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link ClusterBus} must pass. Extend it, implement {@link #createBus()}, and
 * run it as a test class. Implement {@link #createPeer(ClusterBus)} to also check delivery between
 * two nodes.
 *
 * <p>Each test creates the buses it needs through the factory methods and closes them all with
 * {@link #closeBus(ClusterBus)} after. Topics are fresh per test, so buses may share one server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ClusterBusContractTest {
  private final List<ClusterBus> created = new ArrayList<>();

  /** Creates a bus: one node's connection to the cluster. */
  protected abstract ClusterBus createBus();

  /**
   * Creates another node's bus, connected to the same cluster as {@code bus}, or empty if the
   * implementation has no such notion (tests then use {@code bus} for both nodes). The default is
   * empty.
   */
  protected Optional<ClusterBus> createPeer(ClusterBus bus) {
    return Optional.empty();
  }

  /** Closes a bus made by the factory methods, after each test. The default calls close(). */
  protected void closeBus(ClusterBus bus) {
    bus.close();
  }

  @AfterEach
  final void closeBuses() {
    for (ClusterBus bus : created) {
      closeBus(bus);
    }
    created.clear();
  }

  private ClusterBus bus() {
    ClusterBus bus = createBus();
    created.add(bus);
    return bus;
  }

  private ClusterBus peerOf(ClusterBus bus) {
    Optional<ClusterBus> peer = createPeer(bus);
    peer.ifPresent(created::add);
    return peer.orElse(bus);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aTopicWithAnotherNodesListenerMayReachOthers() {
    ClusterBus bus = bus();
    ClusterBus peer = peerOf(bus);
    String topic = uniqueId("t");
    Inbox own = new Inbox();
    Inbox other = new Inbox();
    await(bus.subscribe(topic, own));
    await(peer.subscribe(topic, other));

    // a bus may always answer true; it must never answer false while another node listens
    assertThat(bus.mayReachOthers(topic, own)).isTrue();
  }

  @Test
  void subscriberReceivesWhatIsPublishedToItsTopic() {
    ClusterBus bus = bus();
    String topic = uniqueId("t");
    Inbox inbox = new Inbox();
    await(bus.subscribe(topic, inbox));

    await(bus.publish(topic, utf8("hello")));

    inbox.awaitCount(1);
    assertThat(inbox.topics()).containsExactly(topic);
    assertThat(inbox.texts()).containsExactly("hello");
  }

  @Test
  void subscriberDoesNotReceiveOtherTopics() {
    ClusterBus bus = bus();
    String mine = uniqueId("t");
    String other = uniqueId("t");
    Inbox inbox = new Inbox();
    Inbox otherInbox = new Inbox();
    await(bus.subscribe(mine, inbox));
    await(bus.subscribe(other, otherInbox));

    await(bus.publish(other, utf8("not for you")));
    await(bus.publish(mine, utf8("marker")));

    inbox.awaitCount(1);
    otherInbox.awaitCount(1);
    assertThat(inbox.texts()).containsExactly("marker");
    assertThat(inbox.topics()).containsOnly(mine);
    assertThat(otherInbox.texts()).containsExactly("not for you");
  }

  @Test
  void publishWithoutSubscribersCompletes() {
    ClusterBus bus = bus();

    CompletionStage<Void> published = bus.publish(uniqueId("t"), utf8("nobody listens"));

    assertThat(published.toCompletableFuture()).succeedsWithin(Contracts.TIMEOUT);
  }

  @Test
  void unsubscribeStopsDelivery() {
    ClusterBus bus = bus();
    String topic = uniqueId("t");
    Inbox leaving = new Inbox();
    Inbox staying = new Inbox();
    Subscription subscription = await(bus.subscribe(topic, leaving));
    await(bus.subscribe(topic, staying));
    await(bus.publish(topic, utf8("before")));
    leaving.awaitCount(1);
    staying.awaitCount(1);

    await(subscription.unsubscribe());
    await(subscription.unsubscribe());
    await(bus.publish(topic, utf8("after")));

    staying.awaitCount(2);
    Contracts.pause(Duration.ofMillis(100));
    assertThat(staying.texts()).containsExactly("before", "after");
    assertThat(leaving.texts()).containsExactly("before");
  }

  @Test
  void twoSubscriptionsOnOneTopicBothReceive() {
    ClusterBus bus = bus();
    String topic = uniqueId("t");
    Inbox first = new Inbox();
    Inbox second = new Inbox();
    await(bus.subscribe(topic, first));
    await(bus.subscribe(topic, second));

    await(bus.publish(topic, utf8("both")));

    first.awaitCount(1);
    second.awaitCount(1);
    assertThat(first.texts()).containsExactly("both");
    assertThat(second.texts()).containsExactly("both");
  }

  @Test
  void payloadBytesArriveIntact() {
    ClusterBus bus = bus();
    String topic = uniqueId("t");
    Inbox inbox = new Inbox();
    await(bus.subscribe(topic, inbox));
    byte[] everyByte = new byte[256];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = (byte) i;
    }
    byte[] large = new byte[64 * 1024];
    new Random(7).nextBytes(large);

    await(bus.publish(topic, everyByte.clone()));
    await(bus.publish(topic, new byte[0]));
    await(bus.publish(topic, large.clone()));

    inbox.awaitCount(3);
    assertThat(inbox.payloads()).containsExactly(everyByte, new byte[0], large);
  }

  @Test
  void messagesFromOnePublisherArriveInOrder() {
    ClusterBus bus = bus();
    String topic = uniqueId("t");
    Inbox inbox = new Inbox();
    await(bus.subscribe(topic, inbox));
    int count = 500;

    List<CompletionStage<Void>> stages = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      stages.add(bus.publish(topic, ByteBuffer.allocate(4).putInt(i).array()));
    }
    stages.forEach(Contracts::await);

    inbox.awaitCount(count);
    List<Integer> received =
        inbox.payloads().stream().map(p -> ByteBuffer.wrap(p).getInt()).toList();
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      expected.add(i);
    }
    assertThat(received).isEqualTo(expected);
  }

  @Test
  void publishReachesSubscribersOnEveryNodeIncludingThisOne() {
    ClusterBus bus = bus();
    ClusterBus peer = peerOf(bus);
    String topic = uniqueId("t");
    Inbox local = new Inbox();
    Inbox remote = new Inbox();
    await(bus.subscribe(topic, local));
    await(peer.subscribe(topic, remote));

    await(bus.publish(topic, utf8("from node a")));
    await(peer.publish(topic, utf8("from node b")));

    local.awaitCount(2);
    remote.awaitCount(2);
    assertThat(local.texts()).containsExactlyInAnyOrder("from node a", "from node b");
    assertThat(remote.texts()).containsExactlyInAnyOrder("from node a", "from node b");
  }

  @Test
  void listenerMayPublishAndSubscribeFromItsCallback() {
    ClusterBus bus = bus();
    String first = uniqueId("t");
    String second = uniqueId("t");
    String third = uniqueId("t");
    Inbox end = new Inbox();
    Inbox thirdInbox = new Inbox();
    await(bus.subscribe(second, end));
    await(
        bus.subscribe(
            first,
            (topic, payload) -> {
              bus.subscribe(third, thirdInbox)
                  .thenCompose(s -> bus.publish(third, payload))
                  .thenCompose(v -> bus.publish(second, payload));
            }));

    await(bus.publish(first, utf8("relayed")));

    end.awaitCount(1);
    thirdInbox.awaitCount(1);
    assertThat(end.texts()).containsExactly("relayed");
    assertThat(thirdInbox.texts()).containsExactly("relayed");
  }

  @Test
  void closeIsIdempotent() {
    ClusterBus bus = createBus();
    Inbox inbox = new Inbox();
    await(bus.subscribe(uniqueId("t"), inbox));

    closeBus(bus);
    closeBus(bus);

    assertThat(inbox.texts()).isEmpty();
  }

  /** Records what a subscription receives. Thread-safe. */
  private static final class Inbox implements ClusterBus.Listener {
    private final List<String> topics = new ArrayList<>();
    private final List<byte[]> payloads = new ArrayList<>();

    @Override
    public synchronized void onMessage(String topic, byte[] payload) {
      topics.add(topic);
      payloads.add(payload.clone());
    }

    synchronized List<String> topics() {
      return List.copyOf(topics);
    }

    synchronized List<byte[]> payloads() {
      return List.copyOf(payloads);
    }

    List<String> texts() {
      return payloads().stream().map(p -> new String(p, StandardCharsets.UTF_8)).toList();
    }

    void awaitCount(int count) {
      eventually(
          count + " message(s) received, got " + texts().size(), () -> payloads().size() >= count);
    }
  }
}
