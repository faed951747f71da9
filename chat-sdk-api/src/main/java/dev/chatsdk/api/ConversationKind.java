package dev.chatsdk.api;

/** The kind of a conversation. */
public enum ConversationKind {
  /** One-to-one; unique per pair of users; exactly two members, no admins. */
  DIRECT,
  /** A titled group with member roles. */
  GROUP
}
