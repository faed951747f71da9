package dev.chatsdk.client;

/**
 * The state of a {@link ChatClient}'s live connection.
 *
 * <pre>
 * NEW --connect()--&gt; CONNECTING --hello--&gt; CONNECTED
 *                       ^   |                  |
 *                       |   v (failed)         v (connection lost)
 *                     DISCONNECTED &lt;-----------+
 * any state --close()--&gt; CLOSED (final)
 * </pre>
 */
public enum ConnectionState {
  /** Built, {@link ChatClient#connect()} not called yet. */
  NEW,
  /** Opening a connection (token, WebSocket handshake, waiting for {@code hello}). */
  CONNECTING,
  /** The session is live: events flow and sends go out at once. */
  CONNECTED,
  /** The connection was lost or an attempt failed; the next attempt waits for its backoff. */
  DISCONNECTED,
  /** {@link ChatClient#close()} was called, or the first connection was refused for good. */
  CLOSED
}
