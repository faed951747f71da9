package dev.chatsdk.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.WriteConcern;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoDatabase;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.port.BlobStore;
import dev.chatsdk.api.port.ConversationStore;
import dev.chatsdk.api.port.CredentialStore;
import dev.chatsdk.api.port.MessageStore;
import dev.chatsdk.api.port.UserStore;
import dev.chatsdk.mongo.internal.MongoBlobStore;
import dev.chatsdk.mongo.internal.MongoConversationStore;
import dev.chatsdk.mongo.internal.MongoCredentialStore;
import dev.chatsdk.mongo.internal.MongoMessageStore;
import dev.chatsdk.mongo.internal.MongoUserStore;
import dev.chatsdk.mongo.internal.Reactive;
import dev.chatsdk.mongo.internal.Schema;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.Document;
import org.jspecify.annotations.Nullable;

/**
 * Every storage port of the chat SDK on one MongoDB database: users, conversations, messages with
 * read markers, credentials and blobs (GridFS).
 *
 * <pre>{@code
 * MongoChatStore store = MongoChatStore.builder()
 *     .connectionString("mongodb://localhost:27017")
 *     .database("chat")
 *     .build();
 * store.start().toCompletableFuture().join(); // creates indexes, idempotent
 * ChatEngine engine = ChatEngine.builder().messageStore(store.messageStore())...build();
 * }</pre>
 *
 * <p>Thread-safe. Every port method is non-blocking (except {@link BlobStore#put}, which reads the
 * caller's stream) and completes exceptionally with a {@link ChatException}, never a driver
 * exception: a store that cannot be reached gives a retryable {@link
 * dev.chatsdk.api.StoreUnavailableException} after at most the server selection timeout. Stages
 * complete on driver threads: continuations must not block.
 *
 * <p>Lifecycle: {@link #builder()} → {@link Builder#build()} (no IO) → {@link #start()} (creates
 * indexes; the ports rely on its unique indexes) → use the ports → {@link #close()}, which closes
 * the MongoDB client if this store created it, and nothing else. The store owns no other threads.
 */
public final class MongoChatStore implements AutoCloseable {
  /** Connection string used when none is given: a MongoDB on this host's default port. */
  public static final String DEFAULT_CONNECTION_STRING = "mongodb://localhost:27017";

  /** Database used when none is given (and the connection string names none). */
  public static final String DEFAULT_DATABASE = "chat";

  /** How long an operation waits for a reachable server before failing as unavailable. */
  public static final Duration DEFAULT_SERVER_SELECTION_TIMEOUT = Duration.ofSeconds(2);

  /** How long opening a TCP connection to a server may take. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

  /** How long the driver waits for a reply on an open connection before failing as unavailable. */
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(10);

  /** Write concern on a standalone server: acknowledged and journaled. */
  public static final WriteConcern DEFAULT_WRITE_CONCERN =
      WriteConcern.ACKNOWLEDGED.withJournal(true);

  /** Write concern on a replica set: acknowledged by a majority, journaled. */
  public static final WriteConcern DEFAULT_REPLICA_SET_WRITE_CONCERN =
      WriteConcern.MAJORITY.withJournal(true);

  private final @Nullable MongoClient ownedClient;
  private final String databaseName;
  private final Schema schema;
  private final UserStore users;
  private final ConversationStore conversations;
  private final MongoMessageStore messages;
  private final CredentialStore credentials;
  private final BlobStore blobs;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MongoChatStore(
      MongoDatabase database, String databaseName, @Nullable MongoClient ownedClient) {
    this.ownedClient = ownedClient;
    this.databaseName = databaseName;
    this.schema = new Schema(database);
    this.users = new MongoUserStore(schema);
    this.conversations = new MongoConversationStore(schema);
    this.messages = new MongoMessageStore(schema);
    this.credentials = new MongoCredentialStore(schema);
    this.blobs = new MongoBlobStore(schema);
  }

  /** A builder with every option at its {@code DEFAULT_*} value. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates the indexes the ports rely on (unique username key, unique message numbering and
   * idempotency keys, unique direct pair, membership and marker lookups). Idempotent: calling it
   * again, from this or another node, changes nothing. Completes with this store.
   */
  public CompletionStage<MongoChatStore> start() {
    return schema.createIndexes().thenApply(ignored -> this);
  }

  /**
   * Checks that the database answers: completes normally after a {@code ping} round trip, or
   * exceptionally with a {@link dev.chatsdk.api.StoreUnavailableException} within the server
   * selection timeout. For readiness probes.
   */
  public CompletionStage<Void> ping() {
    return Reactive.done(() -> schema.database().runCommand(new Document("ping", 1)));
  }

  /** The user store. */
  public UserStore userStore() {
    return users;
  }

  /** The conversation store. */
  public ConversationStore conversationStore() {
    return conversations;
  }

  /** The message and read-marker store. */
  public MessageStore messageStore() {
    return messages;
  }

  /** The credential store. */
  public CredentialStore credentialStore() {
    return credentials;
  }

  /** The blob store (a GridFS bucket named {@code blobs}). */
  public BlobStore blobStore() {
    return blobs;
  }

  /** The write concern every write of this store uses. */
  public WriteConcern writeConcern() {
    return schema.database().getWriteConcern();
  }

