package dev.chatsdk.core.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Who is typing where, on this node, with server-side expiry: a {@code typing: true} not refreshed
 * within the timeout turns into {@code typing: false} by itself. Thread-safe (a concurrent map of
 * per-key entries; each entry's timer is replaced atomically through the map).
 */
final class TypingTracker {
  private final DefaultChatEngine engine;
  private final Map<Key, Entry> typing = new ConcurrentHashMap<>();

  private record Key(String conversationId, String userId) {}

  private static final class Entry {
    volatile @Nullable ScheduledFuture<?> timer;
  }

  TypingTracker(DefaultChatEngine engine) {
    this.engine = engine;
  }

  /** The user typed (true) or stopped (false); broadcasts and (re)arms the expiry. */
  void set(String conversationId, String userId, boolean on) {
    Key key = new Key(conversationId, userId);
    if (!on) {
      stop(key);
      return;
    }
    Entry entry = new Entry();
    Entry previous = typing.put(key, entry);
    if (previous != null && previous.timer != null) {
      previous.timer.cancel(false);
    }
    entry.timer =
        engine
            .scheduler()
            .schedule(
                () -> {
                  if (typing.remove(key, entry)) {
                    engine.fanout.broadcastTyping(conversationId, userId, false, true);
                  }
                },
                engine.config().typingTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
    engine.fanout.broadcastTyping(conversationId, userId, true, true);
  }

  /** Clears a typing indicator if set (e.g. the user sent a message). */
  void clear(String conversationId, String userId) {
    stop(new Key(conversationId, userId));
  }

  /** Clears every indicator of a user (their last session closed). */
  void clearUser(String userId) {
    for (Key key : typing.keySet()) {
      if (key.userId().equals(userId)) {
        stop(key);
      }
    }
  }

  /** Cancels every timer without broadcasting (engine shutdown). */
  void shutdown() {
    for (Entry e : typing.values()) {
      ScheduledFuture<?> t = e.timer;
      if (t != null) {
        t.cancel(false);
      }
    }
    typing.clear();
  }

  private void stop(Key key) {
    Entry entry = typing.remove(key);
    if (entry != null) {
      ScheduledFuture<?> t = entry.timer;
      if (t != null) {
        t.cancel(false);
      }
      engine.fanout.broadcastTyping(key.conversationId(), key.userId(), false, true);
    }
  }
}
