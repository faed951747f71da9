package dev.chatsdk.core.memory;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.User;
import dev.chatsdk.api.port.UserStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link UserStore} on the heap. Usernames are unique case-insensitively. Thread-safe: reads are
 * lock-free, writes are serialised on one lock held only for map updates. Every stage is complete
 * when the method returns.
 */
public final class InMemoryUserStore implements UserStore {
  private final Map<String, User> byId = new ConcurrentHashMap<>();
  private final Map<String, String> idByUsernameKey = new ConcurrentHashMap<>();
  private final Object writeLock = new Object();

  /** Creates an empty store. */
  public InMemoryUserStore() {}

  @Override
  public CompletionStage<User> create(User user) {
    Objects.requireNonNull(user, "user");
    return Stages.now(
        () -> {
          synchronized (writeLock) {
            if (byId.containsKey(user.id())) {
              throw new ChatException(ErrorCode.CONFLICT, "id: '" + user.id() + "' is taken");
            }
            if (idByUsernameKey.containsKey(user.usernameKey())) {
              throw new ChatException(
                  ErrorCode.CONFLICT, "username: '" + user.username() + "' is taken");
            }
            idByUsernameKey.put(user.usernameKey(), user.id());
            byId.put(user.id(), user);
            return user;
          }
        });
  }

  @Override
  public CompletionStage<Optional<User>> findById(String id) {
    Objects.requireNonNull(id, "id");
    return Stages.now(() -> Optional.ofNullable(byId.get(id)));
  }

  @Override
  public CompletionStage<Optional<User>> findByUsername(String username) {
    Objects.requireNonNull(username, "username");
    return Stages.now(
        () -> {
          String id = idByUsernameKey.get(User.normalizeUsername(username));
          return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
        });
  }

  @Override
  public CompletionStage<List<User>> findByIds(Collection<String> ids) {
    Objects.requireNonNull(ids, "ids");
    return Stages.now(
        () -> {
          List<User> found = new ArrayList<>();
          for (String id : Set.copyOf(ids)) {
            User user = byId.get(id);
            if (user != null) {
              found.add(user);
            }
          }
          return List.copyOf(found);
        });
  }

  @Override
  public CompletionStage<List<User>> search(String query, int limit) {
    Objects.requireNonNull(query, "query");
    return Stages.now(
        () -> {
          if (limit < 1) {
            throw ChatException.invalid("limit: " + limit + " (expected: >= 1)");
          }
          String needle = query.toLowerCase(Locale.ROOT);
          return byId.values().stream()
              .filter(
                  u ->
                      u.usernameKey().contains(needle)
                          || u.displayName().toLowerCase(Locale.ROOT).contains(needle))
              .sorted(Comparator.comparing(User::usernameKey))
              .limit(limit)
              .toList();
        });
  }

  @Override
  public CompletionStage<User> updateProfile(User user) {
    Objects.requireNonNull(user, "user");
    return Stages.now(
        () -> {
          synchronized (writeLock) {
            User stored = byId.get(user.id());
            if (stored == null) {
              throw ChatException.notFound("user: '" + user.id() + "' does not exist");
            }
            User updated = stored.withDisplayName(user.displayName()).withAvatarId(user.avatarId());
            byId.put(updated.id(), updated);
            return updated;
          }
        });
  }

  @Override
  public CompletionStage<Void> updateLastSeen(String userId, Instant at) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(at, "at");
    return Stages.now(
        () -> {
          synchronized (writeLock) {
            byId.computeIfPresent(userId, (id, stored) -> stored.withLastSeenAt(at));
          }
          return null;
        });
  }
}
