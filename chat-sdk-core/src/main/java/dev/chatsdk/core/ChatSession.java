package dev.chatsdk.core;

import dev.chatsdk.api.Principal;

/**
 * One client connection as the engine sees it, returned by {@link ChatEngine#openSession}. The
 * transport feeds it the client's text frames and tells it when the connection is gone.
 *
 * <p>Lifecycle: OPENING (presence and conversations loading; frames received meanwhile are queued
 * in order) -> OPEN (after {@code hello}) -> CLOSED. Thread-safe: {@link #onText} may be called
 * from the transport's IO thread; it never blocks and never throws.
 */
public interface ChatSession {
  /** The session id (also sent in {@code hello}). */
  String id();

  /** The principal the session is authenticated as; replaced by an in-band {@code auth}. */
  Principal principal();

  /**
   * Handles one text frame from the client. Malformed or refused frames are answered with an {@code
   * error} frame; the session stays usable.
   */
  void onText(String text);

  /** The transport lost or closed the connection. Idempotent. */
  void onClosed();

  /** Closes the session and its connection with a close code and reason. Idempotent. */
  void close(int code, String reason);
}
