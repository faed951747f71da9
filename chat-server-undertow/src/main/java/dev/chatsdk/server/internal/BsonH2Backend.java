package dev.chatsdk.server.internal;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.jspecify.annotations.Nullable;

/**
 * mongo-java-server's H2 backend with each collection's documents kept as BSON ({@link
 * BsonDocumentType}); everything else (map names, metadata, indexes) is the stock backend's.
 */
final class BsonH2Backend extends H2Backend {
  BsonH2Backend(String fileName) {
    super(fileName);
  }

  @Override
  protected MongoDatabase openOrCreateDatabase(String databaseName) {
    return Database.open(databaseName, getMvStore(), getCursorRegistry());
  }

  /** A database whose collections store documents as BSON. */
  static final class Database extends H2Database {
    /** The store while a database is constructed (its constructor opens existing collections). */
    private static final ThreadLocal<MVStore> OPENING = new ThreadLocal<>();

    private final @Nullable MVStore store;

    private Database(String name, MVStore store, CursorRegistry cursors) {
      super(name, store, cursors);
      this.store = store;
    }

    static Database open(String name, MVStore store, CursorRegistry cursors) {
      OPENING.set(store);
      try {
        return new Database(name, store, cursors);
      } finally {
        OPENING.remove();
      }
    }

    @Override
    protected MongoCollection<Object> openOrCreateCollection(
        String collectionName, CollectionOptions options) {
      MVStore mv = store != null ? store : OPENING.get();
      String namespace = getFullCollectionNamespace(collectionName);
      MVMap<Object, Document> data =
          mv.openMap(
              "databases." + namespace,
              new MVMap.Builder<Object, Document>().valueType(BsonDocumentType.INSTANCE));
      MVMap<String, Object> meta = mv.openMap("meta." + namespace);
      return new H2Collection(this, collectionName, options, data, meta, cursorRegistry);
    }
  }
}
