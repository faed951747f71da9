package dev.chatsdk.redis.internal;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Watches one Lettuce connection and reports when it is lost and when it comes back. The first
 * connect is not reported. Thread-safe: Lettuce calls it on its IO threads.
 */
public final class ConnectionWatcher implements RedisConnectionStateListener {
  private static final long CONNECTED = Long.MIN_VALUE;

  private final Runnable onLost;
  private final Consumer<Duration> onRestored;
  private final AtomicLong lostAtNanos = new AtomicLong(CONNECTED);
  private volatile @Nullable Object watched;

  /**
   * Creates a watcher; {@code onLost} runs once per loss, {@code onRestored} once per return with
   * the time the connection was down.
   */
  public ConnectionWatcher(Runnable onLost, Consumer<Duration> onRestored) {
    this.onLost = onLost;
    this.onRestored = onRestored;
  }

  /** Starts watching {@code connection} (a Lettuce stateful connection). */
  public void watch(Object connection) {
    this.watched = connection;
  }

  /** Whether the watched connection is currently known to be down. */
  public boolean isLost() {
    return lostAtNanos.get() != CONNECTED;
  }

  @Override
  public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
    if (connection == watched && lostAtNanos.compareAndSet(CONNECTED, System.nanoTime())) {
      onLost.run();
    }
  }

  @Override
  public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
    if (connection != watched) {
      return;
    }
    long lostAt = lostAtNanos.getAndSet(CONNECTED);
    if (lostAt != CONNECTED) {
      onRestored.accept(Duration.ofNanos(System.nanoTime() - lostAt));
    }
  }
}
