package dev.chatsdk.api;

/** A member's role in a conversation. */
public enum MemberRole {
  /** May add and remove members and rename the group. */
  ADMIN,
  /** May read and write. */
  MEMBER
}
