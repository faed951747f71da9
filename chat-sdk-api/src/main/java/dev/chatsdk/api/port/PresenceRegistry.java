package dev.chatsdk.api.port;

import dev.chatsdk.api.Presence;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Tracks which users have open sessions, across nodes. A user is online while any session lease is
 * held. Leases of a node that dies expire on their own (distributed implementations refresh them by
 * heartbeat). Thread-safe; non-blocking.
 */
public interface PresenceRegistry extends AutoCloseable {
  /**
   * Records a session lease. Completes with true when the user thereby went from offline to online
   * across the cluster.
   */
  CompletionStage<Boolean> sessionOpened(String userId, String sessionId);

  /**
   * Releases a session lease. Completes with true when this was the user's last session across the
   * cluster (the user is now offline, last seen {@code at}).
   */
  CompletionStage<Boolean> sessionClosed(String userId, String sessionId, Instant at);

  /** Presence of each given user (unknown users are offline with no last-seen time). */
  CompletionStage<Map<String, Presence>> presence(Collection<String> userIds);

  /**
   * Registers a listener for changes the registry detects by itself, such as another node's leases
   * expiring, or a user coming online on another node.
   */
  void addListener(Listener listener);

  /** Releases resources. Idempotent. */
  @Override
  default void close() {}

  /** Receives presence changes; called on the registry's threads; must not block. */
  interface Listener {
    /** A user's presence changed. */
    default void onPresenceChanged(Presence presence) {}
  }
}
