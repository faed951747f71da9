package dev.chatsdk.core.auth;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Credentials;
import dev.chatsdk.api.port.CredentialStore;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** A map-backed credential store for the auth tests. Thread-safe. */
final class TestCredentialStore implements CredentialStore {
  private final ConcurrentMap<String, Credentials> byUser = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<Void> save(Credentials credentials) {
    byUser.put(credentials.userId(), credentials);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Optional<Credentials>> find(String userId) {
    return CompletableFuture.completedFuture(Optional.ofNullable(byUser.get(userId)));
  }

  @Override
  public CompletionStage<Long> bumpTokenGeneration(String userId) {
    Credentials updated =
        byUser.computeIfPresent(
            userId, (id, c) -> new Credentials(id, c.passwordHash(), c.tokenGeneration() + 1));
    if (updated == null) {
      return CompletableFuture.failedFuture(
          ChatException.notFound("userId: '" + userId + "' has no credentials"));
    }
    return CompletableFuture.completedFuture(updated.tokenGeneration());
  }
}
