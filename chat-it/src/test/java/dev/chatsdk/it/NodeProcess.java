package dev.chatsdk.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One chat server node: a child JVM running {@code chat-server.jar} with its own port, data
 * directory and node id, sharing the store, Redis and JWT secret with the other nodes.
 */
final class NodeProcess implements AutoCloseable {
  static final String JWT_SECRET = "multi-node-test-secret-0123456789-abcdef";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final int port;
  private final Path dir;
  private final Process process;

  private NodeProcess(String name, int port, Path dir, Process process) {
    this.name = name;
    this.port = port;
    this.dir = dir;
    this.process = process;
  }

  /** Launches a node; call {@link #awaitHealthy} (or {@link #awaitAll}) before using it. */
  static NodeProcess launch(String name, Path work, String mongoUri, String redisUri)
      throws IOException {
    int port = Services.freePort();
    Path dir = Files.createDirectories(work.resolve(name));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // small, fast-starting JVMs: the machine runs several of them at once
    cmd.addAll(
        List.of(
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xss512k",
            "-Xmx256m",
            "-XX:CICompilerCount=1",
            "-Xshare:auto",
            "-jar",
            Services.serverJar().toString()));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.log").toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("CHAT_"));
    env.put("CHAT_PORT", String.valueOf(port));
    env.put("CHAT_HOST", "127.0.0.1");
    env.put("CHAT_DATA_DIR", dir.resolve("data").toString());
    env.put("CHAT_MONGO_URI", mongoUri);
    env.put("CHAT_REDIS_URI", redisUri);
    env.put("CHAT_NODE_ID", name);
    env.put("CHAT_JWT_SECRET", JWT_SECRET);
    return new NodeProcess(name, port, dir, pb.start());
  }

  /** Waits until every node answers {@code /readyz}, all within one deadline. */
  static void awaitAll(Duration timeout, NodeProcess... nodes) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (NodeProcess n : nodes) {
      n.awaitHealthy(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
  }

  void awaitHealthy(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + logTail());
      }
      if (status("/readyz") == 200) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(name + " not ready within " + timeout + ":\n" + logTail());
  }

  /** The HTTP status of a GET, or -1 when the node does not answer. */
  int status(String path) {
    try {
      HttpRequest req =
          HttpRequest.newBuilder(baseUri().resolve(path)).timeout(Duration.ofSeconds(2)).build();
      return HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  String name() {
    return name;
  }

  int port() {
    return port;
  }

  URI baseUri() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** {@code kill -9}: no shutdown hook, no goodbye to Redis or the clients. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("server.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGTERM, then SIGKILL if the graceful shutdown takes longer than the server's budget. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
