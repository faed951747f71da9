package dev.chatsdk.client;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Supplies the bearer token a {@link ChatClient} authenticates with. The client calls it for every
 * connection attempt ({@code refresh = false}: a cached token that is still valid will do) and
 * before the token expires or after the server refused it ({@code refresh = true}: a new token is
 * needed).
 *
 * <p>Called from the client's internal thread: implementations must not block; return a stage that
 * completes later instead. A stage that fails with a non-retryable {@link
 * dev.chatsdk.api.ChatException} on the first connection closes the client; later failures are
 * reported to {@link ChatListener#onError} and retried with backoff.
 */
@FunctionalInterface
public interface TokenProvider {

  /**
   * The token to use.
   *
   * @param refresh whether the previous token expired, is about to, or was refused
   */
  CompletionStage<String> token(boolean refresh);

  /** A provider that always answers {@code token} (it cannot refresh). */
  static TokenProvider of(String token) {
    Objects.requireNonNull(token, "token");
    return refresh -> CompletableFuture.completedFuture(token);
  }
}
