package dev.chatsdk.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.WriteConcern;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MongoChatStoreBuilderTest {

  private static WriteConcern concernOf(String uri) {
    try (MongoChatStore store = MongoChatStore.builder().connectionString(uri).build()) {
      return store.writeConcern();
    }
  }

  @Test
  void writeConcernIsJournaledOnAStandaloneAndMajorityOnAReplicaSet() {
    assertThat(concernOf("mongodb://127.0.0.1:1")).isEqualTo(MongoChatStore.DEFAULT_WRITE_CONCERN);
    assertThat(concernOf("mongodb://127.0.0.1:1/?replicaSet=rs0"))
        .isEqualTo(MongoChatStore.DEFAULT_REPLICA_SET_WRITE_CONCERN);
    assertThat(concernOf("mongodb://127.0.0.1:1,127.0.0.1:2"))
        .isEqualTo(MongoChatStore.DEFAULT_REPLICA_SET_WRITE_CONCERN);
    assertThat(concernOf("mongodb://127.0.0.1:1/?w=2")).isEqualTo(new WriteConcern(2));
    assertThat(MongoChatStore.DEFAULT_WRITE_CONCERN.getJournal()).isTrue();
  }

  @Test
  void explicitOptionsWin() {
    try (MongoChatStore store =
        MongoChatStore.builder()
            .connectionString("mongodb://127.0.0.1:1/fromuri")
            .database("explicit")
            .writeConcern(WriteConcern.W1)
            .build()) {
      assertThat(store.databaseName()).isEqualTo("explicit");
      assertThat(store.writeConcern()).isEqualTo(WriteConcern.W1);
    }
    try (MongoChatStore store =
        MongoChatStore.builder().connectionString("mongodb://127.0.0.1:1/fromuri").build()) {
      assertThat(store.databaseName()).isEqualTo("fromuri");
    }
    try (MongoChatStore store = MongoChatStore.builder().build()) {
      assertThat(store.databaseName()).isEqualTo(MongoChatStore.DEFAULT_DATABASE);
    }
  }

  @Test
  void badOptionsAreRejectedWithTheValueAndTheExpectation() {
    assertThatThrownBy(() -> MongoChatStore.builder().connectionString("http://x"))
        .isInstanceOf(ChatException.class)
        .hasMessageStartingWith("connectionString: invalid")
        .extracting(e -> ((ChatException) e).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThatThrownBy(() -> MongoChatStore.builder().database("a.b"))
        .hasMessageContaining("database: 'a.b'");
    assertThatThrownBy(() -> MongoChatStore.builder().serverSelectionTimeout(Duration.ZERO))
        .hasMessage("serverSelectionTimeout: PT0S (expected: > 0)");
  }

  @Test
  void anUnreachableServerFailsPingRetryablyWithinTheSelectionTimeout() {
    try (MongoChatStore store =
        MongoChatStore.builder()
            .connectionString("mongodb://127.0.0.1:1")
            .serverSelectionTimeout(Duration.ofMillis(300))
            .build()) {
      // The first call also loads and starts the driver; time the second.
      for (int attempt = 0; attempt < 2; attempt++) {
        long started = System.nanoTime();
        assertThatThrownBy(() -> store.ping().toCompletableFuture().join())
            .cause()
            .isInstanceOf(dev.chatsdk.api.StoreUnavailableException.class);
        if (attempt == 1) {
          assertThat(Duration.ofNanos(System.nanoTime() - started))
              .isLessThan(Duration.ofSeconds(3));
        }
      }
    }
  }

  @Test
  void callsAfterCloseFailAsUnavailable() {
    MongoChatStore store =
        MongoChatStore.builder().connectionString("mongodb://127.0.0.1:1").build();
    store.close();
    store.close();

    assertThatThrownBy(() -> store.userStore().findById("x").toCompletableFuture().join())
        .cause()
        .isInstanceOf(dev.chatsdk.api.StoreUnavailableException.class);
  }
}
