package dev.chatsdk.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.AppendResult;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.Principal;
import dev.chatsdk.api.User;
import dev.chatsdk.api.event.ConversationSummary;
import dev.chatsdk.api.port.Authenticator;
import dev.chatsdk.core.ChatEngine;
import dev.chatsdk.testkit.RecordingConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The engine of chat-sdk-core runs unchanged on the MongoDB stores. */
class ChatEngineOnMongoTest extends MongoStoreTestBase {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static final Authenticator NO_TOKENS =
      token ->
          CompletableFuture.failedFuture(
              new ChatException(ErrorCode.UNAUTHENTICATED, "token: not used in this test"));

  private static Principal principal(String userId) {
    return new Principal(userId, Set.of(), Instant.now().plus(Duration.ofHours(1)));
  }

  private ChatEngine engine() {
    return ChatEngine.builder()
        .userStore(store.userStore())
        .conversationStore(store.conversationStore())
        .messageStore(store.messageStore())
        .authenticator(NO_TOKENS)
        .build();
  }

  private void user(String id) {
    await(
        store
            .userStore()
            .create(new User(id, "user_" + id, "User " + id, null, Instant.now(), null)));
  }

  @Test
  void messagesAreStoredDeliveredDeduplicatedAndCountedAsUnread() {
    user("alice");
    user("bob");
    try (ChatEngine engine = engine()) {
      Conversation direct = await(engine.createDirect(principal("alice"), "bob"));
      RecordingConnection bob = new RecordingConnection();
      engine.openSession(principal("bob"), bob);
      bob.awaitType("hello", WAIT);

      AppendResult sent = await(engine.send(principal("alice"), direct.id(), "c-1", "hello bob"));
      AppendResult again = await(engine.send(principal("alice"), direct.id(), "c-1", "hello bob"));
      String frame = bob.awaitFrame(f -> f.contains("\"type\":\"message\""), WAIT);

      assertThat(frame).contains("hello bob");
      assertThat(again.duplicate()).isTrue();
      assertThat(again.message()).isEqualTo(sent.message());
      assertThat(await(engine.history(principal("bob"), direct.id(), HistoryQuery.latest(10))))
          .extracting(Message::body)
          .containsExactly("hello bob");
      ConversationSummary summary = await(engine.conversation(principal("bob"), direct.id()));
      assertThat(summary.unread()).isEqualTo(1);
      await(engine.markRead(principal("bob"), direct.id(), sent.message().seq()));
      assertThat(await(engine.conversation(principal("bob"), direct.id())).unread()).isZero();
      assertThat(await(engine.createDirect(principal("bob"), "alice")).id()).isEqualTo(direct.id());
    }
  }

  @Test
  void aSecondEngineOnTheSameStoreSeesTheHistory() {
    user("carol");
    user("dave");
    String conversationId;
    try (ChatEngine first = engine()) {
      Conversation group = await(first.createGroup(principal("carol"), "Team", List.of("dave")));
      conversationId = group.id();
      await(first.send(principal("carol"), conversationId, "c-1", "one"));
      await(first.send(principal("dave"), conversationId, "c-2", "two"));
    }
    try (ChatEngine second = engine()) {
      assertThat(await(second.history(principal("dave"), conversationId, HistoryQuery.latest(10))))
          .extracting(Message::body)
          .containsExactly("one", "two");
      assertThat(await(second.conversations(principal("carol"))))
          .singleElement()
          .satisfies(s -> assertThat(s.unread()).isEqualTo(1));
    }
  }
}
