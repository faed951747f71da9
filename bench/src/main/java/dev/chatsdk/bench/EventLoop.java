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

  private void run() {
    while (running) {
      try {
        selector.select(100);
        wakeupPending.set(false);
        Runnable task;
        while ((task = tasks.poll()) != null) {
          task.run();
        }
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
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
