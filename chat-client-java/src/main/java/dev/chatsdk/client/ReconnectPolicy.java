package dev.chatsdk.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ChatClient} waits between connection attempts: exponential backoff with jitter.
 *
 * <p>Attempt {@code n} (0-based, counted since the last successful connection) waits {@code
 * min(maxDelay, initialDelay * multiplier^n)}, reduced by a random share of up to {@code jitter} of
 * it, so that many clients cut off together do not come back together. Immutable and thread-safe.
 *
 * @param initialDelay the wait before the first retry; default {@link #DEFAULT_INITIAL_DELAY}
 * @param maxDelay the cap on any wait; default {@link #DEFAULT_MAX_DELAY}
 * @param multiplier the growth factor per attempt, {@code >= 1}; default {@link
 *     #DEFAULT_MULTIPLIER}
 * @param jitter the random share taken off each wait, {@code 0..1}; default {@link #DEFAULT_JITTER}
 */
public record ReconnectPolicy(
    Duration initialDelay, Duration maxDelay, double multiplier, double jitter) {

  /** Default wait before the first retry: 200 ms. */
  public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofMillis(200);

  /** Default cap on the wait between attempts: 30 s. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);

  /** Default growth factor per attempt: 2. */
  public static final double DEFAULT_MULTIPLIER = 2.0;

  /** Default random share taken off each wait: 0.5. */
  public static final double DEFAULT_JITTER = 0.5;

  /** The default policy: 200 ms doubling up to 30 s, with 50 % jitter. */
  public static final ReconnectPolicy DEFAULT =
      new ReconnectPolicy(
          DEFAULT_INITIAL_DELAY, DEFAULT_MAX_DELAY, DEFAULT_MULTIPLIER, DEFAULT_JITTER);

  /** Validates the policy. */
  public ReconnectPolicy {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (initialDelay.isNegative()) {
      throw new IllegalArgumentException("initialDelay: " + initialDelay + " (expected: >= 0)");
    }
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException(
          "maxDelay: " + maxDelay + " (expected: >= initialDelay " + initialDelay + ")");
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier: " + multiplier + " (expected: >= 1)");
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter: " + jitter + " (expected: 0..1)");
    }
  }

  /**
   * The wait before attempt {@code attempt}.
   *
   * @param attempt attempts made since the last successful connection, {@code >= 0}
   * @param random a uniformly distributed value in {@code [0, 1)} that picks the jitter
   */
  public Duration delay(int attempt, double random) {
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt: " + attempt + " (expected: >= 0)");
    }
    double capNanos = maxDelay.toNanos();
    double base = Math.min(capNanos, initialDelay.toNanos() * Math.pow(multiplier, attempt));
    double waited = base - base * jitter * Math.min(Math.max(random, 0.0), 1.0);
    return Duration.ofNanos((long) Math.max(0.0, waited));
  }
}
