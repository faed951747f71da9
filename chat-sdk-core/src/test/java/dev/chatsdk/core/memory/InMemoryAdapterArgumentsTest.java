package dev.chatsdk.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.BlobInfo;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.ConversationKind;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Member;
import dev.chatsdk.api.MemberRole;
import dev.chatsdk.api.port.BlobStore.Blob;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Argument checks and details of the in-memory adapters that the port contracts leave open. */
class InMemoryAdapterArgumentsTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private static void assertFailsWith(CompletionStage<?> stage, ErrorCode code, String text) {
    assertThat(stage.toCompletableFuture())
        .failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            ChatException.class,
            e -> {
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.getMessage()).contains(text);
            });
  }

  @Test
  void userSearchRejectsANonPositiveLimit() {
    assertFailsWith(
        new InMemoryUserStore().search("", 0),
        ErrorCode.INVALID_ARGUMENT,
        "limit: 0 (expected: >= 1)");
  }

  @Test
  void messageStoreRejectsNegativeCursorsAndNonPositiveLimits() {
    InMemoryMessageStore store = new InMemoryMessageStore();

    assertFailsWith(store.changesSince("c", -1, 10), ErrorCode.INVALID_ARGUMENT, "afterModSeq: -1");
    assertFailsWith(store.changesSince("c", 0, 0), ErrorCode.INVALID_ARGUMENT, "limit: 0");
    assertFailsWith(store.countUnread("c", "u", -1), ErrorCode.INVALID_ARGUMENT, "afterSeq: -1");
  }

  @Test
  void blobStoreRejectsANegativeCapAndStampsBlobsWithItsClock() {
    Instant fixed = Instant.parse("2026-11-24T10:00:00Z");
    InMemoryBlobStore store = new InMemoryBlobStore(Clock.fixed(fixed, ZoneOffset.UTC));

    assertFailsWith(
        store.put("image/png", new ByteArrayInputStream(new byte[1]), -1),
        ErrorCode.INVALID_ARGUMENT,
        "maxBytes: -1");
    BlobInfo info =
        store
            .put("image/png", new ByteArrayInputStream(new byte[] {1, 2}), 10)
            .toCompletableFuture()
            .join();
    assertThat(info.createdAt()).isEqualTo(fixed);
  }

  @Test
  void blobContentHandedOutIsACopy() {
    InMemoryBlobStore store = new InMemoryBlobStore();
    BlobInfo info =
        store
            .put("image/png", new ByteArrayInputStream(new byte[] {1, 2, 3}), 10)
            .toCompletableFuture()
            .join();

    Blob first = store.get(info.id()).toCompletableFuture().join().orElseThrow();
    first.content()[0] = 9;

    Blob second = store.get(info.id()).toCompletableFuture().join().orElseThrow();
    assertThat(second.content()).containsExactly(1, 2, 3);
  }

  @Test
  void renamingADirectConversationIsInvalid() {
    InMemoryConversationStore store = new InMemoryConversationStore();
    Conversation direct =
        new Conversation(
            "c1",
            ConversationKind.DIRECT,
            null,
            List.of(
                new Member("a", MemberRole.MEMBER, Instant.EPOCH),
                new Member("b", MemberRole.MEMBER, Instant.EPOCH)),
            Instant.EPOCH);
    store.create(direct).toCompletableFuture().join();

    assertFailsWith(store.rename("c1", "Title"), ErrorCode.INVALID_ARGUMENT, "title");
    assertThat(store.find("c1").toCompletableFuture().join()).contains(direct);
  }
}
