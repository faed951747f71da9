package dev.chatsdk.api.port;

import java.util.concurrent.CompletionStage;

/**
 * Publish/subscribe of engine events between server nodes. At-most-once: the store stays the source
 * of truth and nodes fill gaps from it. Thread-safe; non-blocking.
 *
 * <p>Topics are short strings chosen by the engine (e.g. {@code u:<userId>}); a node subscribes
 * only to topics it has local interest in, so cross-node traffic scales with where sessions are.
 */
public interface ClusterBus extends AutoCloseable {
  /** Publishes a payload to every subscriber of {@code topic} on every node, this one included. */
  CompletionStage<Void> publish(String topic, byte[] payload);

  /** Subscribes to a topic; the stage completes once the subscription is active. */
  CompletionStage<Subscription> subscribe(String topic, Listener listener);

  /**
   * Whether a payload published to {@code topic} now could reach a listener other than {@code own}.
   * A node whose own listener is the only one (a single node on the in-process bus) then skips
   * encoding and publishing events nobody else would read. A bus that cannot tell answers true, the
   * default. The answer may be stale by the time of a publish: that is the same as another node
   * subscribing a moment later, which the store covers (nodes fill gaps from it).
   */
  default boolean mayReachOthers(String topic, Listener own) {
    return true;
  }

  /** Releases the bus's connections and threads. Idempotent. */
  @Override
  default void close() {}

  /** An active subscription. */
  interface Subscription {
    /** Stops delivery to this subscription's listener. Idempotent. */
    CompletionStage<Void> unsubscribe();
  }

  /** Receives published payloads. Methods are called on the bus's threads and must not block. */
  interface Listener {
    /** A payload published to a subscribed topic. */
    void onMessage(String topic, byte[] payload);

    /**
     * The bus lost and regained its connection: messages published meanwhile may be lost, so
     * listeners fill gaps from the store.
     */
    default void onReconnected() {}
  }
}
