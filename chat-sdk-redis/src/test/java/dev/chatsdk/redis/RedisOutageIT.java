package dev.chatsdk.redis;

import static dev.chatsdk.redis.RecordingBusListener.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.Presence;
import dev.chatsdk.api.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stops and restarts a private redis-server under live buses and registries. */
class RedisOutageIT {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(10);

  /** Well under the 2 s command timeout: the command was rejected, not timed out. */
  private static final Duration FAIL_FAST = Duration.ofMillis(1500);

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private RedisServerProcess redis;

  @BeforeEach
  void startRedis() throws Exception {
    redis = RedisServerProcess.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  /** Fails the stage's failure into a value: the cause, and how long it took to fail. */
  private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
    try {
      future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the stage to fail, but it completed");
  }

  @Test
  void busFailsFastWhileRedisIsDownAndResubscribesByItselfWhenItReturns() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    RedisBusListener recorder =
        new RedisBusListener() {
          @Override
          public void connectionLost(String component) {
            events.add("lost:" + component);
          }

          @Override
          public void connectionRestored(String component, Duration downtime) {
            events.add("restored:" + component);
          }

          @Override
          public void publishFailed(String topic, Throwable cause) {
            events.add("publishFailed:" + topic);
          }
        };
    RedisClusterBus a = closeLater(RedisClusterBus.builder().redisUri(redis.uri()).build());
    RedisClusterBus b =
        closeLater(RedisClusterBus.builder().redisUri(redis.uri()).eventListener(recorder).build());
    RecordingBusListener onA = new RecordingBusListener();
    RecordingBusListener onB = new RecordingBusListener();
    a.subscribe("c:1", onA).toCompletableFuture().get(5, TimeUnit.SECONDS);
    b.subscribe("c:1", onB).toCompletableFuture().get(5, TimeUnit.SECONDS);
    a.publish("c:1", utf8("before")).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(onB.next(WAIT)).isEqualTo("c:1=before");
    assertThat(onA.next(WAIT)).isEqualTo("c:1=before");

    redis.stop();
    assertThat(RedisTestSupport.await(WAIT, () -> !a.isConnected() && !b.isConnected())).isTrue();

    long start = System.nanoTime();
    Throwable publishFailure = failureOf(a.publish("c:1", utf8("during")).toCompletableFuture());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAIL_FAST);
    assertThat(publishFailure).isInstanceOf(StoreUnavailableException.class);
    assertThat(((StoreUnavailableException) publishFailure).retryable()).isTrue();
    assertThat(onA.next(WAIT)).as("same-node delivery continues").isEqualTo("c:1=during");

    RecordingBusListener late = new RecordingBusListener();
    start = System.nanoTime();
    Throwable subscribeFailure = failureOf(b.subscribe("c:2", late).toCompletableFuture());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAIL_FAST);
    assertThat(subscribeFailure).isInstanceOf(StoreUnavailableException.class);
    assertThat(b.publish("c:2", utf8("x")).toCompletableFuture())
        .failsWithin(WAIT)
        .withThrowableThat()
        .withCauseInstanceOf(StoreUnavailableException.class);
    assertThat(late.next(Duration.ofMillis(200))).as("failed subscription stays inactive").isNull();

    redis.startAgain();
    long restartedAt = System.nanoTime();
    assertThat(RedisTestSupport.await(RECOVERY_BOUND, () -> onB.reconnects() == 1))
        .as("onReconnected within 10 s")
        .isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - restartedAt)).isLessThan(RECOVERY_BOUND);
    assertThat(RedisTestSupport.await(RECOVERY_BOUND, a::isConnected)).isTrue();

    a.publish("c:1", utf8("after")).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(onB.next(WAIT)).isEqualTo("c:1=after");
    assertThat(onA.next(WAIT)).isEqualTo("c:1=after");
    // onA got "after" directly (same node), so its own bus may still be resubscribing.
    assertThat(RedisTestSupport.await(RECOVERY_BOUND, () -> onA.reconnects() == 1))
        .as("onReconnected on the publishing node too")
        .isTrue();
    assertThat(events).contains("lost:bus", "restored:bus");
  }

  @Test
  void presenceIsRestoredWhenRedisReturnsWithoutItsData() throws Exception {
    RedisPresenceRegistry a =
        closeLater(
            RedisPresenceRegistry.builder()
                .redisUri(redis.uri())
                .nodeId("a")
                .leaseTtl(Duration.ofSeconds(6))
                .heartbeatInterval(Duration.ofMillis(500))
                .build());
    RedisPresenceRegistry b =
        closeLater(
            RedisPresenceRegistry.builder()
                .redisUri(redis.uri())
                .nodeId("b")
                .leaseTtl(Duration.ofSeconds(6))
                .heartbeatInterval(Duration.ofMillis(500))
                .build());
    RecordingPresenceListener onA = new RecordingPresenceListener();
    a.addListener(onA);
    assertThat(a.sessionOpened("alice", "s1").toCompletableFuture().get(5, TimeUnit.SECONDS))
        .isTrue();
    assertThat(onA.next(WAIT)).isEqualTo(new Presence("alice", true, null));

    redis.stop();
    assertThat(RedisTestSupport.await(WAIT, () -> !a.isConnected())).isTrue();
    Throwable failure = failureOf(a.sessionOpened("bob", "s2").toCompletableFuture());
    assertThat(failure).isInstanceOf(StoreUnavailableException.class);
    assertThat(failureOf(b.presence(List.of("alice")).toCompletableFuture()))
        .isInstanceOf(StoreUnavailableException.class);

    redis.startAgain();
    assertThat(
            RedisTestSupport.await(
                RECOVERY_BOUND,
                () -> {
                  try {
                    var presence =
                        b.presence(List.of("alice", "bob"))
                            .toCompletableFuture()
                            .get(2, TimeUnit.SECONDS);
                    return presence.get("alice").online() && presence.get("bob").online();
                  } catch (Exception e) {
                    return false;
                  }
                }))
        .as("a's sessions written back to the emptied Redis")
        .isTrue();
    List<Presence> restored = new ArrayList<>();
    restored.add(onA.next(WAIT));
    restored.add(onA.next(WAIT));
    assertThat(restored)
        .containsExactlyInAnyOrder(
            new Presence("alice", true, null), new Presence("bob", true, null));
  }
}
