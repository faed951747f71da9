package dev.chatsdk.core.auth.internal;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts failed attempts per key (an account or an address) in a sliding window and locks a key out
 * once it reaches the limit, for a lockout that doubles with each further failure up to a cap.
 *
 * <p>Attempts in progress count against the budget too ({@link #tryAcquire} reserves one, {@link
 * #release} returns it), so a burst of concurrent attempts cannot get past the limit before the
 * first failure is recorded. After a lockout ends one attempt at a time is let through; its failure
 * locks the key again for twice as long. A key's state is forgotten once it has had no failure for
 * a whole window and is not locked.
 *
 * <p>Memory is bounded: at most {@code maxKeys} keys are tracked; past that the least recently used
 * are forgotten, and stale keys are swept as the tracker is used.
 *
 * <p>Thread-safe: every method holds the tracker's monitor for a few map operations.
 */
public final class AttemptTracker {
  /** Retry delay suggested when the budget is used up by attempts still in progress. */
  static final Duration BUSY_RETRY = Duration.ofSeconds(1);

  private static final int SWEEP_PER_CALL = 8;

  private final int maxFailures;
  private final long windowMillis;
  private final long initialLockoutMillis;
  private final long maxLockoutMillis;
  private final Map<String, Entry> entries;

  /**
   * Creates a tracker.
   *
   * @param maxFailures failures in a window that trigger a lockout, at least 1
   * @param window how long a failure is remembered
   * @param initialLockout the first lockout's length
   * @param maxLockout the longest lockout
   * @param maxKeys the most keys tracked at once
   */
  public AttemptTracker(
      int maxFailures, Duration window, Duration initialLockout, Duration maxLockout, int maxKeys) {
    if (maxFailures < 1) {
      throw new IllegalArgumentException("maxFailures: " + maxFailures + " (expected: >= 1)");
    }
    this.maxFailures = maxFailures;
    this.windowMillis = window.toMillis();
    this.initialLockoutMillis = initialLockout.toMillis();
    this.maxLockoutMillis = maxLockout.toMillis();
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > maxKeys;
          }
        };
  }

  /**
   * Reserves an attempt for the key at time {@code nowMillis}: empty if it may go ahead (then
   * {@link #release} must follow), else how long to wait.
   */
  public synchronized Optional<Duration> tryAcquire(String key, long nowMillis) {
    sweep(nowMillis);
    Entry e = entries.get(key);
    if (e == null) {
      e = new Entry();
      entries.put(key, e);
    } else if (isStale(e, nowMillis)) {
      e.failures = 0;
      e.lockedUntilMillis = 0;
    }
    if (nowMillis < e.lockedUntilMillis) {
      return Optional.of(Duration.ofMillis(e.lockedUntilMillis - nowMillis));
    }
    boolean probeAfterLockout = e.failures >= maxFailures && e.inFlight == 0;
    if (e.failures + e.inFlight >= maxFailures && !probeAfterLockout) {
      return Optional.of(BUSY_RETRY);
    }
    e.inFlight++;
    return Optional.empty();
  }

  /**
   * Returns an attempt reserved by {@link #tryAcquire}; a failed one is counted and may lock the
   * key.
   */
  public synchronized void release(String key, long nowMillis, boolean failed) {
    Entry e = entries.get(key);
    if (e == null) {
      if (!failed) {
        return;
      }
      e = new Entry();
      entries.put(key, e);
    } else if (e.inFlight > 0) {
      e.inFlight--;
    }
    if (!failed) {
      if (e.failures == 0 && e.inFlight == 0) {
        entries.remove(key);
      }
      return;
    }
    if (isStale(e, nowMillis)) {
      e.failures = 0;
    }
    e.failures++;
    e.lastFailureMillis = nowMillis;
    if (e.failures >= maxFailures) {
      int doublings = Math.min(e.failures - maxFailures, 30);
      long lockout = Math.min(initialLockoutMillis << doublings, maxLockoutMillis);
      e.lockedUntilMillis = nowMillis + lockout;
    }
  }

  /**
   * Returns an attempt reserved by {@link #tryAcquire} that succeeded and forgets the key's
   * failures (a successful login clears its account's record).
   */
  public synchronized void reset(String key) {
    Entry e = entries.get(key);
    if (e == null) {
      return;
    }
    if (e.inFlight > 1) {
      e.inFlight--;
      e.failures = 0;
      e.lockedUntilMillis = 0;
    } else {
      entries.remove(key);
    }
  }

  /** The number of keys tracked now. */
  public synchronized int trackedKeys() {
    return entries.size();
  }

  private boolean isStale(Entry e, long nowMillis) {
    return nowMillis >= e.lockedUntilMillis && nowMillis - e.lastFailureMillis > windowMillis;
  }

  private void sweep(long nowMillis) {
    Iterator<Entry> it = entries.values().iterator();
    for (int i = 0; i < SWEEP_PER_CALL && it.hasNext(); i++) {
      Entry e = it.next();
      if (e.inFlight == 0 && isStale(e, nowMillis)) {
        it.remove();
      } else {
        return;
      }
    }
  }

  /** A key's state; guarded by the tracker's monitor. */
  private static final class Entry {
    int failures;
    long lastFailureMillis;
    long lockedUntilMillis;
    int inFlight;
  }
}
