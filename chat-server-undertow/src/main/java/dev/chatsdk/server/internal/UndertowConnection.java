package dev.chatsdk.server.internal;

import dev.chatsdk.api.port.ClientConnection;
import dev.chatsdk.api.port.Frame;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/**
 * One Undertow WebSocket as the engine's {@link ClientConnection}. Sends go to {@link
 * WebSockets#sendText(java.nio.ByteBuffer, WebSocketChannel, WebSocketCallback)} with a fresh view
 * of the shared frame bytes; the IO executor is the channel's IO thread.
 *
 * <p>Writes are coalesced: a send on the channel's IO thread queues the frame without flushing and
 * registers the connection in its IO thread's {@link FlushBatch}, which flushes every connection it
 * holds in one task queued behind the tasks already pending on that thread. All frames a connection
 * got in the meantime (an ack and the echo of the same message, a burst of deliveries) leave in one
 * gathering write instead of one system call each. A send from any other thread flushes as usual
 * (through the IO thread).
 *
 * <p>Thread-safe: {@link #send} and {@link #close} may be called from any thread; the channel's
 * explicit-flush flag, which marks a connection in its batch, is set only on its IO thread. States:
 * OPEN -> CLOSING (close frame sent; the socket is dropped if the peer does not answer within
 * {@value #CLOSE_GRACE_MS} ms) -> CLOSED.
 */
final class UndertowConnection implements ClientConnection {
  static final long CLOSE_GRACE_MS = 2000;
  private static final AtomicLong IDS = new AtomicLong();

  private final String id;
  private final WebSocketChannel channel;
  private final @Nullable String clientAddress;
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile long lastReceivedNanos = System.nanoTime();

