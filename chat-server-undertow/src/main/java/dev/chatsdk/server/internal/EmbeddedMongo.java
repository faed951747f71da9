package dev.chatsdk.server.internal;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import dev.chatsdk.api.StoreUnavailableException;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store: a MongoDB-wire server (mongo-java-server) with its H2 MVStore file backend,
 * listening on a free loopback port so the Mongo adapter talks to it over TCP exactly as to a real
 * MongoDB. Data lives in {@code <dataDir>/chat.mv.db} and survives restarts. Thread-safe.
 *
 * <p>Durability: the file backend writes changes to disk in batches, by itself only about once a
 * second. {@link #durable()} closes that window for the writes that matter: a committer thread
 * writes every pending change to the file as soon as someone waits for it (group commit), so a
 * store call that waits for {@code durable()} after its write survives a killed process. {@link
 * Stores} makes every write of the embedded store wait for it before it completes. With {@code
 * fsync} each group commit is also forced to the disk before its writers are told, so it survives a
 * power loss as well.
 */
public final class EmbeddedMongo implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedMongo.class);

  /** The store file's name inside the data directory. */
  public static final String FILE_NAME = "chat.mv.db";

  private final H2Backend backend;
  private final boolean fsync;
  private final MongoServer server;
  private final InetSocketAddress address;
  private volatile boolean closed;

  private final Object commitLock = new Object();

  /** Completed after the next commit; replaced when a commit starts. Guarded by commitLock. */
  private CompletableFuture<Void> nextCommit = new CompletableFuture<>();

  /** Whether anyone waits for {@link #nextCommit}. Guarded by commitLock. */
  private boolean commitWanted;

  private final Thread committer;

  // written by the committer thread only
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong commitNanos = new AtomicLong();
  private final AtomicLong syncs = new AtomicLong();
  private final AtomicLong syncNanos = new AtomicLong();

  private EmbeddedMongo(
      H2Backend backend, boolean fsync, MongoServer server, InetSocketAddress address) {
    this.backend = backend;
    this.fsync = fsync;
    this.server = server;
    this.address = address;
    this.committer = new Thread(this::commitLoop, "embedded-store-commit");
    committer.setDaemon(true);
    committer.start();
  }

  /**
   * Completes once every change the store applied before this call is written to the file (it then
   * survives a killed process). Changes of many callers share one write. Fails with {@code
   * UNAVAILABLE} when the write fails or the store is closed.
   */
  public CompletableFuture<Void> durable() {
    synchronized (commitLock) {
      if (closed) {
        return CompletableFuture.failedFuture(
            new StoreUnavailableException("embedded store: closed"));
      }
      commitWanted = true;
      commitLock.notifyAll();
      return nextCommit;
    }
  }

  private void commitLoop() {
    while (true) {
      CompletableFuture<Void> batch;
      synchronized (commitLock) {
        while (!commitWanted && !closed) {
          try {
            commitLock.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        if (closed) {
          return;
        }
        batch = nextCommit;
        nextCommit = new CompletableFuture<>();
        commitWanted = false;
      }
      try {
        long started = System.nanoTime();
        backend.commit();
        if (fsync) {
          long written = System.nanoTime();
          backend.getMvStore().sync(); // FileChannel.force: onto the disk
          syncNanos.addAndGet(System.nanoTime() - written);
          syncs.incrementAndGet();
        }
        commitNanos.addAndGet(System.nanoTime() - started);
        commits.incrementAndGet();
        batch.complete(null);
      } catch (RuntimeException e) {
        batch.completeExceptionally(
            new StoreUnavailableException(
                "embedded store: write to file failed (" + rootMessage(e) + ")", e));
      }
    }
  }

  /**
   * Opens (or creates) the store file under {@code dataDir} and listens on a free loopback port.
   *
   * @param fsync whether each group commit is forced to the disk before its writes complete
   * @throws StoreUnavailableException if the file cannot be opened (e.g. another server holds it)
   */
  public static EmbeddedMongo start(Path dataDir, boolean fsync) {
    Path file = dataDir.resolve(FILE_NAME).toAbsolutePath();
    H2Backend backend;
    try {
      Files.createDirectories(dataDir);
      backend = new BsonH2Backend(file.toString());
    } catch (IOException | RuntimeException e) {
      throw new StoreUnavailableException(
          "embedded store " + file + ": cannot open (" + rootMessage(e) + ")", e);
    }
    MongoServer server = new MongoServer(backend);
    try {
      server.bind("127.0.0.1", 0);
    } catch (RuntimeException e) {
      backend.close();
      throw new StoreUnavailableException(
          "embedded store: cannot listen on loopback (" + rootMessage(e) + ")", e);
    }
    InetSocketAddress address = server.getLocalAddress();
    log.info("embedded store {} listening on {}", file, address);
    return new EmbeddedMongo(backend, fsync, server, address);
  }

  /**
   * Registers {@code chat.embedded.commit} (group commits and their time, the disk flush included)
   * and {@code chat.embedded.fsync} (the disk flushes alone; none when fsync is off).
   */
  public void bindMetrics(MeterRegistry registry) {
    FunctionTimer.builder(
            "chat.embedded.commit",
            this,
            m -> m.commits.get(),
            m -> m.commitNanos.get(),
            TimeUnit.NANOSECONDS)
        .description("group commits of the embedded store to its file")
        .register(registry);
    FunctionTimer.builder(
            "chat.embedded.fsync",
            this,
            m -> m.syncs.get(),
            m -> m.syncNanos.get(),
            TimeUnit.NANOSECONDS)
        .description("disk flushes after the embedded store's group commits")
        .register(registry);
  }

  /** The connection string the Mongo adapter uses, e.g. {@code mongodb://127.0.0.1:41234}. */
  public String connectionString() {
    return "mongodb://127.0.0.1:" + address.getPort();
  }

  /** Stops listening, writes pending changes and closes the file. Idempotent. */
  @Override
  public void close() {
    CompletableFuture<Void> waiting;
    synchronized (commitLock) {
      if (closed) {
        return;
      }
      closed = true;
      waiting = nextCommit;
      commitLock.notifyAll();
    }
    try {
      committer.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      server.shutdownNow();
    } catch (RuntimeException e) {
      log.warn("embedded store: shutdown failed", e);
    }
    try {
      backend.close();
      waiting.complete(null);
    } catch (RuntimeException e) {
      log.warn("embedded store: close failed", e);
      waiting.completeExceptionally(
          new StoreUnavailableException(
              "embedded store: close failed (" + rootMessage(e) + ")", e));
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }
}
