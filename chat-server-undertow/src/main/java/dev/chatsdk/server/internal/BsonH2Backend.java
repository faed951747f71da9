package dev.chatsdk.server.internal;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * mongo-java-server's H2 backend with each collection's documents kept as BSON ({@link
 * BsonDocumentType}); everything else (map names, metadata, indexes) is the stock backend's.
 */
final class BsonH2Backend extends H2Backend {
  BsonH2Backend(String fileName) {
    super(fileName);
  }

  /** Forces what the store has written to its file onto the disk. */
  void sync() {
    getMvStore().sync();
  }

  @Override
  protected MongoDatabase openOrCreateDatabase(String databaseName) {
    return new Database(databaseName);
  }

  /**
   * A database whose collections store documents as BSON. An inner class: its constructor (the
   * stock one) opens the existing collections, before any field of its own would be set, while the
   * enclosing backend, and with it the store, is already there.
   */
  private final class Database extends H2Database {
    Database(String name) {
      super(name, getMvStore(), getCursorRegistry());
    }

    @Override
    protected MongoCollection<Object> openOrCreateCollection(
        String collectionName, CollectionOptions options) {
      MVStore mv = getMvStore();
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
