package dev.chatsdk.api.port;

import dev.chatsdk.api.ErrorCode;
import java.time.Duration;
import java.util.Objects;

/** What a {@link MessagePolicy} decided about a draft. */
public sealed interface PolicyDecision {
  /** Let the draft through unchanged. */
  static PolicyDecision accept() {
    return Accept.INSTANCE;
  }

  /** Let the draft through with another body. */
  static PolicyDecision rewrite(String body) {
    return new Rewrite(body);
  }

  /** Refuse the draft; the sender gets an error with code {@link ErrorCode#REJECTED}. */
  static PolicyDecision reject(String reason) {
    return new Reject(ErrorCode.REJECTED, reason, Duration.ZERO);
  }

  /** Accept. */
  enum Accept implements PolicyDecision {
    INSTANCE
  }

  /** Rewrite the body. */
  record Rewrite(String body) implements PolicyDecision {
    public Rewrite {
      Objects.requireNonNull(body, "body");
    }
  }

  /**
   * Reject with a code ({@code REJECTED}, {@code RATE_LIMITED}, {@code SLOW_MODE}, {@code
   * INVALID_ARGUMENT} or {@code TOO_LARGE}), a reason shown to the sender, and for the retryable
   * codes how long to wait.
   */
  record Reject(ErrorCode code, String reason, Duration retryAfter) implements PolicyDecision {
    public Reject {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(retryAfter, "retryAfter");
    }
  }
}
