package dev.chatsdk.api;

import java.util.Objects;

/**
 * A user's stored password hash and token generation.
 *
 * @param userId the user
 * @param passwordHash an encoded hash as produced by a {@code PasswordHasher} (never the password)
 * @param tokenGeneration tokens carry the generation they were issued under; raising it (logout,
 *     password change) revokes every older token of this user
 */
public record Credentials(String userId, String passwordHash, long tokenGeneration) {
  public Credentials {
    Checks.id(userId, "userId");
    Objects.requireNonNull(passwordHash, "passwordHash");
    Checks.nonNegative(tokenGeneration, "tokenGeneration");
  }

  @Override
  public String toString() {
    return "Credentials[userId=" + userId + ", tokenGeneration=" + tokenGeneration + "]";
  }
}
