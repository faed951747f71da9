package dev.chatsdk.server.testing;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.core.auth.LoginThrottle;
import dev.chatsdk.core.protocol.ProtocolCodec;
import dev.chatsdk.server.ChatServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The real chat server for tests, in one line: {@code TestServer server = TestServer.start();} runs
 * it on a free loopback port with the embedded store in a fresh temporary data directory; {@link
 * #close()} stops it and deletes the directory. {@link #restart()} stops and starts it on the same
 * data directory and port (users, messages and tokens survive), for reconnect tests.
 *
 * <pre>{@code
 * @BeforeAll static void up() { server = TestServer.start(); }
 * @AfterAll static void down() { server.close(); }
 * ...
 * TestServer.TestUser alice = server.signup("alice");
 * // alice.token() for Authorization: Bearer, server.webSocketUri() for /ws
 * }</pre>
 *
 * <p>Sign-up throttling per address is relaxed (tests sign up many users from 127.0.0.1); login
 * throttling per account is as in production. Thread-safe.
 */
public final class TestServer implements AutoCloseable {
  /** The password {@link #signup(String)} uses. */
  public static final String DEFAULT_PASSWORD = "correct horse battery staple";

  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

  private final Path dataDir;
  private final boolean ownsDataDir;
  private final Consumer<ChatServer.Builder> customizer;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
  private final ProtocolCodec codec = ProtocolCodec.create();
  private final Object lock = new Object();
  private ChatServer server; // guarded by lock

  private TestServer(Path dataDir, boolean ownsDataDir, Consumer<ChatServer.Builder> customizer) {
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
    this.customizer = customizer;
    this.server = launch(0);
  }

  /** Starts a server with the embedded store in a new temporary directory. */
  public static TestServer start() {
    return builder().start();
  }

  /** Options for a test server. */
  public static Builder builder() {
    return new Builder();
  }

  /** Options of a {@link TestServer}. Not thread-safe. */
  public static final class Builder {
    private @Nullable Path dataDir;
    private Consumer<ChatServer.Builder> customizer = b -> {};
    private boolean inMemory;

    private Builder() {}

    /** Uses this data directory (kept on close) instead of a temporary one. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    /** Uses the in-memory stores: faster, but {@link TestServer#restart()} loses everything. */
    public Builder inMemory() {
      this.inMemory = true;
      return this;
    }

    /** Adjusts the server's options (origins, heartbeat, throttle, ...) before each start. */
    public Builder configure(Consumer<ChatServer.Builder> customizer) {
      this.customizer = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    /** Starts the server. */
    public TestServer start() {
      Path dir = dataDir;
      boolean owns = false;
      if (dir == null) {
        try {
          dir = Files.createTempDirectory("chat-test-server-");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        owns = true;
      }
      boolean memory = inMemory;
      Consumer<ChatServer.Builder> custom = customizer;
      return new TestServer(
          dir,
          owns,
          b -> {
            if (memory) {
              b.inMemory();
            }
            custom.accept(b);
          });
    }
  }

  private ChatServer launch(int port) {
    ChatServer.Builder b =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(port)
            .dataDir(dataDir)
            .shutdownTimeout(Duration.ofSeconds(5))
            .loginThrottle(LoginThrottle.builder().maxSignupsPerAddress(100_000).build());
    customizer.accept(b);
    return b.build().start();
  }

  /** The base URI, e.g. {@code http://127.0.0.1:41234/}. */
  public URI baseUri() {
    return current().baseUri();
  }

  /** The WebSocket URI, e.g. {@code ws://127.0.0.1:41234/ws}. */
  public URI webSocketUri() {
    return current().webSocketUri();
  }

  /** The port. */
  public int port() {
    return current().port();
  }

  /** The data directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** A URI under the base, e.g. {@code uri("/api/users")}. */
  public URI uri(String path) {
    return baseUri().resolve(path.startsWith("/") ? path.substring(1) : path);
  }

  /**
   * Stops the server gracefully (sockets closed with 1001) and starts it again on the same data
   * directory and port.
   */
  public TestServer restart() {
    synchronized (lock) {
      int port = server.port();
      server.close();
      server = launch(port);
      return this;
    }
  }

  /** A signed-up user. */
  public record TestUser(String id, String username, String password, String token) {
    @Override
    public String toString() {
      return "TestUser[" + username + " " + id + "]";
    }
  }

  /** Signs up a user with {@link #DEFAULT_PASSWORD} and its username as display name. */
  public TestUser signup(String username) {
    return signup(username, DEFAULT_PASSWORD);
  }

  /**
   * Signs up a user over REST.
   *
   * @throws ChatException with the server's error code when the server refuses
   */
  @SuppressWarnings("unchecked")
  public TestUser signup(String username, String password) {
    String body =
        new String(
            codec.toJson(
                Map.of("username", username, "password", password, "displayName", username)),
            StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(uri("/api/auth/signup"))
            .timeout(HTTP_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    Map<String, Object> json = codec.fromJson(response.body(), Map.class);
    if (response.statusCode() != 201) {
      Map<String, Object> error = (Map<String, Object>) json.get("error");
      String code = error == null ? "internal" : String.valueOf(error.get("code"));
      ErrorCode ec = ErrorCode.INTERNAL;
      for (ErrorCode c : ErrorCode.values()) {
        if (c.wireName().equals(code)) {
          ec = c;
        }
      }
      throw new ChatException(
          ec,
          "signup "
              + username
              + ": "
              + response.statusCode()
              + " "
              + (error == null ? json : error.get("message")));
    }
    Map<String, Object> user = (Map<String, Object>) json.get("user");
    return new TestUser(
        String.valueOf(user.get("id")), username, password, String.valueOf(json.get("token")));
  }

  /** Stops the server and deletes the temporary data directory. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      server.close();
    }
    if (ownsDataDir) {
      deleteRecursively(dataDir);
    }
  }

  private ChatServer current() {
    synchronized (lock) {
      return server;
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, @Nullable IOException exc)
                throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }
}
