package dev.chatsdk.server;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.core.ChatEngineBuilder;
import dev.chatsdk.core.auth.LoginThrottle;
import dev.chatsdk.server.internal.ClientAddresses;
import dev.chatsdk.server.internal.Origins;
import dev.chatsdk.server.internal.ServerRuntime;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The reference chat server: REST under {@code /api}, the WebSocket at {@code /ws}, the web demo at
 * {@code /}, and {@code /healthz}, {@code /readyz}, {@code /metrics}.
 *
 * <p>Build one with {@link #builder()}, then {@link #start()}; {@link #close()} shuts it down
 * gracefully (new requests refused, sockets closed with 1001, in-flight requests finished, stores
 * closed) within {@link Builder#DEFAULT_SHUTDOWN_TIMEOUT}. Lifecycle: NEW -> STARTED -> CLOSED; a
 * server is started at most once. Thread-safe.
 *
 * <pre>{@code
 * try (ChatServer server = ChatServer.builder().port(0).inMemory().build().start()) {
 *   URI base = server.baseUri();
 * }
 * }</pre>
 */
public final class ChatServer implements AutoCloseable {

  private final Builder config;
  private final Object lock = new Object();
  private @Nullable ServerRuntime runtime; // guarded by lock
  private boolean closed; // guarded by lock

  private ChatServer(Builder config) {
    this.config = config;
  }

  /** A builder with every option at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the server: opens the store (starting the embedded one if configured), wires the engine
   * and listens. Blocks until the server accepts connections.
   *
   * @return this server
   * @throws ChatException {@code UNAVAILABLE} if the store or the port cannot be opened; {@code
   *     INVALID_ARGUMENT} for inconsistent configuration
   * @throws IllegalStateException if already started or closed
   */
  public ChatServer start() {
    synchronized (lock) {
      if (closed || runtime != null) {
        throw new IllegalStateException("server: already " + (closed ? "closed" : "started"));
      }
      runtime = ServerRuntime.start(config.snapshot());
      return this;
    }
  }

  /** The port the server listens on (the chosen one when configured with port 0). */
  public int port() {
    return running().port();
  }

  /** The base URI, e.g. {@code http://127.0.0.1:8080/}. Loopback when bound to all interfaces. */
  public URI baseUri() {
    return running().baseUri();
  }

  /** The WebSocket URI, e.g. {@code ws://127.0.0.1:8080/ws}. */
  public URI webSocketUri() {
    URI base = baseUri();
    return URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ws");
  }

  /**
   * Shuts the server down gracefully and releases the store. Idempotent; safe to call from a
   * shutdown hook. Returns within about {@link Builder#DEFAULT_SHUTDOWN_TIMEOUT}.
   */
  @Override
  public void close() {
    ServerRuntime r;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      r = runtime;
      runtime = null;
    }
    if (r != null) {
      r.close();
    }
  }

  private ServerRuntime running() {
    synchronized (lock) {
      if (runtime == null) {
        throw new IllegalStateException("server: not running");
      }
      return runtime;
    }
  }

  /** Where the server keeps users, conversations, messages and blobs. */
  public enum Storage {
    /**
     * The default: the Mongo adapter against an embedded MongoDB-wire server (mongo-java-server)
     * with its H2 file backend under the data directory. Survives restarts.
     */
    EMBEDDED,
    /** The Mongo adapter against a real MongoDB at {@link Builder#mongoUri(String)}. */
    MONGO,
    /** The in-memory adapters: nothing survives a restart. For tests and demos. */
    MEMORY
  }

  /**
   * Options of a {@link ChatServer}. Not thread-safe; {@link #build()} takes a snapshot, so a
   * builder may be reused.
   */
  public static final class Builder {
    /** The default port: {@value}. */
    public static final int DEFAULT_PORT = 8080;

    /** The default interface: {@value} (all). */
    public static final String DEFAULT_HOST = "0.0.0.0";

    /** The default data directory: {@code ./data}. */
    public static final Path DEFAULT_DATA_DIR = Path.of("data");

    /** The default database name when using MongoDB: {@value}. */
    public static final String DEFAULT_MONGO_DATABASE = "chat";

    /** How often the server pings each WebSocket: every 25 s. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(25);

    /** How long a graceful shutdown may take in total: 10 s. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    /** Messages per second each connection may send (token bucket): 20. */
    public static final double DEFAULT_RATE_LIMIT_PER_SECOND =
        ChatEngineBuilder.DEFAULT_RATE_LIMIT_PER_SECOND;

    /** The burst of the per-connection rate limit: 40 messages. */
    public static final int DEFAULT_RATE_LIMIT_BURST = ChatEngineBuilder.DEFAULT_RATE_LIMIT_BURST;

    /** The shortest JWT secret accepted: 32 bytes (256 bits, HS256). */
    public static final int MIN_JWT_SECRET_BYTES = 32;

    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private Path dataDir = DEFAULT_DATA_DIR;
    private Storage storage = Storage.EMBEDDED;
    private @Nullable String mongoUri;
    private String mongoDatabase = DEFAULT_MONGO_DATABASE;
    private byte @Nullable [] jwtSecret;
    private Set<String> allowedOrigins = new LinkedHashSet<>();
    private boolean secureCookies;
    private boolean embeddedFsync = true;
    private @Nullable String redisUri;
    private @Nullable String nodeId;
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private LoginThrottle loginThrottle = LoginThrottle.defaults();
    private Set<String> trustedProxies = Set.of();
    private double ratePerSecond = DEFAULT_RATE_LIMIT_PER_SECOND;
    private int rateBurst = DEFAULT_RATE_LIMIT_BURST;

    private Builder() {}

    /** The interface to listen on; default {@link #DEFAULT_HOST}. */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw ChatException.invalid("host: blank (expected: a host name or address)");
      }
      this.host = host;
      return this;
    }

    /** The port to listen on, 0 for any free port; default {@link #DEFAULT_PORT}. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw ChatException.invalid("port: " + port + " (expected: 0..65535)");
      }
      this.port = port;
      return this;
    }

    /**
     * The directory for the embedded store and the generated JWT secret; default {@link
     * #DEFAULT_DATA_DIR}. Created if missing.
     */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    /** Uses the embedded store under the data directory (the default). */
    public Builder embeddedStore() {
      this.storage = Storage.EMBEDDED;
      this.mongoUri = null;
      return this;
    }

    /**
     * Whether the embedded store forces each group commit to the disk ({@code fsync}) before the
     * writes in it complete. Default true: an acknowledged message then survives a power loss or an
     * OS crash, not only a killed process, at the cost of one disk flush per group commit (writes
     * waiting meanwhile share the next one). No effect on the other stores.
     */
    public Builder embeddedFsync(boolean fsync) {
      this.embeddedFsync = fsync;
      return this;
    }

    /** Uses a real MongoDB, e.g. {@code mongodb://db1,db2/?replicaSet=rs0}. */
    public Builder mongoUri(String uri) {
      Objects.requireNonNull(uri, "uri");
      if (!uri.startsWith("mongodb://") && !uri.startsWith("mongodb+srv://")) {
        throw ChatException.invalid(
            "mongoUri: '" + uri + "' (expected: mongodb://... or mongodb+srv://...)");
      }
      this.storage = Storage.MONGO;
      this.mongoUri = uri;
      return this;
    }

    /** The database name in MongoDB; default {@link #DEFAULT_MONGO_DATABASE}. */
    public Builder mongoDatabase(String database) {
      Objects.requireNonNull(database, "database");
      if (!database.matches("[A-Za-z0-9_-]{1,63}")) {
        throw ChatException.invalid(
            "mongoDatabase: '" + database + "' (expected: 1..63 of A-Z a-z 0-9 _ -)");
      }
      this.mongoDatabase = database;
      return this;
    }

    /** Uses the in-memory stores: nothing survives a restart. */
    public Builder inMemory() {
      this.storage = Storage.MEMORY;
      this.mongoUri = null;
      return this;
    }

    /**
     * The HS256 secret for tokens, at least {@link #MIN_JWT_SECRET_BYTES} bytes. By default one is
     * generated once and kept in {@code <dataDir>/jwt-secret} (readable by the owner only). Every
     * node of a cluster needs the same secret.
     */
    public Builder jwtSecret(byte[] secret) {
      Objects.requireNonNull(secret, "secret");
      if (secret.length < MIN_JWT_SECRET_BYTES) {
        throw ChatException.invalid(
            "jwtSecret: "
                + secret.length
                + " bytes (expected: at least "
                + MIN_JWT_SECRET_BYTES
                + ")");
      }
      this.jwtSecret = secret.clone();
      return this;
    }

    /** The JWT secret as text (its UTF-8 bytes); see {@link #jwtSecret(byte[])}. */
    public Builder jwtSecret(String secret) {
      return jwtSecret(Objects.requireNonNull(secret, "secret").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Origins (e.g. {@code https://chat.example.com}) allowed to open the WebSocket and to make
     * cookie-authenticated writes, in addition to the server's own origin. Default: none besides
     * same-origin.
     */
    public Builder allowedOrigins(Set<String> origins) {
      Objects.requireNonNull(origins, "origins");
      Set<String> copy = new LinkedHashSet<>();
      for (String o : origins) {
        copy.add(Origins.normalize(Objects.requireNonNull(o, "origin")));
      }
      this.allowedOrigins = copy;
      return this;
    }

    /** Same as {@link #allowedOrigins(Set)}. */
    public Builder allowedOrigins(String... origins) {
      return allowedOrigins(new LinkedHashSet<>(Arrays.asList(origins)));
    }

    /**
     * Marks the auth cookie {@code Secure} (set this when clients reach the server over TLS, e.g.
     * behind a TLS-terminating proxy). Default false.
     */
    public Builder secureCookies(boolean secure) {
      this.secureCookies = secure;
      return this;
    }

    /**
     * The Redis URI for the cluster bus and cross-node presence (scale-out), e.g. {@code
     * redis://redis:6379}; null (the default) runs a single node with the in-process bus. Every
     * node of a cluster uses the same Redis, the same store and the same JWT secret. The server
     * does not start when Redis cannot be reached at startup; later outages only pause cross-node
     * delivery.
     */
    public Builder redisUri(@Nullable String uri) {
      if (uri != null && !uri.startsWith("redis://") && !uri.startsWith("rediss://")) {
        throw ChatException.invalid(
            "redisUri: '" + uri + "' (expected: redis://... or rediss://...)");
      }
      this.redisUri = uri;
      return this;
    }

    /**
     * This node's id in the cluster (presence leases are owned by it), unique among live nodes;
     * default: the host name, the process id and a random suffix. Only used with {@link
     * #redisUri(String)}.
     */
    public Builder nodeId(String nodeId) {
      Objects.requireNonNull(nodeId, "nodeId");
      if (!nodeId.matches("[A-Za-z0-9._:-]{1,100}")) {
        throw ChatException.invalid(
            "nodeId: '" + nodeId + "' (expected: 1..100 of A-Z a-z 0-9 . _ : -)");
      }
      this.nodeId = nodeId;
      return this;
    }

    /** How often each WebSocket is pinged; default {@link #DEFAULT_HEARTBEAT_INTERVAL}. */
    public Builder heartbeatInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.toMillis() < 100 || interval.toMinutes() > 10) {
        throw ChatException.invalid(
            "heartbeatInterval: " + interval + " (expected: 100 ms .. 10 min)");
      }
      this.heartbeatInterval = interval;
      return this;
    }

    /** The time a graceful shutdown may take; default {@link #DEFAULT_SHUTDOWN_TIMEOUT}. */
    public Builder shutdownTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.toSeconds() > 600) {
        throw ChatException.invalid("shutdownTimeout: " + timeout + " (expected: 0 .. 10 min)");
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    /**
     * Limits on password guessing and sign-up floods (per account and per address); default {@link
     * LoginThrottle#defaults()}.
     */
    public Builder loginThrottle(LoginThrottle throttle) {
      this.loginThrottle = Objects.requireNonNull(throttle, "throttle");
      return this;
    }

    /**
     * Addresses or CIDR ranges ({@code 10.244.0.0/16}, {@code fd00::/8}) of reverse proxies (e.g.
     * nginx, an ingress controller) whose {@code X-Forwarded-For} header names the real client for
     * per-address limits. Default: none (the header is ignored, so it cannot be forged).
     *
     * @throws ChatException {@code INVALID_ARGUMENT} for a host name, a malformed range, or a range
     *     with bits set past its prefix
     */
    public Builder trustedProxies(Set<String> proxies) {
      Objects.requireNonNull(proxies, "proxies");
      this.trustedProxies = ClientAddresses.normalizeAll(List.copyOf(proxies));
      return this;
    }

    /**
     * The per-connection send rate limit (a token bucket: {@code perSecond} refill, {@code burst}
     * capacity); REST sends are limited per user the same way. Defaults {@link
     * #DEFAULT_RATE_LIMIT_PER_SECOND} and {@link #DEFAULT_RATE_LIMIT_BURST}.
     */
    public Builder rateLimit(double perSecond, int burst) {
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw ChatException.invalid("rateLimit: " + perSecond + " (expected: > 0 per second)");
      }
      if (burst < 1) {
        throw ChatException.invalid("rateBurst: " + burst + " (expected: >= 1)");
      }
      this.ratePerSecond = perSecond;
      this.rateBurst = burst;
      return this;
    }

    /** Builds a server (not yet started) from a snapshot of these options. */
    public ChatServer build() {
      return new ChatServer(snapshot());
    }

    private Builder snapshot() {
      Builder b = new Builder();
      b.host = host;
      b.port = port;
      b.dataDir = dataDir;
      b.storage = storage;
      b.mongoUri = mongoUri;
      b.mongoDatabase = mongoDatabase;
      b.jwtSecret = jwtSecret == null ? null : jwtSecret.clone();
      b.allowedOrigins = Set.copyOf(allowedOrigins);
      b.secureCookies = secureCookies;
      b.embeddedFsync = embeddedFsync;
      b.redisUri = redisUri;
      b.nodeId = nodeId;
      b.heartbeatInterval = heartbeatInterval;
      b.shutdownTimeout = shutdownTimeout;
      b.loginThrottle = loginThrottle;
      b.trustedProxies = Set.copyOf(trustedProxies);
      b.ratePerSecond = ratePerSecond;
      b.rateBurst = rateBurst;
      return b;
    }

    /** The interface to listen on. */
    public String host() {
      return host;
    }

    /** The port (0: any free one). */
    public int port() {
      return port;
    }

    /** The data directory. */
    public Path dataDir() {
      return dataDir;
    }

    /** The storage mode. */
    public Storage storage() {
      return storage;
    }

    /** Whether the embedded store forces each group commit to the disk. */
    public boolean embeddedFsync() {
      return embeddedFsync;
    }

    /** The MongoDB URI, when {@link #storage()} is {@link Storage#MONGO}. */
    public Optional<String> mongoUri() {
      return Optional.ofNullable(mongoUri);
    }

    /** The MongoDB database name. */
    public String mongoDatabase() {
      return mongoDatabase;
    }

    /** A copy of the configured JWT secret, if one was given. */
    public Optional<byte[]> jwtSecret() {
      return Optional.ofNullable(jwtSecret).map(byte[]::clone);
    }

    /** The extra allowed origins, normalised ({@code scheme://host[:port]}, lower case). */
    public Set<String> allowedOrigins() {
      return Set.copyOf(allowedOrigins);
    }

    /** Whether the auth cookie is marked {@code Secure}. */
    public boolean secureCookies() {
      return secureCookies;
    }

    /** The Redis URI, if configured. */
    public Optional<String> redisUri() {
      return Optional.ofNullable(redisUri);
    }

    /** The configured node id, if one was given. */
    public Optional<String> nodeId() {
      return Optional.ofNullable(nodeId);
    }

    /** The WebSocket ping interval. */
    public Duration heartbeatInterval() {
      return heartbeatInterval;
    }

    /** The graceful shutdown budget. */
    public Duration shutdownTimeout() {
      return shutdownTimeout;
    }

    /** The trusted reverse proxies. */
    public Set<String> trustedProxies() {
      return Set.copyOf(trustedProxies);
    }

    /** Messages per second each connection may send. */
    public double ratePerSecond() {
      return ratePerSecond;
    }

    /** The burst of the per-connection rate limit. */
    public int rateBurst() {
      return rateBurst;
    }

    /** The login and sign-up throttle. */
    public LoginThrottle loginThrottle() {
      return loginThrottle;
    }
  }
}
