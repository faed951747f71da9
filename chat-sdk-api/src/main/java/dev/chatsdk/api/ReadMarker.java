package dev.chatsdk.api;

/**
 * "Read up to": the user has read every message of the conversation with seq {@code <= seq}.
 * Markers only move forward.
 */
public record ReadMarker(String conversationId, String userId, long seq) {
  public ReadMarker {
    Checks.id(conversationId, "conversationId");
    Checks.id(userId, "userId");
    Checks.nonNegative(seq, "seq");
  }
}
