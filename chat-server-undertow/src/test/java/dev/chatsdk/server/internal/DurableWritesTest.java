package dev.chatsdk.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.AppendResult;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.NewMessage;
import dev.chatsdk.api.port.MessageStore;
import dev.chatsdk.core.memory.InMemoryMessageStore;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DurableWritesTest {

  @Test
  void aWriteCompletesOnlyAfterTheBarrierThatFollowsIt() throws Exception {
    CompletableFuture<Void> commit = new CompletableFuture<>();
    AtomicInteger barriers = new AtomicInteger();
    MessageStore store =
        DurableWrites.wrap(
            MessageStore.class,
            new InMemoryMessageStore(),
            () -> {
              barriers.incrementAndGet();
              return commit;
            });

    CompletableFuture<AppendResult> append =
        store
            .append(new NewMessage("c1", "u1", "k1", "hello", List.of(), Instant.now()))
            .toCompletableFuture();

    assertThat(barriers).hasValue(1);
    assertThat(append).isNotDone();
    commit.complete(null);
    assertThat(append.get(5, TimeUnit.SECONDS).message().seq()).isEqualTo(1);
  }

  @Test
  void readsDoNotWaitForTheBarrier() throws Exception {
    InMemoryMessageStore memory = new InMemoryMessageStore();
    memory
        .append(new NewMessage("c1", "u1", "k1", "hello", List.of(), Instant.now()))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    MessageStore store =
        DurableWrites.wrap(MessageStore.class, memory, () -> new CompletableFuture<>());

    assertThat(
            store
                .page("c1", HistoryQuery.latest(10))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS))
        .hasSize(1);
    assertThat(store.lastSeq("c1").toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(1);
  }

  @Test
  void aFailedBarrierFailsTheWrite() {
    MessageStore store =
        DurableWrites.wrap(
            MessageStore.class,
            new InMemoryMessageStore(),
            () -> CompletableFuture.failedFuture(new IllegalStateException("disk gone")));

    CompletableFuture<AppendResult> append =
        store
            .append(new NewMessage("c1", "u1", "k1", "hello", List.of(), Instant.now()))
            .toCompletableFuture();

    assertThat(append).failsWithin(5, TimeUnit.SECONDS);
  }

  @Test
  void everyMethodOfEveryStoragePortIsAKnownWriteOrRead() {
    for (Class<?> port :
        List.of(
            dev.chatsdk.api.port.UserStore.class,
            dev.chatsdk.api.port.ConversationStore.class,
            MessageStore.class,
            dev.chatsdk.api.port.CredentialStore.class,
            dev.chatsdk.api.port.BlobStore.class)) {
      org.assertj.core.api.Assertions.assertThatCode(() -> wrapUntyped(port))
          .as(port.getSimpleName())
          .doesNotThrowAnyException();
    }
  }

  private static <T> T wrapUntyped(Class<T> port) {
    T delegate =
        port.cast(
            java.lang.reflect.Proxy.newProxyInstance(
                port.getClassLoader(), new Class<?>[] {port}, (self, method, args) -> null));
    return DurableWrites.wrap(port, delegate, () -> CompletableFuture.completedFuture(null));
  }

  @Test
  void wrappingAPortWithAnUnlistedMethodFails() {
    interface Unlisted {
      CompletableFuture<Void> purge();
    }

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                DurableWrites.wrap(
                    Unlisted.class,
                    () -> CompletableFuture.completedFuture(null),
                    () -> CompletableFuture.completedFuture(null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unlisted.purge");
  }
}
