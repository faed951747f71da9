package dev.chatsdk.core;

import dev.chatsdk.api.ErrorCode;
import java.time.Duration;

/**
 * Hooks the engine calls as it works, for metrics and logs ({@link
 * dev.chatsdk.core.metrics.ChatMetrics} turns them into Micrometer meters). Every method is a no-op
 * by default, so an implementation overrides only what it needs.
 *
 * <p>Methods are called on the engine's and the transport's threads, often on the hot path: they
 * must be thread-safe, fast, must not block and must not throw. Arguments are low-cardinality by
 * design (no user or conversation ids).
 */
public interface EngineListener {

  /** A listener that ignores every event. */
  EngineListener NOOP = new EngineListener() {};

  /** A session was opened (before its {@code hello}). */
  default void sessionOpened() {}

  /** A session was closed, by either side, with this WebSocket close code. */
  default void sessionClosed(int closeCode) {}

  /** A {@code send} (WebSocket or REST) was received, before validation and policies. */
  default void messageReceived() {}

  /** A {@code send} was refused by validation, a policy, a limit or the store. */
  default void messageRejected(ErrorCode code) {}

  /**
   * A stored message, edit or delete was handed to the local sessions of the conversation's
   * members; {@code fanoutSize} is how many sessions on this node got it.
   */
  default void messageDelivered(int fanoutSize) {}

  /** The time from receiving a {@code send} to handing its {@code ack} to the connection. */
  default void ackLatency(Duration latency) {}

  /**
   * A store call finished. {@code operation} is one of {@code append}, {@code edit}, {@code
   * delete}, {@code changes}, {@code read}; {@code success} is false when it failed.
   */
  default void storeLatency(String operation, Duration latency, boolean success) {}

  /**
   * A connection's outbound queue (frames handed to it and not yet written) reached {@code depth}.
   * Reported when the depth reaches a power of two, so a growing backlog is visible without a call
   * per frame.
   */
  default void queueDepth(int depth) {}

  /** A token presented in-band ({@code auth}) was refused, or a session's token ran out. */
  default void authFailure(ErrorCode code) {}

  /** A {@code sync} finished, having replayed {@code replayed} messages from the store. */
  default void resume(int replayed) {}

  /**
   * A hole in a conversation's counter was resolved from the store; {@code recovered} messages were
   * found there that had not arrived live.
   */
  default void gapFilled(int recovered) {}

  /** A session was closed because its outbound queue overflowed. */
  default void slowConsumerDisconnected() {}

  /** An {@code error} frame was sent to a client with this code. */
  default void errorSent(ErrorCode code) {}

  /** Publishing an event to the cluster bus failed (other nodes fill the gap from the store). */
  default void busPublishFailed() {}
}
