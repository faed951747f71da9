package dev.chatsdk.api.port;

import dev.chatsdk.api.AppendResult;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.NewMessage;
import dev.chatsdk.api.ReadMarker;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Stores messages and read markers. Owns the per-conversation counter that numbers messages ({@code
 * seq}) and changes ({@code modSeq}). Thread-safe; non-blocking.
 *
 * <p>Contract: {@link #append} numbers messages strictly increasing per conversation, and is
 * idempotent per {@code (conversationId, senderId, clientMsgId)}: concurrent or repeated appends
 * with the same key store one message and all complete with it. A stage that completes normally
 * means the write is durable to the store's configured level. Holes in the numbering (from writes
 * that failed after a number was taken, or numbers used by edits) are allowed and never returned as
 * messages.
 */
public interface MessageStore {
  /** Appends a message, or returns the stored one for a repeated idempotency key. */
  CompletionStage<AppendResult> append(NewMessage message);

  /** A page of messages by {@code seq}, always ascending; tombstones included. */
  CompletionStage<List<Message>> page(String conversationId, HistoryQuery query);

  /**
   * Messages created or changed after counter value {@code afterModSeq}: those with {@code modSeq >
   * afterModSeq}, ascending by {@code modSeq}, at most {@code limit}. Used to resume.
   */
  CompletionStage<List<Message>> changesSince(String conversationId, long afterModSeq, int limit);

  /** The message with this id in this conversation. */
  CompletionStage<Optional<Message>> find(String conversationId, String messageId);

  /**
   * Replaces a message's body, takes a new counter value for {@code modSeq}, sets {@code editedAt}.
   * Fails with {@code NOT_FOUND}; editing a deleted message fails with {@code CONFLICT}.
   */
  CompletionStage<Message> edit(String conversationId, String messageId, String body, Instant at);

  /**
   * Turns a message into a tombstone (empty body, no attachments, {@code deleted}), with a new
   * {@code modSeq}. Deleting a deleted message returns it unchanged. Fails with {@code NOT_FOUND}.
   */
  CompletionStage<Message> delete(String conversationId, String messageId, Instant at);

  /** The conversation's counter: the highest seq or modSeq taken so far, 0 if none. */
  CompletionStage<Long> lastSeq(String conversationId);

  /**
   * Moves a read marker forward; a marker never moves back. Completes with the marker as stored
   * (which may be ahead of the argument).
   */
  CompletionStage<ReadMarker> markRead(ReadMarker marker);

  /** The user's read marker in a conversation; seq 0 if none. */
  CompletionStage<ReadMarker> readMarker(String conversationId, String userId);

  /** Every member's read marker in a conversation (users without a marker are absent). */
  CompletionStage<List<ReadMarker>> readMarkers(String conversationId);

  /**
   * Exact unread count: messages with {@code seq > afterSeq}, not sent by {@code userId}, not
   * deleted.
   */
  CompletionStage<Long> countUnread(String conversationId, String userId, long afterSeq);
}
