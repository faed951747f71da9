package dev.chatsdk.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A user's membership of a conversation.
 *
 * @param userId the member
 * @param role the member's role
 * @param joinedAt when the user joined
 */
public record Member(String userId, MemberRole role, Instant joinedAt) {
  public Member {
    Checks.id(userId, "userId");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(joinedAt, "joinedAt");
  }
}
