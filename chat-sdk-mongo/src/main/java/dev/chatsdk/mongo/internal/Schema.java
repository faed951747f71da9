package dev.chatsdk.mongo.internal;

import com.mongodb.MongoCommandException;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.bson.Document;

/**
 * The collections of one chat database and their indexes. Thread-safe (immutable).
 *
 * <p>Hot paths whose cost would grow with the number of messages look documents up by an exact
 * {@code _id} or unique-index key (an {@code $in} of keys for pages), which every MongoDB-wire
 * server serves from an index, including embedded ones that serve only equality from indexes.
 * Queries over small collections (users, conversations, read markers) use ordinary secondary
 * indexes.
 */
public final class Schema {
  /** Users: {@code _id} = user id. */
  public static final String USERS = "users";

  /** Conversations with their bounded member arrays: {@code _id} = conversation id. */
  public static final String CONVERSATIONS = "conversations";

  /** Per-conversation counters: {@code _id} = conversation id, {@code n} = last value taken. */
  public static final String COUNTERS = "conversation_counters";

  /**
   * Messages: {@code _id} = {@link Docs#seqKey}(conversation, seq), which makes {@code
   * (conversationId, seq)} unique and orders a conversation's messages by seq in the {@code _id}
   * index (so no second index on them is needed).
   */
  public static final String MESSAGES = "messages";

  /**
   * Edits and deletes: {@code _id} = {@link Docs#seqKey}(conversation, modSeq), {@code s} = seq.
   */
  public static final String CHANGES = "message_changes";

  /** Read markers: {@code _id} = {@link Docs#pairKey}(conversation, user). */
  public static final String READ_MARKERS = "read_markers";

  /** Password hashes and token generations: {@code _id} = user id. */
  public static final String CREDENTIALS = "credentials";

  /** The GridFS bucket of blobs. */
  public static final String BLOBS = "blobs";

  /** The server's error code for creating a collection that exists. */
  private static final int NAMESPACE_EXISTS = 48;

  private final MongoDatabase database;

  /** Uses the collections of {@code database} (whose write concern applies to every write). */
  public Schema(MongoDatabase database) {
    this.database = database;
  }

  /** The database. */
  public MongoDatabase database() {
    return database;
  }

  /** A collection of this schema. */
  public MongoCollection<Document> collection(String name) {
    return database.getCollection(name);
  }

  /**
   * Creates every collection and index this adapter relies on, one after the other. Idempotent:
   * creating a collection or index that exists with the same options is a no-op. Creating the
   * collections up front, in sequence, also spares servers that create collections lazily a race
   * between concurrent first writes.
   */
  public CompletableFuture<Void> createIndexes() {
    IndexOptions unique = new IndexOptions().unique(true);
    Map<String, List<IndexModel>> plan = new LinkedHashMap<>();
    plan.put(
        USERS,
        List.of(new IndexModel(Indexes.ascending("uk"), named(unique, "username_key_unique"))));
    plan.put(
        CONVERSATIONS,
        List.of(
            new IndexModel(
                Indexes.ascending("dk"),
                new IndexOptions().unique(true).sparse(true).name("direct_pair_unique")),
            new IndexModel(
                Indexes.compoundIndex(Indexes.ascending("mem.u"), Indexes.descending("at")),
                new IndexOptions().name("member_newest"))));
    plan.put(COUNTERS, List.of());
    plan.put(
        MESSAGES,
        List.of(
            new IndexModel(Indexes.ascending("mid"), named(unique, "message_id_unique")),
            new IndexModel(Indexes.ascending("mid", "m"), named(unique, "message_version")),
            new IndexModel(
                Indexes.ascending("c", "from", "cmid"), named(unique, "idempotency_unique"))));
    plan.put(CHANGES, List.of());
    plan.put(
        READ_MARKERS,
        List.of(new IndexModel(Indexes.ascending("c"), new IndexOptions().name("conversation"))));
    plan.put(CREDENTIALS, List.of());
    plan.put(
        BLOBS + ".files",
        List.of(
            new IndexModel(
                Indexes.ascending("filename", "uploadDate"),
                new IndexOptions().name("filename_1_uploadDate_1"))));
    plan.put(
        BLOBS + ".chunks",
        List.of(
            new IndexModel(
                Indexes.ascending("files_id", "n"),
                new IndexOptions().unique(true).name("files_id_1_n_1"))));
    // Listed without a server-side filter: not every wire server applies one.
    return Reactive.list(database::listCollectionNames)
        .thenCompose(
            existing -> {
              CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
              for (Map.Entry<String, List<IndexModel>> entry : plan.entrySet()) {
                String name = entry.getKey();
                if (!existing.contains(name)) {
                  chain = chain.thenCompose(ignored -> createCollection(name));
                }
                chain = chain.thenCompose(ignored -> createIndexes(name, entry.getValue()));
              }
              return chain;
            });
  }

  private CompletableFuture<Void> createCollection(String name) {
    return Reactive.done(() -> database.createCollection(name))
        .handle(
            (ok, error) -> {
              // Another node created it meanwhile ("NamespaceExists"): fine.
              if (error != null
                  && !(Errors.unwrap(error).getCause() instanceof MongoCommandException e
                      && e.getErrorCode() == NAMESPACE_EXISTS)) {
                throw Errors.map(error);
              }
              return null;
            });
  }

  private CompletableFuture<Void> createIndexes(String collection, List<IndexModel> indexes) {
    if (indexes.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return Reactive.done(() -> collection(collection).createIndexes(indexes));
  }

  private static IndexOptions named(IndexOptions options, String name) {
    return new IndexOptions().unique(options.isUnique()).name(name);
  }
}
