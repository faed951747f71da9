package dev.chatsdk.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.User;
import dev.chatsdk.mongo.MongoChatStore;
import dev.chatsdk.server.ChatServer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store's unique indexes: their key type, and files from the stock backend. */
class EmbeddedIndexTest {
  @TempDir Path dir;

  private static final List<Object> VALUES =
      Arrays.asList(
          null,
          Missing.getInstance(),
          "alice",
          "\u00e9\u4e2d",
          "emoji \ud83d\ude00",
          "",
          7,
          -7,
          7L,
          Long.MIN_VALUE,
          7.0,
          -0.0,
          true,
          false,
          new ObjectId("6b063827acf1804488bb3261"),
          new ObjectId("6b063827acf1804488bb3262"),
          Instant.ofEpochSecond(1_700_000_000L, 123_456_789),
          new Document("c", "conv").append("s", 3L),
          List.of("a", 1));

  private static KeyValue roundTrip(KeyValue key) {
    WriteBuffer out = new WriteBuffer();
    IndexKeyType.INSTANCE.write(out, key);
    ByteBuffer in = out.getBuffer();
    in.flip();
    KeyValue back = IndexKeyType.INSTANCE.read(in);
    assertThat(in.remaining()).isZero();
    return back;
  }

  @Test
  void keysKeepTheirValuesAndJavaTypes() {
    for (Object v : VALUES) {
      KeyValue key = new KeyValue(v, "second");
      KeyValue back = roundTrip(key);
      assertThat(back).isEqualTo(key);
      assertThat(back.get(0) == null ? null : back.get(0).getClass())
          .isEqualTo(v == null ? null : v.getClass());
    }
  }

  @Test
  void keysAreEqualOnlyWithTheSameValuesOfTheSameTypesAndOrderedConsistently() {
    List<KeyValue> keys = new ArrayList<>();
    for (Object v : VALUES) {
      keys.add(new KeyValue(v));
      keys.add(new KeyValue("c1", v));
    }
    IndexKeyType type = IndexKeyType.INSTANCE;
    for (KeyValue a : keys) {
      for (KeyValue b : keys) {
        int ab = type.compare(a, b);
        assertThat(ab == 0).as("%s vs %s", a, b).isEqualTo(a.equals(b));
        assertThat(Integer.signum(type.compare(b, a))).isEqualTo(-Integer.signum(ab));
        assertThat(type.compare(roundTrip(a), b)).isEqualTo(ab);
      }
    }
    assertThat(type.compare(new KeyValue(7), new KeyValue(7L)))
        .as("an int and a long are different keys, as they were in the stock index")
        .isNotZero();
  }

  @Test
  void uniqueKeysHoldAcrossAnUpgradeFromTheStockBackend() throws Exception {
    Path file = dir.resolve(EmbeddedMongo.FILE_NAME);
    H2Backend stock = new H2Backend(file.toString());
    MongoServer server = new MongoServer(stock);
    server.bind("127.0.0.1", 0);
    MongoChatStore old =
        MongoChatStore.builder()
            .connectionString("mongodb://127.0.0.1:" + server.getLocalAddress().getPort())
            .database("chat")
            .build();
    join(old.start());
    join(old.userStore().create(user("u1", "alice")));
    join(old.userStore().create(user("u2", "bob")));
    old.close();
    server.shutdownNow();
    stock.close();
    MVStore written = new MVStore.Builder().fileName(file.toString()).readOnly().open();
    try {
      assertThat(written.getMapNames())
          .as("the stock backend's index maps")
          .contains("chat.users._index_username_key_unique", "chat.users._index__id_");
    } finally {
      written.close();
    }

    for (int open = 0; open < 2; open++) {
      try (Stores stores =
          Stores.open(
              ChatServer.Storage.EMBEDDED, dir, true, "", MongoChatStore.DEFAULT_DATABASE)) {
        assertThat(join(stores.users.findByUsername("alice"))).map(User::id).contains("u1");
        assertThat(join(stores.users.findById("u2"))).map(User::username).contains("bob");
        ChatException taken =
            failure(stores.users.create(user("u" + (10 + open), "Alice")), ErrorCode.CONFLICT);
        assertThat(taken).hasMessageContaining("username");
        failure(stores.users.create(user("u1", "someone" + open)), ErrorCode.CONFLICT);
        join(stores.users.create(user("n" + open, "new" + open)));
        assertThat(join(stores.users.findByUsername("new" + open))).isPresent();
      }
    }

    MVStore mv = new MVStore.Builder().fileName(file.toString()).readOnly().open();
    try {
      assertThat(mv.getMapNames()).noneMatch(n -> n.contains("._index_"));
      assertThat(mv.getMapNames()).anyMatch(n -> n.equals("chat.users._ukey_username_key_unique"));
    } finally {
      mv.close();
    }
  }

  private static User user(String id, String username) {
    return new User(id, username, "User " + id, null, Instant.parse("2026-01-01T00:00:00Z"), null);
  }

  private static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  private static ChatException failure(CompletionStage<?> stage, ErrorCode code) {
    Throwable[] thrown = new Throwable[1];
    assertThatThrownBy(() -> join(stage))
        .isInstanceOf(CompletionException.class)
        .satisfies(t -> thrown[0] = t.getCause());
    assertThat(thrown[0]).isInstanceOf(ChatException.class);
    ChatException e = (ChatException) thrown[0];
    assertThat(e.code()).isEqualTo(code);
    return e;
  }
}
