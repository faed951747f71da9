package dev.chatsdk.mongo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Message;
import dev.chatsdk.mongo.MongoChatStore;
import dev.chatsdk.mongo.TestMongo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 100,000-message conversation pages by seq, forwards and backwards, and every query a page makes
 * is an exact {@code _id} lookup (an {@code $in} of at most {@link MongoMessageStore#MAX_WINDOW}
 * keys), which every MongoDB-wire server serves from the {@code _id} index. On a real MongoDB the
 * plan is checked with {@code explain} too. Unread counts past the lookup window count over a range
 * of {@code _id} keys, also index-served on a real MongoDB.
 */
class LargeConversationIT {
  private static final int MESSAGES = 100_000;
  private static final String CONVERSATION = "big-room";

  /** Pages read per walk (forwards from the start, from the middle, backwards from the end). */
  private static final int PAGES_PER_WALK = 25;

  static TestMongo mongo;
  static MongoClient client;
  static MongoChatStore store;
  static final Queue<BsonDocument> commands = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void fill() {
    // The memory backend: H2's index maps cost about three times as much per insert.
    mongo = TestMongo.openInMemory();
    CommandListener recorder =
        new CommandListener() {
          @Override
          public void commandStarted(CommandStartedEvent event) {
            commands.add(event.getCommand().clone());
          }
        };
    client =
        MongoClients.create(
            MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(mongo.connectionString()))
                .addCommandListener(recorder)
                .build());
    store =
        MongoChatStore.builder()
            .client(client)
            .database("chat_large_" + UUID.randomUUID().toString().substring(0, 8))
            .build();
    await(store.start());
    Schema schema = new Schema(client.getDatabase(store.databaseName()));
    MongoCollection<Document> messages = schema.collection(Schema.MESSAGES);
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    long started = System.nanoTime();
    long cpuStarted = processCpuNanos();
    for (int from = 1; from <= MESSAGES; from += 10_000) {
      List<Document> batch = new ArrayList<>(10_000);
      for (int seq = from; seq < from + 10_000; seq++) {
        batch.add(
            MongoMessageStore.toDocument(
                new Message(
                    "m" + seq,
                    CONVERSATION,
                    seq,
                    seq,
                    "user" + (seq % 7),
                    "c" + seq,
                    "message " + seq,
                    List.of(),
                    t0.plusMillis(seq),
                    null,
                    false)));
      }
      await(Reactive.done(() -> messages.insertMany(batch)));
    }
    await(
        Reactive.done(
            () ->
                schema
                    .collection(Schema.COUNTERS)
                    .insertOne(new Document("_id", CONVERSATION).append("n", (long) MESSAGES))));
    System.out.printf(
        "inserted %d messages in %d ms (process CPU %d ms)%n",
        MESSAGES,
        Duration.ofNanos(System.nanoTime() - started).toMillis(),
        Duration.ofNanos(processCpuNanos() - cpuStarted).toMillis());
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  @AfterAll
  static void close() {
    if (mongo.isReal()) {
      await(Reactive.done(() -> client.getDatabase(store.databaseName()).drop()));
    }
    store.close();
    client.close();
    mongo.close();
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
    return stage.toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
  }

  @Test
  void pagesFromTheStartTheMiddleAndTheEndAreServedByKeyLookups() {
    commands.clear();
    long started = System.nanoTime();
    // Forwards from the start and from the middle, backwards from the end: the same cost anywhere.
    for (long from : List.of(0L, MESSAGES / 2L)) {
      long after = from;
      for (int i = 0; i < PAGES_PER_WALK; i++) {
        List<Message> page =
            await(
                store
                    .messageStore()
                    .page(CONVERSATION, HistoryQuery.after(after, HistoryQuery.MAX_LIMIT)));
        assertThat(page).hasSize(HistoryQuery.MAX_LIMIT);
        assertThat(page.get(0).seq()).isEqualTo(after + 1);
        assertThat(page).extracting(Message::seq).isSorted().doesNotHaveDuplicates();
        after = page.get(page.size() - 1).seq();
      }
    }
    long before = MESSAGES + 1;
    for (int i = 0; i < PAGES_PER_WALK; i++) {
      List<Message> page =
          await(
              store
                  .messageStore()
                  .page(CONVERSATION, HistoryQuery.before(before, HistoryQuery.MAX_LIMIT)));
      assertThat(page).hasSize(HistoryQuery.MAX_LIMIT);
      assertThat(page.get(page.size() - 1).seq()).isEqualTo(before - 1);
      assertThat(page).extracting(Message::seq).isSorted();
      before = page.get(0).seq();
    }
    List<Message> latest = await(store.messageStore().page(CONVERSATION, HistoryQuery.latest(50)));
    assertThat(latest).extracting(Message::seq).last().isEqualTo((long) MESSAGES);
    System.out.printf(
        "read %d pages of %d messages in %d ms%n",
        3 * PAGES_PER_WALK + 1,
        HistoryQuery.MAX_LIMIT,
        Duration.ofNanos(System.nanoTime() - started).toMillis());

    assertKeyLookupsOnly();
  }

  @Test
  void unreadCountsAndChangesOfTheLatestMessagesAreServedByKeyLookups() {
    Message last = await(store.messageStore().page(CONVERSATION, HistoryQuery.latest(1))).get(0);
    commands.clear();

    long unread = await(store.messageStore().countUnread(CONVERSATION, "user0", MESSAGES - 700));
    List<Message> changes =
        await(store.messageStore().changesSince(CONVERSATION, MESSAGES - 10, 100));

    assertThat(unread).isEqualTo(600); // 700 newest, one in seven sent by user0
    assertThat(changes).hasSize(10).last().isEqualTo(last);
    assertKeyLookupsOnly();
  }

  private static void assertKeyLookupsOnly() {
    List<BsonDocument> reads =
        commands.stream()
            .filter(c -> !c.containsKey("hello") && !c.containsKey("isMaster"))
            .filter(c -> !c.containsKey("endSessions") && !c.containsKey("ping"))
            .toList();
    assertThat(reads).isNotEmpty();
    for (BsonDocument command : reads) {
      String name = command.getFirstKey();
      assertThat(name).as("command %s", command).isIn("find", "getMore", "killCursors");
      if (!name.equals("find")) {
        continue;
      }
      BsonDocument filter = command.getDocument("filter");
      assertThat(filter.keySet()).as("filter of %s", command).containsExactly("_id");
      if (command.getString("find").getValue().equals(Schema.MESSAGES)
          || command.getString("find").getValue().equals(Schema.CHANGES)) {
        BsonDocument id = filter.getDocument("_id");
        assertThat(id.keySet()).containsExactly("$in");
        BsonArray keys = id.getArray("$in");
        assertThat(keys.size()).isBetween(1, MongoMessageStore.MAX_WINDOW);
        if (mongo.isReal()) {
          assertIndexedPlan(command);
        }
      } else {
        assertThat(command.getString("find").getValue()).isEqualTo(Schema.COUNTERS);
        assertThat(filter.isString("_id")).isTrue();
      }
    }
  }

  private static final Set<String> SCANS = Set.of("COLLSCAN");

  private static void assertIndexedPlan(BsonDocument find) {
    BsonDocument explainable = new BsonDocument();
    for (String key : List.of("find", "filter", "projection", "sort", "limit")) {
      if (find.containsKey(key)) {
        explainable.put(key, find.get(key));
      }
    }
    Document plan =
        await(
                Reactive.first(
                    () ->
                        client
                            .getDatabase(store.databaseName())
                            .runCommand(
                                new BsonDocument("explain", explainable)
                                    .append("verbosity", new org.bson.BsonString("queryPlanner")))))
            .orElseThrow();
    String json = plan.toJson();
    for (String scan : SCANS) {
      assertThat(json).as("plan of %s", find).doesNotContain(scan);
    }
  }
}
