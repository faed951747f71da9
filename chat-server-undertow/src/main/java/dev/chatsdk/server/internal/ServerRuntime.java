package dev.chatsdk.server.internal;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.StoreUnavailableException;
import dev.chatsdk.server.ChatServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.server.handlers.PathHandler;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running server: the store, the engine, Undertow and everything they need, opened in order and
 * closed in reverse. Created by {@link ChatServer#start()}. Thread-safe.
 */
public final class ServerRuntime {
  private static final Logger log = LoggerFactory.getLogger(ServerRuntime.class);

  private final ChatServer.Builder config;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private @Nullable Undertow undertow;
  private @Nullable GracefulShutdownHandler graceful;
  private @Nullable WebSocketEndpoint webSocket;
  private @Nullable EngineWiring wiring;
  private @Nullable ThreadPoolExecutor blocking;
  private int port;
  private URI baseUri = URI.create("http://127.0.0.1/");

  private ServerRuntime(ChatServer.Builder config) {
    this.config = config;
  }

  /** Opens everything and starts listening; on failure closes what was opened and rethrows. */
  public static ServerRuntime start(ChatServer.Builder config) {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    ServerRuntime r = new ServerRuntime(config);
    try {
      r.open();
      return r;
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
  }

  private void open() {
    long started = System.nanoTime();
    Path dataDir = config.dataDir();
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new ChatException(
          ErrorCode.INVALID_ARGUMENT,
          "dataDir: " + dataDir.toAbsolutePath() + " cannot be created (" + e.getMessage() + ")",
          e);
    }
    byte[] secret = config.jwtSecret().orElseGet(() -> SecretFile.loadOrCreate(dataDir));

    Stores stores =
        Stores.open(
            config.storage(),
            dataDir,
            config.embeddedFsync(),
            config.mongoUri().orElse(""),
            config.mongoDatabase());
    closeables.add(stores);

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    closeables.add(registry::close);
    stores.embedded().ifPresent(e -> e.bindMetrics(registry));
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    closeables.add(gc);

    ClusterWiring cluster =
        ClusterWiring.open(config.redisUri().orElse(null), config.nodeId().orElse(null), registry);
    closeables.add(cluster);

    EngineWiring w =
        EngineWiring.create(
            stores,
            secret,
            registry,
            config.loginThrottle(),
            config.heartbeatInterval(),
            config.ratePerSecond(),
            config.rateBurst(),
            cluster);
    wiring = w;
    closeables.add(w);

    ThreadPoolExecutor pool = blockingExecutor();
    blocking = pool;

    Origins origins = new Origins(config.allowedOrigins());
    AuthTokens tokens = new AuthTokens(config.secureCookies());
    ClientAddresses clientAddresses = new ClientAddresses(config.trustedProxies());
    RestApi api =
        new RestApi(
            w.codec(),
            w.engine(),
            w.accounts(),
            w.authenticator(),
            w.issuer(),
            stores.users,
            stores.blobs,
            tokens,
            origins,
            clientAddresses,
            pool);
    WebSocketEndpoint ws =
        new WebSocketEndpoint(
            w.engine(),
            w.authenticator(),
            tokens,
            origins,
            clientAddresses,
            config.heartbeatInterval());
    webSocket = ws;
    registry.gauge("chat.server.websockets.open", ws, WebSocketEndpoint::openCount);

    HttpHandler apiRoutes = api.routes();
    PathHandler paths =
        new PathHandler(new StaticSite(ServerRuntime.class.getClassLoader()))
            .addPrefixPath(RestApi.MOUNT, apiRoutes)
            .addExactPath("/ws", ws)
            .addExactPath("/healthz", ex -> Http.json(ex, 200, okBody("ok")))
            .addExactPath(
                "/readyz",
                ex ->
                    ex.dispatch(
                        SameThreadExecutor.INSTANCE,
                        () ->
                            stores
                                .ping()
                                .toCompletableFuture()
                                .orTimeout(3, TimeUnit.SECONDS)
                                .whenComplete(
                                    (v, failure) ->
                                        ex.getIoThread()
                                            .execute(
                                                () ->
                                                    io.undertow.server.Connectors
                                                        .executeRootHandler(
                                                            e -> {
                                                              if (failure == null) {
                                                                Http.json(e, 200, okBody("ready"));
                                                              } else {
                                                                Http.error(
                                                                    e,
                                                                    new StoreUnavailableException(
                                                                        "store: not reachable"));
                                                              }
                                                            },
                                                            ex)))))
            .addExactPath(
                "/metrics",
                ex -> {
                  if (ex.isInIoThread()) {
                    ex.dispatch(pool, () -> metrics(ex, registry));
                  } else {
                    metrics(ex, registry);
                  }
                });
    HttpHandler secured =
        ex -> {
          Http.securityHeaders(ex.getResponseHeaders());
          paths.handleRequest(ex);
        };
    GracefulShutdownHandler g = new GracefulShutdownHandler(secured);
    graceful = g;

    Undertow server =
        Undertow.builder()
            .addHttpListener(config.port(), config.host())
            // a backstop above the per-endpoint caps, which answer 413 themselves
            .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 2L * RestApi.MAX_AVATAR_BODY)
            .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 32 * 1024)
            .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
            .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 30_000)
            .setHandler(g)
            .build();
    try {
      server.start();
    } catch (RuntimeException e) {
      throw new StoreUnavailableException(
          "listen on " + config.host() + ":" + config.port() + ": " + EmbeddedMongo.rootMessage(e),
          e);
    }
    undertow = server;
    InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
    port = address.getPort();
    String host =
        address.getAddress().isAnyLocalAddress()
            ? "127.0.0.1"
            : address.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    baseUri = URI.create("http://" + host + ":" + port + "/");
    log.info(
        "chat server listening on {}:{} (store: {}, data dir: {}) in {} ms",
        config.host(),
        port,
        config.storage().name().toLowerCase(java.util.Locale.ROOT),
        dataDir.toAbsolutePath(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  private static void metrics(io.undertow.server.HttpServerExchange ex, PrometheusMeterRegistry r) {
    byte[] body = r.scrape().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    ex.getResponseSender().send(java.nio.ByteBuffer.wrap(body));
  }

  private static byte[] okBody(String status) {
    return ("{\"status\":\"" + status + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  private static ThreadPoolExecutor blockingExecutor() {
    AtomicInteger n = new AtomicInteger();
    int threads = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors() * 2));
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(256),
            r -> {
              Thread t = new Thread(r, "chat-server-blocking-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** The bound port. */
  public int port() {
    return port;
  }

  /** The base URI clients on this machine use. */
  public URI baseUri() {
    return baseUri;
  }

  /**
   * Graceful shutdown within the configured budget: new requests get 503, WebSockets are closed
   * with 1001, in-flight requests finish, then the listener, the engine and the store close.
   */
  public void close() {
    long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
    GracefulShutdownHandler g = graceful;
    if (g != null) {
      g.shutdown();
    }
    EngineWiring w = wiring;
    if (w != null) {
      try {
        w.engine().close(); // sessions closed with 1001
      } catch (RuntimeException e) {
        log.warn("engine close failed", e);
      }
    }
    WebSocketEndpoint ws = webSocket;
    try {
      if (ws != null) {
        ws.shutdown();
        ws.awaitClosed(remaining(deadline, Duration.ofSeconds(3)));
      }
      if (g != null) {
        g.awaitShutdown(remaining(deadline, Duration.ofSeconds(5)).toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Undertow u = undertow;
    if (u != null) {
      try {
        u.stop();
      } catch (RuntimeException e) {
        log.warn("undertow stop failed", e);
      }
    }
    ThreadPoolExecutor pool = blocking;
    if (pool != null) {
      pool.shutdown();
    }
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        log.warn("close failed: {}", e.toString());
      }
    }
    closeables.clear();
    if (u != null) {
      log.info("chat server on port {} stopped", port);
    }
  }

  private static Duration remaining(long deadlineNanos, Duration cap) {
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(Math.min(left, cap.toNanos()));
  }
}
