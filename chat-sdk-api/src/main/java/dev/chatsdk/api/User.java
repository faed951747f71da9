package dev.chatsdk.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A chat user as stored. The username is unique case-insensitively (stores key it by {@link
 * #usernameKey()}).
 *
 * @param id opaque, server-assigned identifier
 * @param username login name, 3..32 characters of {@code [A-Za-z0-9_.-]}
 * @param displayName shown name, 1..64 characters
 * @param avatarId blob id of the profile picture, or null if none
 * @param createdAt when the account was created
 * @param lastSeenAt when the user's last session closed, or null if never seen
 */
public record User(
    String id,
    String username,
    String displayName,
    @Nullable String avatarId,
    Instant createdAt,
    @Nullable Instant lastSeenAt) {

  /** Upper bound on {@link #displayName()} length. */
  public static final int MAX_DISPLAY_NAME = 64;

  public User {
    Checks.id(id, "id");
    Objects.requireNonNull(username, "username");
    if (!validUsername(username)) {
      throw ChatException.invalid(
          "username: '" + username + "' (expected: 3..32 characters of A-Z a-z 0-9 _ . -)");
    }
    Objects.requireNonNull(displayName, "displayName");
    if (displayName.isBlank() || displayName.length() > MAX_DISPLAY_NAME) {
      throw ChatException.invalid(
          "displayName: length " + displayName.length() + " (expected: 1..64, not blank)");
    }
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** Whether {@code username} is an acceptable login name. */
  public static boolean validUsername(String username) {
    return username.matches("[A-Za-z0-9_.-]{3,32}");
  }

  /** The normalised (lower-case) username that uniqueness is keyed by. */
  public String usernameKey() {
    return normalizeUsername(username);
  }

  /** Normalises a username for case-insensitive lookup. */
  public static String normalizeUsername(String username) {
    return username.toLowerCase(java.util.Locale.ROOT);
  }

  /** The avatar blob id, if any. */
  public Optional<String> avatar() {
    return Optional.ofNullable(avatarId);
  }

  /** A copy with another display name. */
  public User withDisplayName(String newDisplayName) {
    return new User(id, username, newDisplayName, avatarId, createdAt, lastSeenAt);
  }

  /** A copy with another avatar blob id (null removes it). */
  public User withAvatarId(@Nullable String newAvatarId) {
    return new User(id, username, displayName, newAvatarId, createdAt, lastSeenAt);
  }

  /** A copy with another last-seen time. */
  public User withLastSeenAt(@Nullable Instant newLastSeenAt) {
    return new User(id, username, displayName, avatarId, createdAt, newLastSeenAt);
  }
}
