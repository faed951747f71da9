package dev.chatsdk.api.port;

import dev.chatsdk.api.Credentials;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Stores password hashes and token generations. Thread-safe; non-blocking. */
public interface CredentialStore {
  /** Creates or replaces the credentials of {@code credentials.userId()}. */
  CompletionStage<Void> save(Credentials credentials);

  /** The credentials of a user, if any. */
  CompletionStage<Optional<Credentials>> find(String userId);

  /**
   * Atomically raises the user's token generation by one, revoking every token issued under an
   * older generation, and completes with the new generation. Fails with {@code NOT_FOUND} when the
   * user has no credentials.
   */
  CompletionStage<Long> bumpTokenGeneration(String userId);
}
