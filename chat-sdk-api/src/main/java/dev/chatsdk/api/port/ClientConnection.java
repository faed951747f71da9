package dev.chatsdk.api.port;

import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The transport side of one client connection (a WebSocket, a long poll, a test fake), handed to
 * the engine by a server. Implementations must be thread-safe: the engine calls {@link #send} from
 * the connection's {@link #ioExecutor()} when it can, but may call {@link #close} from any thread.
 * Neither method may block.
 */
public interface ClientConnection {
  /** A unique id for this connection, stable for its lifetime. */
  String id();

  /**
   * The executor that owns this connection's IO (e.g. its event-loop thread). The engine groups a
   * fan-out by this executor and hands each one batch. The default runs on the caller's thread.
   */
  default Executor ioExecutor() {
    return Runnable::run;
  }

  /**
   * Writes a frame asynchronously and calls {@code callback} exactly once when the write finished
   * or failed. Never blocks; the engine bounds how many frames are in flight.
   */
  void send(Frame frame, SendCallback callback);

  /** Closes the connection with a WebSocket close code and a short reason. Idempotent. */
  void close(int code, String reason);

  /** The peer's address, for logs and per-address limits, if known. */
  default Optional<String> remoteAddress() {
    return Optional.empty();
  }

  /** Completion of one {@link #send}. */
  @FunctionalInterface
  interface SendCallback {
    /** Called once: {@code error} is null on success. */
    void completed(@org.jspecify.annotations.Nullable Throwable error);
  }

  /** WebSocket close codes the engine uses. */
  final class CloseCodes {
    /** Normal closure. */
    public static final int NORMAL = 1000;

    /** The server is going down or the client navigates away. */
    public static final int GOING_AWAY = 1001;

    /** Protocol abuse (e.g. rate of malformed frames) or a policy violation. */
    public static final int POLICY_VIOLATION = 1008;

    /** A frame exceeded the size cap. */
    public static final int TOO_BIG = 1009;

    /** The server hit an unexpected condition. */
    public static final int INTERNAL_ERROR = 1011;

    /** A slow consumer whose outbound queue overflowed; reconnect and resume. */
    public static final int TRY_AGAIN_LATER = 1013;

    /** The session's token expired and was not refreshed in-band, or was revoked. */
    public static final int TOKEN_EXPIRED = 4001;

    private CloseCodes() {}
  }
}
