package dev.chatsdk.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One selector thread of the load generator. Owns its connections: every read, write and state
 * change of a connection happens on this thread. Other threads hand it work with {@link #execute}.
 */
final class EventLoop implements Executor, AutoCloseable {
  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private volatile boolean running = true;
  private Pacer pacer; // confined to the loop thread
  private volatile boolean spin;

  /** Work on a schedule, run on the loop thread between reads. */
  interface Pacer {
    /** Runs every item due at or before {@code now}; returns whether items remain. */
    boolean runDue(long now);
  }

  EventLoop(String name) {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (Thread.currentThread() != thread && wakeupPending.compareAndSet(false, true)) {
      selector.wakeup();
    }
  }

  /** Opens a TCP connection; {@code connection} gets its callbacks on this loop. */
  void connect(InetSocketAddress address, Connection connection) {
    execute(
        () -> {
          try {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.socket().setTcpNoDelay(true);
            connection.attach(this, ch);
            if (ch.connect(address)) {
              ch.register(selector, SelectionKey.OP_READ, connection);
              connection.onConnected();
            } else {
              ch.register(selector, SelectionKey.OP_CONNECT, connection);
            }
          } catch (IOException e) {
            connection.fail(e);
          }
        });
  }

  /**
   * While on, the loop polls the selector without ever blocking in it. During a measured step the
   * generator's thread then never sleeps, so a server's write to it never pays for waking it up: on
   * loopback that cost lands on the server's core, which it would not over a network.
   */
  void spin(boolean on) {
    spin = on;
    if (on) {
      selector.wakeup();
    }
  }

  /**
   * Runs {@code p} on this loop until its schedule is done, polling the selector meanwhile (as
   * {@link #spin} does), so sends and reads share one thread and no send costs a cross-thread
   * wake-up.
   */
  void pace(Pacer p) {
    execute(() -> pacer = p);
  }

  private void run() {
    while (running) {
      try {
        select();
        wakeupPending.set(false);
        Runnable task;
        while ((task = tasks.poll()) != null) {
          task.run();
        }
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        int handled = 0;
        while (it.hasNext()) {
          if (++handled % 16 == 0) {
            runPacer(); // a burst of reads (a fan-out) must not hold back sends that are due
          }
          SelectionKey key = it.next();
          it.remove();
          Connection c = (Connection) key.attachment();
          try {
            if (!key.isValid()) {
              continue;
            }
            if (key.isConnectable()) {
              ((SocketChannel) key.channel()).finishConnect();
              key.interestOps(SelectionKey.OP_READ);
              c.onConnected();
            }
            if (key.isValid() && key.isWritable()) {
              c.flush();
            }
            if (key.isValid() && key.isReadable()) {
              c.onReadable();
            }
          } catch (IOException | RuntimeException e) {
            c.fail(e);
          }
        }
      } catch (IOException e) {
        if (running) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  /** Runs what is due on the pacer, if any; drops it once its schedule is done. */
  private void runPacer() {
    if (pacer != null && !pacer.runDue(System.nanoTime())) {
      pacer = null;
    }
  }

  private void select() throws IOException {
    runPacer();
    if (spin || pacer != null) {
      selector.selectNow();
    } else {
      selector.select(100);
    }
  }

  SelectionKey keyFor(SocketChannel channel) {
    return channel.keyFor(selector);
  }

  @Override
  public void close() {
    running = false;
    selector.wakeup();
    try {
      thread.join(2000);
      selector.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
