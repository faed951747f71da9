package dev.chatsdk.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A loopback TCP proxy in front of a server, so a test can cut every connection abruptly (reset, no
 * close frame) as a network failure or a killed process would, silence connections as a dead peer
 * would, or send new connections to another port (a load balancer failing over). Thread-safe.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final IntSupplier targetPort;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "test-proxy");
            t.setDaemon(true);
            return t;
          });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<Socket> silenced = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile boolean closed;

  /**
   * Starts a proxy on a free loopback port; each new connection goes to the port {@code targetPort}
   * supplies at that moment.
   */
  public TcpProxy(IntSupplier targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    threads.execute(this::acceptLoop);
  }

  /** The proxy's HTTP base URI, e.g. {@code http://127.0.0.1:41234}. */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** How many client connections the proxy accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  /** Resets every open connection (RST: linger 0), both sides. */
  public void dropAll() {
    for (Socket s : open) {
      try {
        s.setSoLinger(true, 0);
        s.close();
      } catch (IOException e) {
        // already gone
      }
    }
    open.clear();
  }

  /**
   * Keeps every open connection open but stops carrying its bytes, as a dead peer or a broken
   * middlebox would; connections made afterwards work normally.
   */
  public void silenceAll() {
    silenced.addAll(open);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        accepted.incrementAndGet();
        Socket server;
        try {
          server = new Socket(InetAddress.getLoopbackAddress(), targetPort.getAsInt());
        } catch (IOException e) {
          client.setSoLinger(true, 0);
          client.close();
          continue;
        }
        open.add(client);
        open.add(server);
        threads.execute(() -> pump(client, server));
        threads.execute(() -> pump(server, client));
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (!silenced.contains(from)) {
          out.write(buffer, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      // one side went away
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // ignore
    }
  }

  /** Stops listening and resets every connection. */
  @Override
  public void close() throws IOException, InterruptedException {
    closed = true;
    listener.close();
    dropAll();
    threads.shutdownNow();
    threads.awaitTermination(5, TimeUnit.SECONDS);
  }
}