  /** The name of the database this store uses. */
  public String databaseName() {
    return databaseName;
  }

  /**
   * Closes the MongoDB client if this store created it; a client passed to {@link Builder#client}
   * stays open. Calls made afterwards fail with a {@link
   * dev.chatsdk.api.StoreUnavailableException}. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownedClient != null) {
      ownedClient.close();
    }
  }

  /**
   * Options of a {@link MongoChatStore}. Not thread-safe; {@link #build()} may be called more than
   * once, each time creating a new store (and client).
   */
  public static final class Builder {
    private String connectionString = DEFAULT_CONNECTION_STRING;
    private @Nullable String database;
    private @Nullable WriteConcern writeConcern;
    private Duration serverSelectionTimeout = DEFAULT_SERVER_SELECTION_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration socketTimeout = DEFAULT_SOCKET_TIMEOUT;
    private @Nullable MongoClient client;

    private Builder() {}

    /**
     * The MongoDB connection string, default {@value #DEFAULT_CONNECTION_STRING}. Its options
     * (credentials, TLS, replica set, write concern) apply; the timeouts of this builder override
     * its timeout options.
     */
    public Builder connectionString(String connectionString) {
      Objects.requireNonNull(connectionString, "connectionString");
      try {
        new ConnectionString(connectionString);
      } catch (IllegalArgumentException e) {
        throw ChatException.invalid(
            "connectionString: invalid (expected: mongodb:// or mongodb+srv:// URI): "
                + e.getMessage());
      }
      this.connectionString = connectionString;
      return this;
    }

    /**
     * The database name. Default: the one named in the connection string, else {@value
     * #DEFAULT_DATABASE}.
     */
    public Builder database(String database) {
      Objects.requireNonNull(database, "database");
      if (database.isEmpty() || database.length() > 63 || database.matches(".*[/\\\\. \"$].*")) {
        throw ChatException.invalid(
            "database: '" + database + "' (expected: 1..63 characters, none of /\\. \"$)");
      }
      this.database = database;
      return this;
    }

    /**
     * The write concern of every write. Default: the connection string's, if it names one; else
     * {@link #DEFAULT_REPLICA_SET_WRITE_CONCERN} when it names a replica set ({@code replicaSet=},
     * several hosts, or {@code mongodb+srv://}), else {@link #DEFAULT_WRITE_CONCERN}.
     */
    public Builder writeConcern(WriteConcern writeConcern) {
      this.writeConcern = Objects.requireNonNull(writeConcern, "writeConcern");
      return this;
    }

    /**
     * How long to wait for a reachable server, default {@link #DEFAULT_SERVER_SELECTION_TIMEOUT}.
     */
    public Builder serverSelectionTimeout(Duration timeout) {
      this.serverSelectionTimeout = positive(timeout, "serverSelectionTimeout");
      return this;
    }

    /** TCP connect timeout, default {@link #DEFAULT_CONNECT_TIMEOUT}. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** Reply timeout on an open connection, default {@link #DEFAULT_SOCKET_TIMEOUT}. */
    public Builder socketTimeout(Duration timeout) {
      this.socketTimeout = positive(timeout, "socketTimeout");
      return this;
    }

    /**
     * Uses an existing client instead of creating one from the connection string; the store does
     * not close it, and this builder's timeouts do not apply to it (the write concern does).
     */
    public Builder client(MongoClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Creates the store. Connects lazily: no IO happens until the first operation. */
    public MongoChatStore build() {
      ConnectionString uri = new ConnectionString(connectionString);
      String dbName =
          database != null
              ? database
              : uri.getDatabase() != null ? uri.getDatabase() : DEFAULT_DATABASE;
      WriteConcern concern =
          writeConcern != null
              ? writeConcern
              : uri.getWriteConcern() != null
                  ? uri.getWriteConcern()
                  : namesAReplicaSet(uri)
                      ? DEFAULT_REPLICA_SET_WRITE_CONCERN
                      : DEFAULT_WRITE_CONCERN;
      MongoClient owned = null;
      MongoClient used = client;
      if (used == null) {
        MongoClientSettings settings =
            MongoClientSettings.builder()
                .applyConnectionString(uri)
                .applyToClusterSettings(
                    c ->
                        c.serverSelectionTimeout(
                            serverSelectionTimeout.toMillis(), TimeUnit.MILLISECONDS))
                .applyToSocketSettings(
                    s ->
                        s.connectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                            .readTimeout(socketTimeout.toMillis(), TimeUnit.MILLISECONDS))
                .applicationName("chat-sdk")
                .build();
        owned = MongoClients.create(settings);
        used = owned;
      }
      MongoDatabase db = used.getDatabase(dbName).withWriteConcern(concern);
      return new MongoChatStore(db, dbName, owned);
    }

    /** A replica set name, several hosts, or an SRV record (always a replica set or cluster). */
    private static boolean namesAReplicaSet(ConnectionString uri) {
      return uri.getRequiredReplicaSetName() != null
          || uri.getHosts().size() > 1
          || uri.isSrvProtocol();
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw ChatException.invalid(name + ": " + value + " (expected: > 0)");
      }
      return value;
    }
  }
}
