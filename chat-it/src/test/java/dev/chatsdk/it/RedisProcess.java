package dev.chatsdk.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code redis-server} on a free loopback port (no persistence), which a test may stop
 * and start again on the same port. Never touches the machine's own Redis.
 */
final class RedisProcess implements AutoCloseable {
  private final Path binary;
  private final Path dir;
  private final int port;
  private Process process;

  private RedisProcess(Path binary, Path dir, int port) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
  }

  static RedisProcess start(Path dir) throws IOException, InterruptedException {
    Path binary =
        Services.require("redis-server", "/usr/bin/redis-server", "/usr/local/bin/redis-server");
    RedisProcess r = new RedisProcess(binary, dir, Services.freePort());
    r.start();
    return r;
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  synchronized void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      return;
    }
    process =
        new ProcessBuilder(
                binary.toString(),
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (ping()) {
        return;
      }
      if (!process.isAlive()) {
        throw new IOException(
            "redis-server exited with " + process.exitValue() + " (see " + dir + ")");
      }
      Thread.sleep(50);
    }
    throw new IOException("redis-server on port " + port + ": no PONG within 10 s");
  }

  /** Stops the server at once (SIGKILL): whatever it held in memory is gone. */
  synchronized void stop() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  boolean ping() {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.readNBytes(buf, 0, 7);
      return n == 7 && new String(buf, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
