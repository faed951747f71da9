package dev.chatsdk.client;

import java.time.Instant;
import java.util.Objects;

/**
 * A message the server stored for this client, as its {@code ack} described it.
 *
 * @param conversationId the conversation
 * @param clientMsgId the idempotency key the client generated for the send
 * @param id the stored message's id
 * @param seq the message's position in the conversation
 * @param createdAt when the store accepted the message
 * @param duplicate whether the ack answered a resend of an already stored message (the message was
 *     stored once either way)
 */
public record SentMessage(
    String conversationId,
    String clientMsgId,
    String id,
    long seq,
    Instant createdAt,
    boolean duplicate) {
  public SentMessage {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(clientMsgId, "clientMsgId");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
