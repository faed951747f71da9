package dev.chatsdk.api.port;

import dev.chatsdk.api.ConversationKind;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A message about to be stored, as seen by a {@link MessagePolicy}.
 *
 * @param conversationId the target conversation
 * @param kind the conversation's kind
 * @param memberCount how many members the conversation has
 * @param senderId the authenticated author
 * @param sessionId the sending session (connection), or null when sent over REST
 * @param clientMsgId the author's idempotency key
 * @param body the text as it stands after earlier policies
 * @param at the time of the attempt
 */
public record MessageDraft(
    String conversationId,
    ConversationKind kind,
    int memberCount,
    String senderId,
    @Nullable String sessionId,
    String clientMsgId,
    String body,
    Instant at) {
  public MessageDraft {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(senderId, "senderId");
    Objects.requireNonNull(clientMsgId, "clientMsgId");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(at, "at");
  }

  /** The sending session, if the message came over a live connection. */
  public Optional<String> session() {
    return Optional.ofNullable(sessionId);
  }

  /** A copy with another body. */
  public MessageDraft withBody(String newBody) {
    return new MessageDraft(
        conversationId, kind, memberCount, senderId, sessionId, clientMsgId, newBody, at);
  }
}
