package dev.chatsdk.api.port;

import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/** Issues bearer tokens for users. Thread-safe; non-blocking. */
@FunctionalInterface
public interface TokenIssuer {
  /** Issues a token for the user, valid until {@link IssuedToken#expiresAt()}. */
  CompletionStage<IssuedToken> issue(String userId);

  /** An issued token and its expiry. */
  record IssuedToken(String token, Instant expiresAt) {
    public IssuedToken {
      Objects.requireNonNull(token, "token");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
      return "IssuedToken[expiresAt=" + expiresAt + "]";
    }
  }
}
