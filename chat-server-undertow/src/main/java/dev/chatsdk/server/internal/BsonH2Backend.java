package dev.chatsdk.server.internal;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mongo-java-server's H2 backend with each collection's documents kept as BSON ({@link
 * BsonDocumentType}) and its unique indexes keyed by {@link IndexKeyType}; map names for documents
 * and metadata are the stock backend's.
 *
 * <p>A unique index lives in a map of its own name ({@code <db>.<collection>._ukey_<index>}): the
 * stock backend's index map ({@code ._index_}) orders its keys by their Java-serialized bytes, an
 * order no other key type reproduces. When a file written by the stock backend (or an earlier
 * version) is opened, each such index is copied into the new map once and the old map removed, in
 * the same commit.
 */
final class BsonH2Backend extends H2Backend {
  private static final Logger log = LoggerFactory.getLogger(BsonH2Backend.class);

  BsonH2Backend(String fileName) {
    super(fileName);
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

    @Override
    protected Index<Object> openOrCreateUniqueIndex(
        String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
      MVStore mv = getMvStore();
      String namespace = getFullCollectionNamespace(collectionName);
      MVMap<KeyValue, Object> map =
          mv.openMap(
              namespace + "._ukey_" + indexName,
              new MVMap.Builder<KeyValue, Object>().keyType(IndexKeyType.INSTANCE));
      String stockName = namespace + "._index_" + indexName;
      if (mv.hasMap(stockName)) {
        MVMap<Object, Object> stock = mv.openMap(stockName);
        long started = System.nanoTime();
        for (Map.Entry<Object, Object> e : stock.entrySet()) {
          map.put((KeyValue) e.getKey(), e.getValue());
        }
        mv.removeMap(stock);
        log.info(
            "embedded store: unique index {} of {} converted to typed keys ({} keys, {} ms)",
            indexName,
            namespace,
            map.sizeAsLong(),
            (System.nanoTime() - started) / 1_000_000);
      }
      return new KeyedUniqueIndex(map, indexName, keys, sparse);
    }

    @Override
    protected void dropIndex(MongoCollection<Object> collection, String indexName) {
      super.dropIndex(collection, indexName);
      getMvStore()
          .removeMap(
              getFullCollectionNamespace(collection.getCollectionName()) + "._ukey_" + indexName);
    }
  }
}
