package dev.chatsdk.mongo;

import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** One MongoDB per test class, a fresh started store (own database) per test. */
abstract class MongoStoreTestBase {
  @TempDir static Path dir;

  static TestMongo mongo;

  MongoChatStore store;

  @BeforeAll
  static void openMongo() {
    mongo = TestMongo.open(dir);
  }

  @AfterAll
  static void closeMongo() {
    mongo.close();
  }

  @BeforeEach
  void openStore() {
    store = mongo.newStore();
  }

  @AfterEach
  void closeStore() {
    mongo.dispose(store);
  }

  /** Waits (bounded) for a stage and returns its value. */
  static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
  }
}
