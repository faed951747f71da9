package dev.chatsdk.core.memory;

import dev.chatsdk.api.Presence;
import dev.chatsdk.api.port.PresenceRegistry;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PresenceRegistry} on the heap: session leases per user, with each user's last-seen time
 * kept after their last session closes. Leases never expire on their own (there is no other node to
 * die).
 *
 * <p>Sharing: several engines in one JVM may share one instance, or each use a {@link #peer()} that
 * shares this instance's state. Either way every listener registered on any of them is told of
 * every online/offline transition made through any of them, in the order the transitions happened,
 * including transitions made through its own instance (so an engine may hear of its own users'
 * changes twice: from the stage's result and from its listener).
 *
 * <p>Threading: thread-safe; every stage is complete when the method returns. Listeners run on one
 * daemon thread owned by the shared state, never on the caller's stack. {@link #close()} drops this
 * instance's listeners; the thread stops once every instance sharing the state is closed.
 */
public final class InMemoryPresenceRegistry implements PresenceRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryPresenceRegistry.class);

  private final Shared shared;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private boolean closed; // guarded by shared

  /** Creates a registry with fresh, empty state. */
  public InMemoryPresenceRegistry() {
    this(new Shared());
  }

  private InMemoryPresenceRegistry(Shared shared) {
    this.shared = shared;
    synchronized (shared) {
      shared.instances.add(this);
    }
  }

  /**
   * A new registry sharing this one's state, as another node of a cluster would. It has its own
   * listeners and must be closed on its own.
   */
  public InMemoryPresenceRegistry peer() {
    return new InMemoryPresenceRegistry(shared);
  }

  @Override
  public CompletionStage<Boolean> sessionOpened(String userId, String sessionId) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(sessionId, "sessionId");
    synchronized (shared) {
      Set<String> sessions = shared.sessionsByUser.computeIfAbsent(userId, u -> new HashSet<>());
      boolean cameOnline = sessions.isEmpty();
      sessions.add(sessionId);
      if (cameOnline) {
        shared.lastSeen.remove(userId);
        shared.announce(new Presence(userId, true, null));
      }
      return CompletableFuture.completedFuture(cameOnline);
    }
  }

  @Override
  public CompletionStage<Boolean> sessionClosed(String userId, String sessionId, Instant at) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(at, "at");
    synchronized (shared) {
      Set<String> sessions = shared.sessionsByUser.get(userId);
      boolean wentOffline = sessions != null && sessions.remove(sessionId) && sessions.isEmpty();
      if (wentOffline) {
        shared.sessionsByUser.remove(userId);
        shared.lastSeen.put(userId, at);
        shared.announce(new Presence(userId, false, at));
      }
      return CompletableFuture.completedFuture(wentOffline);
    }
  }

  @Override
  public CompletionStage<Map<String, Presence>> presence(Collection<String> userIds) {
    Objects.requireNonNull(userIds, "userIds");
    Map<String, Presence> result = new LinkedHashMap<>();
    synchronized (shared) {
      for (String userId : userIds) {
        boolean online = shared.sessionsByUser.containsKey(userId);
        result.put(
            userId, new Presence(userId, online, online ? null : shared.lastSeen.get(userId)));
      }
    }
    return CompletableFuture.completedFuture(Map.copyOf(result));
  }

  @Override
  public void addListener(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
  }

  /** Drops this instance's listeners; idempotent. The shared state stays for the other peers. */
  @Override
  public void close() {
    synchronized (shared) {
      if (closed) {
        return;
      }
      closed = true;
      listeners.clear();
      shared.instances.remove(this);
      if (shared.instances.isEmpty()) {
        shared.events.shutdown();
      }
    }
  }

  /** State shared by peers; every field guarded by the instance's monitor. */
  private static final class Shared {
    final Map<String, Set<String>> sessionsByUser = new HashMap<>();
    final Map<String, Instant> lastSeen = new HashMap<>();
    final List<InMemoryPresenceRegistry> instances = new CopyOnWriteArrayList<>();
    final ExecutorService events =
        Executors.newSingleThreadExecutor(new DaemonThreads("chat-inmemory-presence"));

    /** Queues the change for every listener of every instance; runs in transition order. */
    void announce(Presence change) {
      if (events.isShutdown()) {
        return;
      }
      events.execute(
          () -> {
            for (InMemoryPresenceRegistry instance : instances) {
              for (Listener listener : instance.listeners) {
                try {
                  listener.onPresenceChanged(change);
                } catch (RuntimeException e) {
                  LOG.warn("presence listener failed", e);
                }
              }
            }
          });
    }
  }
}
