package dev.chatsdk.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A message to append; the store assigns {@code id} and {@code seq}.
 *
 * @param conversationId the conversation
 * @param senderId the author
 * @param clientMsgId the author's idempotency key: a second append with the same {@code
 *     (conversationId, senderId, clientMsgId)} returns the first message
 * @param body the text
 * @param attachments attached blobs
 * @param createdAt the time to record
 */
public record NewMessage(
    String conversationId,
    String senderId,
    String clientMsgId,
    String body,
    List<Attachment> attachments,
    Instant createdAt) {
  public NewMessage {
    Checks.id(conversationId, "conversationId");
    Checks.id(senderId, "senderId");
    Checks.id(clientMsgId, "clientMsgId");
    Objects.requireNonNull(body, "body");
    attachments = List.copyOf(Objects.requireNonNull(attachments, "attachments"));
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
