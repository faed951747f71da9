package dev.chatsdk.api;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A user's presence: online while any of their sessions is open on any node.
 *
 * @param userId the user
 * @param online whether any session is open
 * @param lastSeen when the last session closed; null while online or if never seen
 */
public record Presence(String userId, boolean online, @Nullable Instant lastSeen) {
  public Presence {
    Checks.id(userId, "userId");
  }

  /** The last-seen time, if known. */
  public Optional<Instant> lastSeenAt() {
    return Optional.ofNullable(lastSeen);
  }
}
