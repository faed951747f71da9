package dev.chatsdk.api;

import java.time.Duration;
import java.util.Objects;

/** A rate limit or slow mode refused the request; {@link #retryAfter()} says when to try again. */
public class RateLimitedException extends ChatException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  /**
   * Creates the exception.
   *
   * @param code {@link ErrorCode#RATE_LIMITED} or {@link ErrorCode#SLOW_MODE}
   */
  public RateLimitedException(ErrorCode code, String message, Duration retryAfter) {
    super(code, message);
    if (code != ErrorCode.RATE_LIMITED && code != ErrorCode.SLOW_MODE) {
      throw new IllegalArgumentException(
          "code: " + code + " (expected: RATE_LIMITED or SLOW_MODE)");
    }
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
  }

  /** How long the caller should wait before retrying. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