  UndertowConnection(WebSocketChannel channel, @Nullable String clientAddress) {
    this.channel = channel;
    this.clientAddress = clientAddress;
    this.id = "ws-" + Long.toString(IDS.incrementAndGet(), 36);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Executor ioExecutor() {
    return channel.getIoThread();
  }

  @Override
  public void send(Frame frame, SendCallback callback) {
    if (closing.get() || !channel.isOpen()) {
      callback.completed(new ClosedChannelException());
      return;
    }
    ByteBuffer payload;
    if (channel.getIoThread() == Thread.currentThread()) {
      FlushBatch batch = FlushBatch.current();
      // explicit flush on = the connection is in its IO thread's batch; only that thread sets it
      if (!channel.isRequireExplicitFlush()) {
        channel.setRequireExplicitFlush(true);
        batch.add(this, channel.getIoThread());
      }
      payload = batch.payload(frame);
    } else {
      payload = frame.buffer();
    }
    WebSockets.sendText(
        payload,
        channel,
        new WebSocketCallback<Void>() {
          @Override
          public void complete(WebSocketChannel ch, Void context) {
            callback.completed(null);
          }

          @Override
          public void onError(WebSocketChannel ch, Void context, Throwable throwable) {
            callback.completed(throwable);
          }
        });
  }

  /** Writes what was queued while batching; on the IO thread. */
  private void flushBatched() {
    channel.setRequireExplicitFlush(false);
    channel.flush();
  }

  /**
   * The connections of one IO thread with queued, unflushed frames. Confined to that thread: the
   * first connection added queues one flush task on it, which flushes them all.
   */
  static final class FlushBatch implements Runnable {
    private static final ThreadLocal<FlushBatch> PER_THREAD =
        ThreadLocal.withInitial(FlushBatch::new);
    private static final Logger log = LoggerFactory.getLogger(FlushBatch.class);

    /** From this many sends in a row of one frame on, its sends share one direct copy. */
    static final int DIRECT_FROM_SEND = 3;

    private ArrayList<UndertowConnection> pending = new ArrayList<>();
    private ArrayList<UndertowConnection> spare = new ArrayList<>();
    private @Nullable Frame lastFrame;
    private int lastFrameSends;
    private @Nullable ByteBuffer lastFrameDirect;

    static FlushBatch current() {
      return PER_THREAD.get();
    }

    /**
     * The bytes to send for {@code frame}: a view of the frame's heap bytes, or, from the {@value
     * #DIRECT_FROM_SEND}th send in a row of the same frame on this thread (a fan-out, which reaches
     * an IO thread's recipients one after another), a view of one direct copy made for them all.
     * Writing a heap buffer makes the JDK copy it into a temporary direct buffer from a per-thread
     * cache of up to 1,024; once gathering writes of many small frames (1:1 traffic) have filled
     * that cache, each write of a larger frame scans it all, misses, and allocates and frees native
     * memory. With one direct copy per fan-out frame and thread, the recipients' writes need no
     * temporary buffer. Frames sent once or twice (1:1) stay on the heap.
     */
    ByteBuffer payload(Frame frame) {
      if (frame != lastFrame) {
        lastFrame = frame;
        lastFrameSends = 0;
        lastFrameDirect = null;
      }
      if (++lastFrameSends < DIRECT_FROM_SEND) {
        return frame.buffer();
      }
      ByteBuffer direct = lastFrameDirect;
      if (direct == null) {
        ByteBuffer copy = ByteBuffer.allocateDirect(frame.size());
        copy.put(frame.buffer()).flip();
        direct = copy.asReadOnlyBuffer();
        lastFrameDirect = direct;
      }
      return direct.duplicate();
    }

    void add(UndertowConnection c, Executor ioThread) {
      if (pending.isEmpty()) {
        ioThread.execute(this);
      }
      pending.add(c);
    }

    @Override
    public void run() {
      // a flush may complete sends whose callbacks send again: they start the next batch
      ArrayList<UndertowConnection> now = pending;
      pending = spare;
      for (UndertowConnection c : now) {
        try {
          c.flushBatched();
        } catch (RuntimeException e) {
          log.debug("{}: flush failed", c, e);
          IoUtils.safeClose(c.channel);
        }
      }
      now.clear();
      spare = now;
      // a fan-out hands out its frame before this flush runs: the copy is not kept past it
      lastFrame = null;
      lastFrameDirect = null;
    }
  }

  @Override
  public void close(int code, String reason) {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    if (!channel.isOpen()) {
      return;
    }
    String shortReason = reason.length() > 120 ? reason.substring(0, 120) : reason;
    try {
      WebSockets.sendClose(
          new CloseMessage(code, shortReason),
          channel,
          new WebSocketCallback<Void>() {
            @Override
            public void complete(WebSocketChannel ch, Void context) {}

            @Override
            public void onError(WebSocketChannel ch, Void context, Throwable throwable) {
              IoUtils.safeClose(ch);
            }
          });
    } catch (RuntimeException e) {
      IoUtils.safeClose(channel);
      return;
    }
    // a peer that never answers the close handshake loses the socket anyway
    channel
        .getIoThread()
        .executeAfter(
            () -> {
              if (channel.isOpen()) {
                IoUtils.safeClose(channel);
              }
            },
            CLOSE_GRACE_MS,
            TimeUnit.MILLISECONDS);
  }

  /** Drops the socket without a close handshake (dead peer). */
  void abort() {
    closing.set(true);
    IoUtils.safeClose(channel);
  }

  @Override
  public Optional<String> remoteAddress() {
    if (clientAddress != null) {
      return Optional.of(clientAddress);
    }
    InetSocketAddress a = channel.getSourceAddress();
    return a == null || a.getAddress() == null
        ? Optional.empty()
        : Optional.of(a.getAddress().getHostAddress());
  }

  /** Records that the peer sent something (a frame, a pong): it is alive. */
  void touch() {
    lastReceivedNanos = System.nanoTime();
  }

  /** Nanoseconds since the peer last sent anything. */
  long silentNanos() {
    return System.nanoTime() - lastReceivedNanos;
  }

  boolean isClosing() {
    return closing.get();
  }

  WebSocketChannel channel() {
    return channel;
  }

  /** Sends a ping; failures surface as the channel closing. */
  void ping() {
    if (!closing.get() && channel.isOpen()) {
      try {
        WebSockets.sendPing(java.nio.ByteBuffer.allocate(0), channel, null);
      } catch (RuntimeException e) {
        IoUtils.safeClose(channel);
      }
    }
  }

  @Override
  public String toString() {
    return "UndertowConnection[" + id + "]";
  }
}
