package dev.chatsdk.core.auth;

import dev.chatsdk.api.User;
import dev.chatsdk.api.port.TokenIssuer;
import java.util.Objects;

/**
 * The outcome of a successful sign-up or login: the user and a fresh token. {@link #toString()}
 * leaves the token out.
 *
 * @param user the signed-up or logged-in user
 * @param token the token issued for them
 */
public record AuthResult(User user, TokenIssuer.IssuedToken token) {
  public AuthResult {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(token, "token");
  }
}
