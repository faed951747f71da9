package dev.chatsdk.core.internal;

import dev.chatsdk.api.Presence;
import dev.chatsdk.api.event.ServerFrame;
import dev.chatsdk.api.port.Frame;
import dev.chatsdk.api.port.PresenceRegistry;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence for the engine: the per-session lease in the {@link PresenceRegistry}, the registry's
 * transitions turned into {@code presence} frames for the users who share a conversation (each
 * transition once per user), and presence look-ups.
 *
 * <p>Threading: thread-safe. {@link #lastPresence} is a concurrent map updated per key; transitions
 * arrive on registry and store-callback threads.
 */
final class PresenceTracker {
  private static final Logger log = LoggerFactory.getLogger(PresenceTracker.class);

  private static final int PRESENCE_MEMORY = 100_000;

  private final DefaultChatEngine engine;
  private final EngineConfig config;
  private final PresenceRegistry presence;
  private final boolean ownsPresence;
  private final Map<String, Boolean> lastPresence = new ConcurrentHashMap<>();

  PresenceTracker(DefaultChatEngine engine, PresenceRegistry presence, boolean ownsPresence) {
    this.engine = engine;
    this.config = engine.config();
    this.presence = presence;
    this.ownsPresence = ownsPresence;
  }

  /** Starts listening to the registry's transitions. */
  void start() {
    presence.addListener(
        new PresenceRegistry.Listener() {
          @Override
          public void onPresenceChanged(Presence p) {
            presenceChanged(p.userId(), p.online(), p.lastSeen());
          }
        });
  }

  /** Takes the session's lease; completes with true if the user thereby came online. */
  CompletableFuture<Boolean> sessionOpened(String userId, String sessionId) {
    return Engines.call(() -> presence.sessionOpened(userId, sessionId));
  }

  /**
   * Releases a closed session's lease once it was taken; if the user thereby went offline, records
   * last seen and announces it.
   */
  void sessionClosed(String userId, String sessionId, CompletableFuture<Boolean> lease) {
    lease.whenComplete(
        (v, e) -> {
          Instant at = config.clock().instant();
          Engines.call(() -> presence.sessionClosed(userId, sessionId, at))
              .thenCompose(
                  offline -> {
                    if (!offline) {
                      return CompletableFuture.completedFuture(null);
                    }
                    return Engines.call(() -> config.userStore().updateLastSeen(userId, at))
                        .handle(
                            (x, err) -> {
                              if (err != null) {
                                log.warn("user {}: could not record last seen", userId, err);
                              }
                              presenceChanged(userId, false, at);
                              return null;
                            });
                  })
              .exceptionally(
                  err -> {
                    log.warn("user {}: could not release presence", userId, err);
                    return null;
                  });
        });
  }

  /** Closes the registry if the engine created it. */
  void close() {
    if (ownsPresence) {
      presence.close();
    }
  }

  /** Announces a user's transition to local users who share a conversation, once per transition. */
  void presenceChanged(String userId, boolean online, @Nullable Instant lastSeen) {
    Boolean previous = lastPresence.put(userId, online);
    if (previous != null && previous == online) {
      return;
    }
    if (lastPresence.size() > PRESENCE_MEMORY) {
      lastPresence.values().removeIf(v -> !v);
    }
    Frame frame = config.codec().encode(new ServerFrame.PresenceEvent(userId, online, lastSeen));
    engine.fanout.fanOut(
        engine.registry.localUsersSharingWith(userId, false),
        null,
        null,
        s -> s.deliverPresence(userId, frame));
  }

  /** The presence of the given users. */
  CompletionStage<Map<String, Presence>> presence(Collection<String> userIds) {
    Objects.requireNonNull(userIds, "userIds");
    List<String> ids = List.copyOf(userIds);
    return Engines.call(() -> presence.presence(ids))
        .exceptionallyCompose(Engines.failAs("presence"));
  }
}
