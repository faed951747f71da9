package dev.chatsdk.mongo.internal;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.util.List;
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

  /** Messages: {@code _id} = {@link Docs#seqKey}(conversation, seq). */
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
   * Creates every index this adapter relies on. Idempotent: creating an index that exists with the
   * same keys and options is a no-op on the server.
   */
  public CompletableFuture<Void> createIndexes() {
    IndexOptions unique = new IndexOptions().unique(true);
    return CompletableFuture.allOf(
        create(
            USERS,
            List.of(new IndexModel(Indexes.ascending("uk"), named(unique, "username_key_unique")))),
        create(
            CONVERSATIONS,
            List.of(
                new IndexModel(
                    Indexes.ascending("dk"),
                    new IndexOptions().unique(true).sparse(true).name("direct_pair_unique")),
                new IndexModel(
                    Indexes.compoundIndex(Indexes.ascending("mem.u"), Indexes.descending("at")),
                    new IndexOptions().name("member_newest")))),
        create(
            MESSAGES,
            List.of(
                new IndexModel(Indexes.ascending("mid"), named(unique, "message_id_unique")),
                new IndexModel(Indexes.ascending("mid", "m"), named(unique, "message_version")),
                new IndexModel(
                    Indexes.ascending("c", "from", "cmid"), named(unique, "idempotency_unique")),
                new IndexModel(Indexes.ascending("c", "s"), named(unique, "conversation_seq")))),
        create(
            READ_MARKERS,
            List.of(
                new IndexModel(Indexes.ascending("c"), new IndexOptions().name("conversation")))));
  }

  private static IndexOptions named(IndexOptions options, String name) {
    return new IndexOptions().unique(options.isUnique()).name(name);
  }

  private CompletableFuture<Void> create(String collection, List<IndexModel> indexes) {
    return Reactive.done(() -> collection(collection).createIndexes(indexes));
  }
}
