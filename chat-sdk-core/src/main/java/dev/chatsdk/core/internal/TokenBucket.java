package dev.chatsdk.core.internal;

/**
 * A token bucket: {@code burst} tokens, refilled at {@code perSecond}. Thread-safe (guarded by
 * {@code this}).
 */
final class TokenBucket {
  private final double perMilli;
  private final double burst;
  private double tokens;
  private long lastMillis;
  private boolean started;

  TokenBucket(double perSecond, int burst) {
    this.perMilli = perSecond / 1000.0;
    this.burst = burst;
    this.tokens = burst;
  }

  /** Takes one token if there is one and returns 0; otherwise returns the milliseconds to wait. */
  synchronized long tryTake(long nowMillis) {
    refill(nowMillis);
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / perMilli));
  }

  /** Whether the bucket is full (an idle bucket that can be dropped). */
  synchronized boolean isFull(long nowMillis) {
    refill(nowMillis);
    return tokens >= burst;
  }

  private void refill(long nowMillis) {
    if (!started) {
      started = true;
      lastMillis = nowMillis;
      return;
    }
    long elapsed = nowMillis - lastMillis;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed * perMilli);
      lastMillis = nowMillis;
    }
  }
}
