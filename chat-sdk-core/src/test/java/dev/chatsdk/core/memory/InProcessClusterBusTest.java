package dev.chatsdk.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.port.ClusterBus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InProcessClusterBusTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final InProcessClusterBus bus = new InProcessClusterBus();

  @AfterEach
  void closeBus() {
    bus.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void mayReachOthersOnlyWhileAListenerOtherThanTheAskersIsSubscribed() throws Exception {
    ClusterBus.Listener own = (topic, payload) -> {};
    ClusterBus.Listener other = (topic, payload) -> {};
    assertThat(bus.mayReachOthers("t", own)).isFalse();

    bus.subscribe("t", own).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(bus.mayReachOthers("t", own)).isFalse();

    ClusterBus.Subscription sub =
        bus.subscribe("t", other).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(bus.mayReachOthers("t", own)).isTrue();
    assertThat(bus.mayReachOthers("u", own)).isFalse();

    sub.unsubscribe().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(bus.mayReachOthers("t", own)).isFalse();
  }

  @Test
  void listenersRunOnTheBusThreadsNotThePublishers() throws Exception {
    List<String> threads = new CopyOnWriteArrayList<>();
    bus.subscribe("t", (topic, payload) -> threads.add(Thread.currentThread().getName()))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);

    bus.publish("t", utf8("x"));

    awaitSize(threads, 1);
    assertThat(threads.get(0)).startsWith("chat-inprocess-bus-");
    assertThat(threads.get(0)).isNotEqualTo(Thread.currentThread().getName());
  }

  @Test
  void eachListenerGetsItsOwnCopyOfThePayload() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    ClusterBus.Listener vandal =
        (topic, payload) -> {
          payload[0] = 'X';
          seen.add("vandal:" + new String(payload, StandardCharsets.UTF_8));
        };
    bus.subscribe("t", vandal).toCompletableFuture().get(5, TimeUnit.SECONDS);
    bus.subscribe(
            "t",
            (topic, payload) -> seen.add("reader:" + new String(payload, StandardCharsets.UTF_8)))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    byte[] payload = utf8("abc");

    bus.publish("t", payload);
    payload[1] = 'Z';

    awaitSize(seen, 2);
    assertThat(seen).containsExactlyInAnyOrder("vandal:Xbc", "reader:abc");
  }

  @Test
  void aThrowingListenerDoesNotStopLaterDeliveries() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    bus.subscribe(
            "t",
            (topic, payload) -> {
              String text = new String(payload, StandardCharsets.UTF_8);
              seen.add(text);
              if (text.equals("first")) {
                throw new IllegalStateException("listener bug");
              }
            })
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);

    bus.publish("t", utf8("first"));
    bus.publish("t", utf8("second"));

    awaitSize(seen, 2);
    assertThat(seen).containsExactly("first", "second");
  }

  @Test
  void publishAndSubscribeAfterCloseFailWithUnavailable() {
    bus.close();
    bus.close();

    assertThat(bus.publish("t", utf8("late")).toCompletableFuture())
        .failsWithin(WAIT)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    assertThat(bus.subscribe("t", (topic, payload) -> {}).toCompletableFuture())
        .failsWithin(WAIT)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause()
        .isInstanceOf(ChatException.class);
  }

  @Test
  void closeLeavesACallerExecutorRunning() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      InProcessClusterBus shared = new InProcessClusterBus(executor);
      List<String> seen = new CopyOnWriteArrayList<>();
      shared
          .subscribe("t", (topic, payload) -> seen.add(topic))
          .toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
      shared.publish("t", utf8("x"));
      awaitSize(seen, 1);

      shared.close();

      assertThat(executor.isShutdown()).isFalse();
    } finally {
      executor.shutdownNow();
    }
  }

  private static void awaitSize(List<?> list, int size) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (list.size() < size) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("expected " + size + " entries within " + WAIT + ", got " + list);
      }
      Thread.sleep(5);
    }
  }
}
