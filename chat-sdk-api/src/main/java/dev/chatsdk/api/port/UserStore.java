package dev.chatsdk.api.port;

import dev.chatsdk.api.User;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Stores users. Implementations are thread-safe; every method is non-blocking and completes its
 * stage exceptionally with a {@link dev.chatsdk.api.ChatException} (a {@link
 * dev.chatsdk.api.StoreUnavailableException} when the backing store cannot be reached).
 */
public interface UserStore {
  /**
   * Stores a new user. Fails with {@code CONFLICT} when the id or the case-insensitive username
   * ({@link User#usernameKey()}) is taken.
   */
  CompletionStage<User> create(User user);

  /** The user with this id. */
  CompletionStage<Optional<User>> findById(String id);

  /** The user with this username, compared case-insensitively. */
  CompletionStage<Optional<User>> findByUsername(String username);

  /** The users with these ids that exist, in no particular order. */
  CompletionStage<List<User>> findByIds(Collection<String> ids);

  /**
   * Users whose username or display name contains {@code query} case-insensitively (all users for
   * an empty query), ordered by username, at most {@code limit}.
   */
  CompletionStage<List<User>> search(String query, int limit);

  /**
   * Replaces the mutable profile fields (display name, avatar) of an existing user. Fails with
   * {@code NOT_FOUND} if there is none. Username, id and createdAt are never changed.
   */
  CompletionStage<User> updateProfile(User user);

  /** Records when the user was last seen; a no-op for an unknown user. */
  CompletionStage<Void> updateLastSeen(String userId, Instant at);
}
