package dev.chatsdk.redis;

import java.time.Duration;

/**
 * Observes the Redis adapters for metrics and logs: bus lag, failures, connection loss and
 * recovery, expired presence leases. Every method is a no-op by default; override the ones you
 * need.
 *
 * <p>Methods are called on the adapters' IO threads and must return quickly without blocking. A
 * method that throws is ignored (the adapter carries on). One instance may be shared by a bus and a
 * registry; {@code component} names which one reports ({@code "bus"} or {@code "presence"}).
 */
public interface RedisBusListener {
  /** A listener that ignores everything. */
  RedisBusListener NONE = new RedisBusListener() {};

  /** A payload of {@code bytes} bytes was published to {@code topic} on Redis. */
  default void messagePublished(String topic, int bytes) {}

  /** Publishing to {@code topic} failed; other nodes did not receive the payload. */
  default void publishFailed(String topic, Throwable cause) {}

  /**
   * A payload published by another node arrived, {@code lag} after it was published (measured with
   * the publisher's wall clock, so it includes clock skew between nodes; never negative).
   */
  default void messageReceived(String topic, int bytes, Duration lag) {}

  /** A subscriber's listener threw; the payload was still delivered to the other listeners. */
  default void listenerFailed(String topic, Throwable cause) {}

  /** A Redis command other than publish failed (subscribe, a presence update, a heartbeat). */
  default void commandFailed(String component, String operation, Throwable cause) {}

  /** The connection of {@code component} to Redis was lost; it reconnects by itself. */
  default void connectionLost(String component) {}

  /**
   * The connection of {@code component} came back after {@code downtime}; subscriptions are active
   * again.
   */
  default void connectionRestored(String component, Duration downtime) {}

  /**
   * This node found a dead node's presence leases expired and released {@code sessions} sessions of
   * it, {@code usersOffline} of whose users thereby went offline.
   */
  default void leasesExpired(String deadNodeId, int sessions, int usersOffline) {}
}
