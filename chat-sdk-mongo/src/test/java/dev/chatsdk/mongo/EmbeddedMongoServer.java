package dev.chatsdk.mongo;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A MongoDB-wire server in this JVM: mongo-java-server with its H2 file backend, on a loopback port
 * that stays the same across {@link #stop()} and {@link #start()}, so a client pointed at it sees
 * the store go away and come back with its data. Not thread-safe.
 */
public final class EmbeddedMongoServer implements AutoCloseable {
  private final @Nullable Path file;
  private final int port;
  private @Nullable MongoServer server;

  private EmbeddedMongoServer(@Nullable Path file, int port) {
    this.file = file;
    this.port = port;
  }

  /** Starts a server storing its data in {@code file} (created if missing). */
  public static EmbeddedMongoServer start(Path file) {
    EmbeddedMongoServer embedded = new EmbeddedMongoServer(file, freePort());
    embedded.start();
    return embedded;
  }

  /** Starts a server keeping its data in memory (lost on {@link #stop()}); faster than H2. */
  public static EmbeddedMongoServer startInMemory() {
    EmbeddedMongoServer embedded = new EmbeddedMongoServer(null, freePort());
    embedded.start();
    return embedded;
  }

  /** (Re)starts the server on its port, reopening the data file. */
  public void start() {
    if (server != null) {
      return;
    }
    MongoServer started =
        new MongoServer(file == null ? new MemoryBackend() : new H2Backend(file.toString()));
    started.bind(new InetSocketAddress("127.0.0.1", port));
    server = started;
  }

  /** Stops the server: closes every client connection, flushes and closes the data file. */
  public void stop() {
    MongoServer running = server;
    server = null;
    if (running != null) {
      running.shutdownNow();
    }
  }

  /** A connection string for this server. */
  public String connectionString() {
    return "mongodb://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    stop();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
