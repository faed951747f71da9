package dev.chatsdk.api;

/**
 * A store or other backing service could not be reached or did not answer in time. Always
 * retryable; maps to HTTP 503 and an {@code unavailable} error frame. Adapters translate their
 * driver's connection and timeout errors into this type.
 */
public class StoreUnavailableException extends ChatException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was unavailable. */
  public StoreUnavailableException(String message, Throwable cause) {
    super(ErrorCode.UNAVAILABLE, message, cause);
  }

  /** Creates the exception with a message naming what was unavailable. */
  public StoreUnavailableException(String message) {
    super(ErrorCode.UNAVAILABLE, message);
  }
}
