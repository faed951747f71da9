package dev.chatsdk.core.memory;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Credentials;
import dev.chatsdk.api.port.CredentialStore;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link CredentialStore} on the heap. Thread-safe; token generations are raised atomically.
 * Every stage is complete when the method returns.
 */
public final class InMemoryCredentialStore implements CredentialStore {
  private final Map<String, Credentials> byUserId = new ConcurrentHashMap<>();

  /** Creates an empty store. */
  public InMemoryCredentialStore() {}

  @Override
  public CompletionStage<Void> save(Credentials credentials) {
    Objects.requireNonNull(credentials, "credentials");
    return Stages.now(
        () -> {
          byUserId.put(credentials.userId(), credentials);
          return null;
        });
  }

  @Override
  public CompletionStage<Optional<Credentials>> find(String userId) {
    Objects.requireNonNull(userId, "userId");
    return Stages.now(() -> Optional.ofNullable(byUserId.get(userId)));
  }

  @Override
  public CompletionStage<Long> bumpTokenGeneration(String userId) {
    Objects.requireNonNull(userId, "userId");
    return Stages.now(
        () -> {
          Credentials bumped =
              byUserId.computeIfPresent(
                  userId,
                  (id, c) -> new Credentials(id, c.passwordHash(), c.tokenGeneration() + 1));
          if (bumped == null) {
            throw ChatException.notFound("credentials: none for user '" + userId + "'");
          }
          return bumped.tokenGeneration();
        });
  }
}
