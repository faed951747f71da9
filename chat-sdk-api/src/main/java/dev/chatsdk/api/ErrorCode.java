package dev.chatsdk.api;

/**
 * Stable error codes. REST maps each to one HTTP status; WebSocket sends the {@link #wireName()} in
 * an {@code error} frame. Codes are never renamed once published.
 */
public enum ErrorCode {
  /** The request or frame is not valid JSON or lacks required structure. */
  MALFORMED("malformed", 400, false),
  /** The frame's {@code type} is not known to this server. */
  UNKNOWN_TYPE("unknown_type", 400, false),
  /** A field has a value outside its allowed range or format. */
  INVALID_ARGUMENT("invalid_argument", 422, false),
  /** No valid credentials or token. */
  UNAUTHENTICATED("unauthenticated", 401, false),
  /** The token was valid but has expired; refresh and retry. */
  TOKEN_EXPIRED("token_expired", 401, false),
  /** Authenticated but not allowed (e.g. not a member, not an admin, not the author). */
  FORBIDDEN("forbidden", 403, false),
  /** The addressed resource does not exist (or is hidden from the caller). */
  NOT_FOUND("not_found", 404, false),
  /** The request conflicts with current state (e.g. the username is taken). */
  CONFLICT("conflict", 409, false),
  /** The payload exceeds a size cap. */
  TOO_LARGE("too_large", 413, false),
  /** The payload's media type is not accepted. */
  UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415, false),
  /** A message policy (moderation hook, word list, bot rule) rejected the message. */
  REJECTED("rejected", 422, false),
  /** Too many requests; retry later. */
  RATE_LIMITED("rate_limited", 429, true),
  /** Slow mode is on in this conversation; retry later. */
  SLOW_MODE("slow_mode", 429, true),
  /** A dependency (the store, the bus) is unavailable; retry later. */
  UNAVAILABLE("unavailable", 503, true),
  /** An unexpected server fault. */
  INTERNAL("internal", 500, true);

  private final String wireName;
  private final int httpStatus;
  private final boolean retryable;

  ErrorCode(String wireName, int httpStatus, boolean retryable) {
    this.wireName = wireName;
    this.httpStatus = httpStatus;
    this.retryable = retryable;
  }

  /** The code as it appears on the wire, e.g. {@code "not_found"}. */
  public String wireName() {
    return wireName;
  }

  /** The HTTP status REST answers with for this code. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Whether the same request may succeed if retried later unchanged. */
  public boolean retryable() {
    return retryable;
  }
}
