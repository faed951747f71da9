package dev.chatsdk.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A stored message.
 *
 * <p>{@code seq} is the message's position in its conversation, assigned by the store, strictly
 * increasing per conversation (holes from failed writes are allowed). Edits and deletes are durable
 * events too: each allocates a new number from the same per-conversation counter and records it as
 * {@code modSeq}, so a client resuming "after N" also receives changes made to older messages. For
 * a message never changed, {@code modSeq == seq}.
 *
 * @param id opaque, server-assigned identifier
 * @param conversationId the conversation
 * @param seq position in the conversation, {@code >= 1}
 * @param modSeq counter value of the latest change ({@code >= seq})
 * @param senderId the author
 * @param clientMsgId the author's idempotency key
 * @param body the text; empty once deleted
 * @param attachments blobs attached to the message
 * @param createdAt when the store accepted the message
 * @param editedAt when the body was last edited, or null
 * @param deleted whether the author deleted the message (a tombstone)
 */
public record Message(
    String id,
    String conversationId,
    long seq,
    long modSeq,
    String senderId,
    String clientMsgId,
    String body,
    List<Attachment> attachments,
    Instant createdAt,
    @Nullable Instant editedAt,
    boolean deleted) {

  /** Upper bound on a body's length in UTF-16 chars; the engine's default limit. */
  public static final int MAX_BODY = 4000;

  public Message {
    Checks.id(id, "id");
    Checks.id(conversationId, "conversationId");
    if (seq < 1) {
      throw ChatException.invalid("seq: " + seq + " (expected: >= 1)");
    }
    if (modSeq < seq) {
      throw ChatException.invalid("modSeq: " + modSeq + " (expected: >= seq " + seq + ")");
    }
    Checks.id(senderId, "senderId");
    Checks.id(clientMsgId, "clientMsgId");
    Objects.requireNonNull(body, "body");
    attachments = List.copyOf(Objects.requireNonNull(attachments, "attachments"));
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** When the body was last edited, if ever. */
  public Optional<Instant> edited() {
    return Optional.ofNullable(editedAt);
  }

  /** A copy edited at {@code at}, with change number {@code newModSeq}. */
  public Message withEdit(String newBody, long newModSeq, Instant at) {
    return new Message(
        id,
        conversationId,
        seq,
        newModSeq,
        senderId,
        clientMsgId,
        newBody,
        attachments,
        createdAt,
        at,
        deleted);
  }

  /** A tombstone copy: body and attachments cleared, with change number {@code newModSeq}. */
  public Message asDeleted(long newModSeq, Instant at) {
    return new Message(
        id,
        conversationId,
        seq,
        newModSeq,
        senderId,
        clientMsgId,
        "",
        List.of(),
        createdAt,
        at,
        true);
  }
}
