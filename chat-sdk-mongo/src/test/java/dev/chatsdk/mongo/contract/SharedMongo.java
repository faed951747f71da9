package dev.chatsdk.mongo.contract;

import dev.chatsdk.mongo.MongoChatStore;
import dev.chatsdk.mongo.TestMongo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One MongoDB and one started store for all contract classes of a test run: the embedded server
 * with the H2 file backend over TCP, or the real MongoDB of {@code CHAT_TEST_MONGO_URI}. The
 * contracts make fresh ids per test, so one database serves them all. Closed by a shutdown hook.
 */
final class SharedMongo {
  private static MongoChatStore store;

  private SharedMongo() {}

  static synchronized MongoChatStore store() {
    if (store == null) {
      Path dir;
      try {
        dir = Files.createTempDirectory("chat-mongo-contract");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      TestMongo mongo = TestMongo.open(dir);
      MongoChatStore started = mongo.newStore();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    mongo.dispose(started);
                    mongo.close();
                  },
                  "contract-mongo-shutdown"));
      store = started;
    }
    return store;
  }
}
