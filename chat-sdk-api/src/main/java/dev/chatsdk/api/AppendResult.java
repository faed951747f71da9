package dev.chatsdk.api;

import java.util.Objects;

/**
 * The outcome of an append.
 *
 * @param message the stored message (the earlier one if this was a duplicate)
 * @param duplicate true when {@code (conversationId, senderId, clientMsgId)} was already stored and
 *     nothing new was written
 */
public record AppendResult(Message message, boolean duplicate) {
  public AppendResult {
    Objects.requireNonNull(message, "message");
  }
}
