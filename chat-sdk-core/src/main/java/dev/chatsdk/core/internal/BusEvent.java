package dev.chatsdk.core.internal;

import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.User;
import org.jspecify.annotations.Nullable;

/**
 * An engine event as carried between nodes by the cluster bus, encoded as JSON by the protocol
 * codec. {@code node} is the publishing node (a node ignores its own events); {@code kind} says
 * which other fields are set.
 *
 * @param node the publishing node's id
 * @param kind {@code message}, {@code read}, {@code typing}, {@code conversation} or {@code user}
 * @param conversationId the conversation ({@code read}, {@code typing})
 * @param userId the user concerned ({@code read}, {@code typing}, {@code conversation})
 * @param seq the read marker ({@code read}); for {@code conversation}, the counter after which
 *     users who became members get every change
 * @param typing whether the user types ({@code typing})
 * @param message the stored message ({@code message})
 * @param change the conversation change ({@code conversation})
 * @param conversation the conversation after the change ({@code conversation})
 * @param user the updated profile ({@code user})
 */
record BusEvent(
    String node,
    String kind,
    @Nullable String conversationId,
    @Nullable String userId,
    @Nullable Long seq,
    @Nullable Boolean typing,
    @Nullable Message message,
    @Nullable String change,
    @Nullable Conversation conversation,
    @Nullable User user) {

  static BusEvent message(String node, Message message) {
    return new BusEvent(node, "message", null, null, null, null, message, null, null, null);
  }

  static BusEvent read(String node, String conversationId, String userId, long seq) {
    return new BusEvent(node, "read", conversationId, userId, seq, null, null, null, null, null);
  }

  static BusEvent typing(String node, String conversationId, String userId, boolean typing) {
    return new BusEvent(
        node, "typing", conversationId, userId, null, typing, null, null, null, null);
  }

  static BusEvent conversation(
      String node,
      String change,
      Conversation conversation,
      @Nullable String userId,
      long liveAfter) {
    return new BusEvent(
        node,
        "conversation",
        null,
        userId,
        liveAfter < 0 ? null : liveAfter,
        null,
        null,
        change,
        conversation,
        null);
  }

  static BusEvent user(String node, User user) {
    return new BusEvent(node, "user", null, null, null, null, null, null, null, user);
  }
}
