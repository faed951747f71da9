package dev.chatsdk.it;

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

/**
 * A loopback TCP proxy whose target port can be changed, so a client given one address fails over
 * to another node, as behind a load balancer. When the target dies its connections end; new ones go
 * to whatever target is set when they arrive.
 */
final class SwitchableProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "it-proxy");
            t.setDaemon(true);
            return t;
          });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile int targetPort;
  private volatile boolean closed;

  SwitchableProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    threads.execute(this::acceptLoop);
  }

  URI baseUri() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/");
  }

  /** New connections go to this port from now on. */
  void pointTo(int port) {
    this.targetPort = port;
  }

  /** Resets every open connection (both sides). */
  void dropAll() {
    for (Socket s : open) {
      reset(s);
    }
    open.clear();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      Socket server;
      try {
        server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
      } catch (IOException e) {
        reset(client);
        continue;
      }
      open.add(client);
      open.add(server);
      threads.execute(() -> pump(client, server));
      threads.execute(() -> pump(server, client));
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away: end both
    }
    reset(from);
    reset(to);
    open.remove(from);
    open.remove(to);
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    closed = true;
    listener.close();
    dropAll();
    threads.shutdownNow();
    threads.awaitTermination(5, TimeUnit.SECONDS);
  }
}
