package dev.chatsdk.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import dev.chatsdk.mongo.internal.Reactive;
import dev.chatsdk.mongo.internal.Schema;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.bson.Document;
import org.junit.jupiter.api.Test;

class IndexCreationTest extends MongoStoreTestBase {

  private Map<String, List<Document>> indexes() {
    Map<String, List<Document>> byCollection = new TreeMap<>();
    try (MongoClient client = MongoClients.create(mongo.connectionString())) {
      var db = client.getDatabase(store.databaseName());
      for (String name : await(Reactive.list(db::listCollectionNames))) {
        byCollection.put(
            name,
            await(Reactive.list(() -> db.getCollection(name).listIndexes())).stream()
                .map(ix -> new Document("name", ix.get("name")).append("key", ix.get("key")))
                .sorted((a, b) -> a.getString("name").compareTo(b.getString("name")))
                .toList());
      }
    }
    return byCollection;
  }

  private static List<String> names(List<Document> indexes) {
    return indexes.stream().map(ix -> ix.getString("name")).toList();
  }

  @Test
  void startCreatesEveryIndexTheStoresRelyOn() {
    Map<String, List<Document>> indexes = indexes();

    assertThat(indexes)
        .containsKeys(
            Schema.USERS,
            Schema.CONVERSATIONS,
            Schema.COUNTERS,
            Schema.MESSAGES,
            Schema.CHANGES,
            Schema.READ_MARKERS,
            Schema.CREDENTIALS,
            Schema.BLOBS + ".files",
            Schema.BLOBS + ".chunks");
    assertThat(names(indexes.get(Schema.USERS))).contains("username_key_unique");
    assertThat(names(indexes.get(Schema.CONVERSATIONS)))
        .contains("direct_pair_unique", "member_newest");
    assertThat(names(indexes.get(Schema.MESSAGES)))
        .contains("message_id_unique", "message_version", "idempotency_unique");
    assertThat(names(indexes.get(Schema.READ_MARKERS))).contains("conversation");
    assertThat(names(indexes.get(Schema.BLOBS + ".chunks"))).contains("files_id_1_n_1");
  }

  @Test
  void startingAgainSequentiallyOrConcurrentlyChangesNothing() {
    Map<String, List<Document>> before = indexes();

    await(store.start());
    try (MongoChatStore second =
        MongoChatStore.builder()
            .connectionString(mongo.connectionString())
            .database(store.databaseName())
            .build()) {
      CompletableFuture.allOf(
              store.start().toCompletableFuture(), second.start().toCompletableFuture())
          .join();
    }

    assertThat(indexes()).isEqualTo(before);
  }
}
