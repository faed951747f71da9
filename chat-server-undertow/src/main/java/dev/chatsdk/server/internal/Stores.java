package dev.chatsdk.server.internal;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.StoreUnavailableException;
import dev.chatsdk.api.port.BlobStore;
import dev.chatsdk.api.port.ConversationStore;
import dev.chatsdk.api.port.CredentialStore;
import dev.chatsdk.api.port.MessageStore;
import dev.chatsdk.api.port.UserStore;
import dev.chatsdk.core.memory.InMemoryBlobStore;
import dev.chatsdk.core.memory.InMemoryConversationStore;
import dev.chatsdk.core.memory.InMemoryCredentialStore;
import dev.chatsdk.core.memory.InMemoryMessageStore;
import dev.chatsdk.core.memory.InMemoryUserStore;
import dev.chatsdk.mongo.MongoChatStore;
import dev.chatsdk.server.ChatServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The storage ports the server runs on, for one of the three {@link ChatServer.Storage} modes, with
 * a readiness ping and one close for everything opened. Thread-safe.
 */
final class Stores implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  final UserStore users;
  final ConversationStore conversations;
  final MessageStore messages;
  final CredentialStore credentials;
  final BlobStore blobs;
  private final Supplier<CompletionStage<Void>> ping;
  private final @Nullable MongoChatStore mongo;
  private final @Nullable EmbeddedMongo embedded;

  /** The embedded store, when it is the one in use. */
  Optional<EmbeddedMongo> embedded() {
    return Optional.ofNullable(embedded);
  }

  private Stores(
      UserStore users,
      ConversationStore conversations,
      MessageStore messages,
      CredentialStore credentials,
      BlobStore blobs,
      Supplier<CompletionStage<Void>> ping,
      @Nullable MongoChatStore mongo,
      @Nullable EmbeddedMongo embedded) {
    this.users = users;
    this.conversations = conversations;
    this.messages = messages;
    this.credentials = credentials;
    this.blobs = blobs;
    this.ping = ping;
    this.mongo = mongo;
    this.embedded = embedded;
  }

  static Stores open(
      ChatServer.Storage storage,
      Path dataDir,
      boolean embeddedFsync,
      String mongoUri,
      String database) {
    switch (storage) {
      case MEMORY:
        return new Stores(
            new InMemoryUserStore(),
            new InMemoryConversationStore(),
            new InMemoryMessageStore(),
            new InMemoryCredentialStore(),
            new InMemoryBlobStore(),
            () -> CompletableFuture.completedFuture(null),
            null,
            null);
      case EMBEDDED:
        EmbeddedMongo embedded = EmbeddedMongo.start(dataDir, embeddedFsync);
        try {
          return mongo(embedded.connectionString(), database, embedded);
        } catch (RuntimeException e) {
          embedded.close();
          throw e;
        }
      case MONGO:
        return mongo(mongoUri, database, null);
      default:
        throw new IllegalArgumentException("storage: " + storage);
    }
  }

  private static Stores mongo(String uri, String database, @Nullable EmbeddedMongo embedded) {
    MongoChatStore store =
        MongoChatStore.builder().connectionString(uri).database(database).build();
    try {
      store.start().toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      store.close();
      throw new StoreUnavailableException("store: interrupted while starting", e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      store.close();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      if (cause instanceof ChatException ce && ce.code() != ErrorCode.INTERNAL) {
        throw new StoreUnavailableException("store " + redact(uri) + ": " + ce.getMessage(), cause);
      }
      throw new StoreUnavailableException(
          "store "
              + redact(uri)
              + ": not reachable ("
              + (cause == null ? "timeout" : EmbeddedMongo.rootMessage(cause))
              + ")",
          cause);
    }
    if (embedded == null) {
      return new Stores(
          store.userStore(),
          store.conversationStore(),
          store.messageStore(),
          store.credentialStore(),
          store.blobStore(),
          store::ping,
          store,
          null);
    }
    // the embedded store flushes to its file in batches: make every write wait for its batch
    Supplier<CompletableFuture<Void>> barrier = embedded::durable;
    return new Stores(
        DurableWrites.wrap(UserStore.class, store.userStore(), barrier),
        DurableWrites.wrap(ConversationStore.class, store.conversationStore(), barrier),
        DurableWrites.wrap(MessageStore.class, store.messageStore(), barrier),
        DurableWrites.wrap(CredentialStore.class, store.credentialStore(), barrier),
        DurableWrites.wrap(BlobStore.class, store.blobStore(), barrier),
        store::ping,
        store,
        embedded);
  }

  /** A connection string without credentials, for messages. */
  static String redact(String uri) {
    return uri.replaceAll("//[^@/]*@", "//***@");
  }

  /** Completes when the store answers; fails with {@code UNAVAILABLE} otherwise. */
  CompletionStage<Void> ping() {
    return ping.get();
  }

  @Override
  public void close() {
    if (mongo != null) {
      mongo.close();
    }
    if (embedded != null) {
      embedded.close();
    }
  }
}
