package dev.chatsdk.redis;

import static org.assertj.core.api.Assertions.fail;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;

/** Finds the Redis the tests run against, and cleans up after them. */
final class RedisTestSupport {
  /** Overrides the shared Redis the tests use (default {@code redis://127.0.0.1:6379}). */
  static final String URI_VARIABLE = "CHAT_TEST_REDIS_URI";

  private RedisTestSupport() {}

  /**
   * The shared Redis's URI. Skips the test when it is not reachable, or fails it when the
   * environment variable {@code CI} is {@code true}.
   */
  static String sharedRedisUri() {
    String uri = System.getenv().getOrDefault(URI_VARIABLE, "redis://127.0.0.1:6379");
    RedisURI parsed = RedisURI.create(uri);
    String problem = ping(parsed.getHost(), parsed.getPort());
    if (problem != null) {
      unavailable("Redis not reachable at " + uri + " (" + problem + "); set " + URI_VARIABLE);
    }
    return uri;
  }

  /** Skips the calling test, or fails it under {@code CI=true}. */
  static void unavailable(String message) {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message + " (CI=true: a missing service is a failure)");
    }
    Assumptions.abort(message);
  }

  /** A key prefix no other test (or engineer) uses. */
  static String uniquePrefix() {
    return "test:" + UUID.randomUUID().toString().substring(0, 12) + ":";
  }

  /** Deletes every key under {@code prefix}. */
  static void deleteKeys(String uri, String prefix) {
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      List<String> keys = new ArrayList<>();
      ScanIterator.scan(connection.sync(), ScanArgs.Builder.matches(prefix + "*").limit(500))
          .forEachRemaining(keys::add);
      if (!keys.isEmpty()) {
        connection.sync().del(keys.toArray(String[]::new));
      }
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /** Null when {@code PING} gets {@code +PONG} within a second, else what went wrong. */
  static String ping(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 1000);
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[7];
      int read = in.readNBytes(reply, 0, reply.length);
      String text = new String(reply, 0, read, StandardCharsets.US_ASCII);
      return text.startsWith("+PONG") ? null : "unexpected reply " + text.trim();
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Polls {@code condition} every 20 ms until it holds or {@code timeout} passes. */
  static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return condition.getAsBoolean();
  }
}
