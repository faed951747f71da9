package dev.chatsdk.client;

import dev.chatsdk.api.User;
import java.util.Objects;

/**
 * The answer to a sign-up or log-in: the user and a bearer token for REST and WebSocket.
 *
 * @param user the account
 * @param token the bearer token (kept out of {@link #toString()})
 */
public record AuthSession(User user, String token) {
  public AuthSession {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(token, "token");
  }

  @Override
  public String toString() {
    return "AuthSession[user=" + user.username() + "]";
  }
}
