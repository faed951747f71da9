package dev.chatsdk.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * An authenticated identity, as established by an {@code Authenticator} from a verified token.
 * Identity in the SDK comes only from a principal, never from a request payload.
 *
 * @param userId the authenticated user's id
 * @param roles application roles carried by the token (may be empty)
 * @param expiresAt when the token that proved this identity expires
 */
public record Principal(String userId, Set<String> roles, Instant expiresAt) {
  public Principal {
    Checks.id(userId, "userId");
    roles = Set.copyOf(Objects.requireNonNull(roles, "roles"));
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** Whether the principal has the given role. */
  public boolean hasRole(String role) {
    return roles.contains(role);
  }
}
