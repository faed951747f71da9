package dev.chatsdk.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.Presence;
import dev.chatsdk.api.port.PresenceRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryPresenceRegistryTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Instant AT = Instant.parse("2026-11-24T10:00:00.123Z");

  /** Records presence changes and the threads they arrived on. */
  private static final class Recorder implements PresenceRegistry.Listener {
    final List<Presence> changes = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void onPresenceChanged(Presence presence) {
      changes.add(presence);
      threads.add(Thread.currentThread().getName());
    }
  }

  @Test
  void listenersHearTransitionsMadeThroughTheirOwnInstanceInOrder() throws Exception {
    try (InMemoryPresenceRegistry registry = new InMemoryPresenceRegistry()) {
      Recorder recorder = new Recorder();
      registry.addListener(recorder);

      registry.sessionOpened("alice", "s1").toCompletableFuture().get(5, TimeUnit.SECONDS);
      registry.sessionOpened("alice", "s2").toCompletableFuture().get(5, TimeUnit.SECONDS);
      registry.sessionClosed("alice", "s1", AT).toCompletableFuture().get(5, TimeUnit.SECONDS);
      registry.sessionClosed("alice", "s2", AT).toCompletableFuture().get(5, TimeUnit.SECONDS);

      awaitSize(recorder.changes, 2);
      assertThat(recorder.changes)
          .containsExactly(new Presence("alice", true, null), new Presence("alice", false, AT));
      assertThat(recorder.threads).allMatch(t -> t.startsWith("chat-inmemory-presence-"));
    }
  }

  @Test
  void closingOnePeerLeavesTheOthersWorking() throws Exception {
    InMemoryPresenceRegistry first = new InMemoryPresenceRegistry();
    try (InMemoryPresenceRegistry second = first.peer()) {
      Recorder firstRecorder = new Recorder();
      Recorder secondRecorder = new Recorder();
      first.addListener(firstRecorder);
      second.addListener(secondRecorder);
      first.sessionOpened("bob", "s1").toCompletableFuture().get(5, TimeUnit.SECONDS);
      awaitSize(firstRecorder.changes, 1);

      first.close();
      first.close();
      second.sessionClosed("bob", "s1", AT).toCompletableFuture().get(5, TimeUnit.SECONDS);

      awaitSize(secondRecorder.changes, 2);
      assertThat(secondRecorder.changes.get(1)).isEqualTo(new Presence("bob", false, AT));
      assertThat(second.presence(List.of("bob")).toCompletableFuture().get(5, TimeUnit.SECONDS))
          .containsEntry("bob", new Presence("bob", false, AT));
      Thread.sleep(50);
      assertThat(firstRecorder.changes).containsExactly(new Presence("bob", true, null));
    }
  }

  @Test
  void aThrowingListenerDoesNotStopTheOthers() throws Exception {
    try (InMemoryPresenceRegistry registry = new InMemoryPresenceRegistry()) {
      Recorder recorder = new Recorder();
      registry.addListener(
          new PresenceRegistry.Listener() {
            @Override
            public void onPresenceChanged(Presence presence) {
              throw new IllegalStateException("listener bug");
            }
          });
      registry.addListener(recorder);

      registry.sessionOpened("carol", "s1").toCompletableFuture().get(5, TimeUnit.SECONDS);
      registry.sessionClosed("carol", "s1", AT).toCompletableFuture().get(5, TimeUnit.SECONDS);

      awaitSize(recorder.changes, 2);
      assertThat(recorder.changes.get(1).online()).isFalse();
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
