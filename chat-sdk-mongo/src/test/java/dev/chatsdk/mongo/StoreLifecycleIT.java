package dev.chatsdk.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.AppendResult;
import dev.chatsdk.api.BlobInfo;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.ConversationKind;
import dev.chatsdk.api.Credentials;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Member;
import dev.chatsdk.api.MemberRole;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.NewMessage;
import dev.chatsdk.api.ReadMarker;
import dev.chatsdk.api.StoreUnavailableException;
import dev.chatsdk.api.User;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store (mongo-java-server with the H2 file backend) over TCP: data survives a restart
 * of the server, and a server that goes away mid-stream gives fast retryable errors, after which
 * the same store recovers without losing or duplicating what was acknowledged.
 */
class StoreLifecycleIT {
  private static final Instant T0 = Instant.parse("2026-02-03T04:05:06.789Z");

  @TempDir Path dir;

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
  }

  private static MongoChatStore storeFor(EmbeddedMongoServer server) {
    MongoChatStore store =
        MongoChatStore.builder()
            .connectionString(server.connectionString())
            .database("chat")
            .build();
    await(store.start());
    return store;
  }

  private static NewMessage message(String clientMsgId) {
    return new NewMessage("room", "alice", clientMsgId, "body " + clientMsgId, List.of(), T0);
  }

  @Test
  void dataSurvivesARestartOfTheServer() {
    Path file = dir.resolve("chat.h2");
    User alice = new User("u1", "Alice", "Alice", null, T0, null);
    Conversation room =
        new Conversation(
            "room",
            ConversationKind.GROUP,
            "Room",
            List.of(new Member("u1", MemberRole.ADMIN, T0)),
            T0);
    byte[] avatar = {1, 2, 3, 4, 5};
    List<Message> sent = new ArrayList<>();
    BlobInfo blob;
    Message edited;
    try (EmbeddedMongoServer server = EmbeddedMongoServer.start(file);
        MongoChatStore store = storeFor(server)) {
      await(store.userStore().create(alice));
      await(store.credentialStore().save(new Credentials("u1", "hash", 2)));
      await(store.conversationStore().create(room));
      for (int i = 0; i < 3; i++) {
        sent.add(await(store.messageStore().append(message("m" + i))).message());
      }
      edited = await(store.messageStore().edit("room", sent.get(1).id(), "changed", T0));
      await(store.messageStore().markRead(new ReadMarker("room", "u1", 2)));
      blob = await(store.blobStore().put("image/png", new ByteArrayInputStream(avatar), 100));
    }

    try (EmbeddedMongoServer server = EmbeddedMongoServer.start(file);
        MongoChatStore store = storeFor(server)) {
      assertThat(await(store.userStore().findByUsername("alice"))).contains(alice);
      assertThat(await(store.credentialStore().find("u1")))
          .contains(new Credentials("u1", "hash", 2));
      assertThat(await(store.conversationStore().find("room"))).contains(room);
      assertThat(await(store.messageStore().page("room", HistoryQuery.latest(10))))
          .containsExactly(sent.get(0), edited, sent.get(2));
      assertThat(await(store.messageStore().readMarker("room", "u1")).seq()).isEqualTo(2);
      assertThat(await(store.blobStore().get(blob.id())).orElseThrow().content()).isEqualTo(avatar);
      // The counter and the unique indexes came back too.
      AppendResult repeat = await(store.messageStore().append(message("m0")));
      assertThat(repeat.duplicate()).isTrue();
      assertThat(repeat.message()).isEqualTo(sent.get(0));
      assertThat(await(store.messageStore().append(message("m3"))).message().seq()).isEqualTo(5);
      assertThatThrownBy(
              () ->
                  await(store.userStore().create(new User("u2", "ALICE", "Other", null, T0, null))))
          .hasCauseInstanceOf(ChatException.class);
    }
  }

  @Test
  void serverGoingAwayMidStreamGivesRetryableErrorsWithinThreeSecondsAndTheStoreRecovers()
      throws Exception {
    try (EmbeddedMongoServer server = EmbeddedMongoServer.start(dir.resolve("outage.h2"));
        MongoChatStore store = storeFor(server)) {
      List<String> acknowledged = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      int i = 0;
      for (; i < 20; i++) {
        await(store.messageStore().append(message("before" + i)));
        acknowledged.add("before" + i);
      }

      // Stop the server while appends are in flight.
      List<java.util.concurrent.CompletableFuture<AppendResult>> inFlight = new ArrayList<>();
      for (int k = 0; k < 20; k++) {
        inFlight.add(store.messageStore().append(message("during" + k)).toCompletableFuture());
      }
      server.stop();
      long stopped = System.nanoTime();
      for (int k = 0; k < inFlight.size(); k++) {
        // Every call in flight ends, acknowledged or with a retryable error, within 3 s.
        long left = TimeUnit.SECONDS.toNanos(3) - (System.nanoTime() - stopped);
        try {
          inFlight.get(k).get(Math.max(left, 0), TimeUnit.NANOSECONDS);
          acknowledged.add("during" + k);
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(StoreUnavailableException.class);
          failed.add("during" + k);
        }
      }
      System.out.printf(
          "in flight at the stop: %d acknowledged, %d failed, all within %d ms%n",
          inFlight.size() - failed.size(),
          failed.size(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped));

      // While it is down, every call fails fast and retryably.
      for (int k = 0; k < 3; k++) {
        long started = System.nanoTime();
        Throwable error = catchFailure(store.messageStore().append(message("down" + k)));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(error).isInstanceOf(StoreUnavailableException.class);
        assertThat(((ChatException) error).retryable()).isTrue();
        assertThat(took).isLessThan(Duration.ofSeconds(3));
        failed.add("down" + k);
      }
      long pingStarted = System.nanoTime();
      assertThat(catchFailure(store.ping())).isInstanceOf(StoreUnavailableException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - pingStarted))
          .isLessThan(Duration.ofSeconds(3));
      assertThat(catchFailure(store.userStore().findById("u1")))
          .isInstanceOf(StoreUnavailableException.class);

      server.start();

      // The same store recovers: readiness comes back, and retrying every failed send is safe.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (true) {
        try {
          await(store.ping());
          break;
        } catch (CompletionException e) {
          assertThat(e.getCause()).isInstanceOf(StoreUnavailableException.class);
          assertThat(System.nanoTime()).isLessThan(deadline);
          Thread.sleep(100);
        }
      }
      for (String clientMsgId : failed) {
        await(store.messageStore().append(message(clientMsgId)));
      }
      for (String clientMsgId : acknowledged) {
        assertThat(await(store.messageStore().append(message(clientMsgId))).duplicate()).isTrue();
      }

      List<Message> all = await(store.messageStore().page("room", HistoryQuery.after(0, 200)));
      assertThat(all).extracting(Message::clientMsgId).doesNotHaveDuplicates();
      assertThat(all)
          .extracting(Message::clientMsgId)
          .containsExactlyInAnyOrderElementsOf(concat(acknowledged, failed));
      assertThat(all).extracting(Message::seq).isSorted();
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static Throwable catchFailure(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(3, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("expected a failure within 3 s, got " + e, e);
    }
    throw new AssertionError("expected a failure, but the call succeeded");
  }
}
