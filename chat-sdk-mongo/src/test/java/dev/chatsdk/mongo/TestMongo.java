package dev.chatsdk.mongo;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import dev.chatsdk.mongo.internal.Reactive;
import java.nio.file.Path;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The MongoDB the tests run against: a real one when {@code CHAT_TEST_MONGO_URI} is set (each store
 * gets a fresh database, dropped on close), else an {@link EmbeddedMongoServer} with the H2 file
 * backend in a temporary directory.
 */
public final class TestMongo implements AutoCloseable {
  /** Environment variable naming a real MongoDB to test against. */
  public static final String URI_ENV = "CHAT_TEST_MONGO_URI";

  private final @Nullable EmbeddedMongoServer embedded;
  private final String connectionString;

  private TestMongo(@Nullable EmbeddedMongoServer embedded, String connectionString) {
    this.embedded = embedded;
    this.connectionString = connectionString;
  }

  /** The real MongoDB of {@code CHAT_TEST_MONGO_URI}, else an embedded one under {@code dir}. */
  public static TestMongo open(Path dir) {
    String uri = System.getenv(URI_ENV);
    if (uri != null && !uri.isBlank()) {
      return new TestMongo(null, uri);
    }
    EmbeddedMongoServer server = EmbeddedMongoServer.start(dir.resolve("mongo.h2"));
    return new TestMongo(server, server.connectionString());
  }

  /** The real MongoDB of {@code CHAT_TEST_MONGO_URI}, else an embedded one in memory. */
  public static TestMongo openInMemory() {
    String uri = System.getenv(URI_ENV);
    if (uri != null && !uri.isBlank()) {
      return new TestMongo(null, uri);
    }
    EmbeddedMongoServer server = EmbeddedMongoServer.startInMemory();
    return new TestMongo(server, server.connectionString());
  }

  /** Whether this is a real MongoDB rather than the embedded server. */
  public boolean isReal() {
    return embedded == null;
  }

  /** The connection string. */
  public String connectionString() {
    return connectionString;
  }

  /** A started store on a fresh database. */
  public MongoChatStore newStore() {
    MongoChatStore store =
        MongoChatStore.builder()
            .connectionString(connectionString)
            .database("chat_test_" + UUID.randomUUID().toString().substring(0, 8))
            .build();
    store.start().toCompletableFuture().join();
    return store;
  }

  /** Drops the store's database (on a real MongoDB) and closes the store. */
  public void dispose(MongoChatStore store) {
    if (isReal()) {
      try (MongoClient client = MongoClients.create(connectionString)) {
        Reactive.done(() -> client.getDatabase(store.databaseName()).drop())
            .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
            .join();
      }
    }
    store.close();
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
