package dev.chatsdk.redis;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code redis-server} child process on a free loopback port, for tests that stop and
 * start Redis. Never touches the machine's own Redis. Not thread-safe.
 */
final class RedisServerProcess implements AutoCloseable {
  private final int port;
  private final File log;
  private Process process;

  private RedisServerProcess(int port) throws IOException {
    this.port = port;
    this.log = File.createTempFile("redis-test-" + port + "-", ".log");
    this.log.deleteOnExit();
  }

  /**
   * Starts a server on a free port. Skips the test when {@code redis-server} is not installed
   * (fails it under {@code CI=true}).
   */
  static RedisServerProcess start() throws IOException, InterruptedException {
    RedisServerProcess server = new RedisServerProcess(freePort());
    server.startAgain();
    return server;
  }

  /** The URI of this server. */
  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server (again, on the same port, empty) and waits until it answers. */
  void startAgain() throws IOException, InterruptedException {
    List<String> command =
        List.of(
            "redis-server",
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no");
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
              .start();
    } catch (IOException e) {
      RedisTestSupport.unavailable("redis-server could not be started: " + e.getMessage());
      throw e;
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (RedisTestSupport.ping("127.0.0.1", port) != null) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        stop();
        throw new IOException("redis-server on port " + port + " did not come up; see " + log);
      }
      Thread.sleep(20);
    }
  }

  /** Kills the server at once (SIGKILL) and waits for it to exit. */
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
