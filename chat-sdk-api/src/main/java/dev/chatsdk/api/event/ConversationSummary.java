package dev.chatsdk.api.event;

import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.Message;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A conversation as one member sees it in a list: with the counter, the member's read marker, the
 * exact unread count and the last message.
 *
 * @param conversation the conversation and its members
 * @param lastSeq the conversation's counter (highest seq or modSeq taken)
 * @param readSeq the viewing member's read marker
 * @param unread messages after {@code readSeq} not sent by the viewer and not deleted
 * @param lastMessage the newest message, or null if none
 */
public record ConversationSummary(
    Conversation conversation,
    long lastSeq,
    long readSeq,
    long unread,
    @Nullable Message lastMessage) {
  public ConversationSummary {
    Objects.requireNonNull(conversation, "conversation");
  }

  /** The newest message, if any. */
  public Optional<Message> last() {
    return Optional.ofNullable(lastMessage);
  }
}
