package dev.chatsdk.redis;

import static dev.chatsdk.redis.RecordingBusListener.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.StoreUnavailableException;
import dev.chatsdk.api.port.ClusterBus;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedisClusterBusTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration QUIET = Duration.ofMillis(300);

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private String uri;
  private String prefix;

  @BeforeEach
  void setUp() {
    uri = RedisTestSupport.sharedRedisUri();
    prefix = RedisTestSupport.uniquePrefix();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private RedisClusterBus node() {
    return node(RedisBusListener.NONE);
  }

  private RedisClusterBus node(RedisBusListener events) {
    RedisClusterBus bus =
        RedisClusterBus.builder().redisUri(uri).channelPrefix(prefix).eventListener(events).build();
    closeables.add(bus);
    return bus;
  }

  private static ClusterBus.Subscription subscribe(
      ClusterBus bus, String topic, ClusterBus.Listener listener) throws Exception {
    return bus.subscribe(topic, listener).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static void publish(ClusterBus bus, String topic, String payload) throws Exception {
    bus.publish(topic, utf8(payload)).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private Map<String, Long> redisSubscriberCounts(String... topics) {
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      String[] channels = new String[topics.length];
      for (int i = 0; i < topics.length; i++) {
        channels[i] = prefix + topics[i];
      }
      Map<String, Long> counts = c.sync().pubsubNumsub(channels);
      Map<String, Long> byTopic = new java.util.TreeMap<>();
      counts.forEach((channel, n) -> byTopic.put(channel.substring(prefix.length()), n));
      return byTopic;
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Test
  void publishReachesSubscribersOnOtherNodesAndOnThisNode() throws Exception {
    RedisClusterBus a = node();
    RedisClusterBus b = node();
    RecordingBusListener onA = new RecordingBusListener();
    RecordingBusListener onB = new RecordingBusListener();
    subscribe(a, "c:1", onA);
    subscribe(b, "c:1", onB);

    publish(a, "c:1", "hello");

    assertThat(onA.next(WAIT)).isEqualTo("c:1=hello");
    assertThat(onB.next(WAIT)).isEqualTo("c:1=hello");
    assertThat(onA.next(QUIET)).as("no duplicate on the publishing node").isNull();
    assertThat(onB.next(QUIET)).isNull();
  }

  @Test
  void nodeNotSubscribedToTopicReceivesNothingOfItAndRedisKnowsOnlyInterestedNodes()
      throws Exception {
    RedisClusterBus a = node();
    RedisClusterBus b = node();
    RecordingBusListener onA = new RecordingBusListener();
    RecordingBusListener onB = new RecordingBusListener();
    subscribe(a, "c:1", onA);
    subscribe(a, "c:2", onA);
    subscribe(b, "c:2", onB);

    assertThat(redisSubscriberCounts("c:1", "c:2", "c:3"))
        .containsEntry("c:1", 1L)
        .containsEntry("c:2", 2L)
        .containsEntry("c:3", 0L);

    publish(a, "c:1", "only-a");
    publish(b, "c:1", "only-a-too");
    publish(a, "c:3", "nobody");
    publish(a, "c:2", "both");

    assertThat(List.of(onA.next(WAIT), onA.next(WAIT), onA.next(WAIT)))
        .containsExactlyInAnyOrder("c:1=only-a", "c:1=only-a-too", "c:2=both");
    assertThat(onB.next(WAIT)).isEqualTo("c:2=both");
    assertThat(onB.next(QUIET)).isNull();
    assertThat(onA.next(QUIET)).isNull();
  }

  @Test
  void unsubscribeStopsDeliveryAndReleasesTheChannelWhenTheLastListenerLeaves() throws Exception {
    RedisClusterBus a = node();
    RedisClusterBus b = node();
    RecordingBusListener first = new RecordingBusListener();
    RecordingBusListener second = new RecordingBusListener();
    ClusterBus.Subscription s1 = subscribe(b, "u:7", first);
    ClusterBus.Subscription s2 = subscribe(b, "u:7", second);
    assertThat(redisSubscriberCounts("u:7")).containsEntry("u:7", 1L);

    s1.unsubscribe().toCompletableFuture().get(5, TimeUnit.SECONDS);
    publish(a, "u:7", "one");
    assertThat(second.next(WAIT)).isEqualTo("u:7=one");
    assertThat(first.next(QUIET)).isNull();
    assertThat(redisSubscriberCounts("u:7")).containsEntry("u:7", 1L);

    s2.unsubscribe().toCompletableFuture().get(5, TimeUnit.SECONDS);
    s2.unsubscribe().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(RedisTestSupport.await(WAIT, () -> redisSubscriberCounts("u:7").get("u:7") == 0))
        .as("channel released in Redis")
        .isTrue();
    publish(a, "u:7", "two");
    assertThat(second.next(QUIET)).isNull();
  }

  @Test
  void messagesFromOneNodeArriveInPublishOrder() throws Exception {
    RedisClusterBus a = node();
    RedisClusterBus b = node();
    RecordingBusListener onB = new RecordingBusListener();
    RecordingBusListener onA = new RecordingBusListener();
    subscribe(b, "c:order", onB);
    subscribe(a, "c:order", onA);

    for (int i = 0; i < 300; i++) {
      a.publish("c:order", utf8(Integer.toString(i)));
    }

    for (int i = 0; i < 300; i++) {
      assertThat(onB.next(WAIT)).isEqualTo("c:order=" + i);
      assertThat(onA.next(WAIT)).isEqualTo("c:order=" + i);
    }
  }

  @Test
  void throwingListenerDoesNotStopDeliveryToOthersAndIsReported() throws Exception {
    List<String> failures = new CopyOnWriteArrayList<>();
    List<Duration> lags = new CopyOnWriteArrayList<>();
    RedisBusListener events =
        new RedisBusListener() {
          @Override
          public void listenerFailed(String topic, Throwable cause) {
            failures.add(topic + ":" + cause.getMessage());
          }

          @Override
          public void messageReceived(String topic, int bytes, Duration lag) {
            lags.add(lag);
          }
        };
    RedisClusterBus a = node();
    RedisClusterBus b = node(events);
    subscribe(
        b,
        "c:9",
        (topic, payload) -> {
          throw new IllegalStateException("listener broke");
        });
    RecordingBusListener healthy = new RecordingBusListener();
    subscribe(b, "c:9", healthy);

    publish(a, "c:9", "x");

    assertThat(healthy.next(WAIT)).isEqualTo("c:9=x");
    assertThat(failures).containsExactly("c:9:listener broke");
    assertThat(lags).hasSize(1);
    assertThat(lags.get(0)).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(WAIT);
  }

  @Test
  void invalidTopicsAreRejectedWithTheValueAndTheExpectation() {
    RedisClusterBus bus = node();
    assertThatThrownBy(() -> bus.publish("", new byte[0]))
        .isInstanceOf(ChatException.class)
        .hasMessage("topic: length 0 (expected: 1..256)");
    assertThatThrownBy(() -> bus.subscribe("x".repeat(257), (t, p) -> {}))
        .isInstanceOf(ChatException.class)
        .hasMessage("topic: length 257 (expected: 1..256)");
    assertThatThrownBy(() -> bus.publish("c:1", null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void buildingAgainstAnUnreachableRedisFailsFastAsUnavailable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String unreachable = "redis://127.0.0.1:" + port;
    long start = System.nanoTime();
    assertThatThrownBy(() -> RedisClusterBus.builder().redisUri(unreachable).build())
        .isInstanceOfSatisfying(
            StoreUnavailableException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
              assertThat(e.retryable()).isTrue();
              assertThat(e.getMessage()).contains("127.0.0.1:" + port);
            });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void builderRejectsInvalidSettings() {
    assertThatThrownBy(() -> RedisClusterBus.builder().build())
        .isInstanceOf(ChatException.class)
        .hasMessageStartingWith("redisUri: missing");
    assertThatThrownBy(() -> RedisClusterBus.builder().commandTimeout(Duration.ZERO))
        .hasMessage("commandTimeout: PT0S (expected: PT0S < value <= PT1M)");
    assertThatThrownBy(() -> RedisClusterBus.builder().requestQueueSize(0))
        .hasMessage("requestQueueSize: 0 (expected: 1..1000000)");
    assertThatThrownBy(() -> RedisClusterBus.builder().redisUri("nonsense://x").build())
        .isInstanceOf(ChatException.class)
        .hasMessageStartingWith("redisUri: nonsense://x (expected:");
  }

  @Test
  void closedBusRefusesWorkAndCloseIsIdempotent() {
    RedisClusterBus bus = node();
    bus.close();
    bus.close();
    assertThat(bus.isConnected()).isFalse();
    assertThat(bus.publish("c:1", utf8("x")).toCompletableFuture())
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableThat()
        .withMessageContaining("bus: closed");
  }
}
