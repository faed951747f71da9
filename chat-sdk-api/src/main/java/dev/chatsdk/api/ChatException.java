package dev.chatsdk.api;

import java.util.Objects;

/**
 * The one unchecked root of every error the SDK raises on purpose. Each carries a stable {@link
 * ErrorCode}; REST and WebSocket map it one-to-one to a status and an {@code error} frame.
 */
public class ChatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  /** Creates an exception with the given code and a message naming the value and expectation. */
  public ChatException(ErrorCode code, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.code = Objects.requireNonNull(code, "code");
  }

  /** Creates an exception with the given code, message and cause. */
  public ChatException(ErrorCode code, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The stable error code. */
  public ErrorCode code() {
    return code;
  }

  /** Whether the same request may succeed if retried later unchanged. */
  public boolean retryable() {
    return code.retryable();
  }

  /** Shorthand for {@code new ChatException(ErrorCode.INVALID_ARGUMENT, message)}. */
  public static ChatException invalid(String message) {
    return new ChatException(ErrorCode.INVALID_ARGUMENT, message);
  }

  /** Shorthand for {@code new ChatException(ErrorCode.FORBIDDEN, message)}. */
  public static ChatException forbidden(String message) {
    return new ChatException(ErrorCode.FORBIDDEN, message);
  }

  /** Shorthand for {@code new ChatException(ErrorCode.NOT_FOUND, message)}. */
  public static ChatException notFound(String message) {
    return new ChatException(ErrorCode.NOT_FOUND, message);
  }
}
