package dev.chatsdk.testkit;

import static dev.chatsdk.testkit.Contracts.await;
import static dev.chatsdk.testkit.Contracts.awaitFailure;
import static dev.chatsdk.testkit.Contracts.now;
import static dev.chatsdk.testkit.Contracts.race;
import static dev.chatsdk.testkit.Contracts.uniqueId;
import static dev.chatsdk.testkit.Contracts.values;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.AppendResult;
import dev.chatsdk.api.Attachment;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.NewMessage;
import dev.chatsdk.api.ReadMarker;
import dev.chatsdk.api.port.MessageStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link MessageStore} must pass. Extend it, implement {@link #createStore()},
 * and run it as a test class.
 *
 * <p>Each test calls {@link #createStore()} once and {@link #closeStore(MessageStore)} after. The
 * factory may return one store shared by every test (a database): tests use fresh conversation ids
 * and never assume the store is empty. Instants are compared at millisecond precision. Holes in the
 * numbering are allowed, so the tests check that numbers increase, not that they are consecutive.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class MessageStoreContractTest {
  private @Nullable MessageStore store;

  /** Creates (or returns the shared) store under test. Called before each test. */
  protected abstract MessageStore createStore();

  /**
   * Releases what {@link #createStore()} made; called after each test. The default does nothing.
   */
  protected void closeStore(MessageStore store) {}

  @BeforeEach
  final void setUpMessageStore() {
    store = createStore();
  }

  @AfterEach
  final void tearDownMessageStore() {
    if (store != null) {
      closeStore(store);
    }
  }

  private MessageStore store() {
    if (store == null) {
      throw new IllegalStateException("createStore() not called yet");
    }
    return store;
  }

  private static NewMessage draft(String conversationId, String senderId, String body) {
    return new NewMessage(conversationId, senderId, uniqueId("cm"), body, List.of(), now());
  }

  private Message append(String conversationId, String senderId, String body) {
    AppendResult result = await(store().append(draft(conversationId, senderId, body)));
    assertThat(result.duplicate()).isFalse();
    return result.message();
  }

  private List<Message> appendMany(String conversationId, String senderId, int count) {
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      messages.add(append(conversationId, senderId, "m" + i));
    }
    return messages;
  }

  private List<Message> all(String conversationId) {
    List<Message> out = new ArrayList<>();
    long after = 0;
    while (true) {
      List<Message> page =
          await(store().page(conversationId, HistoryQuery.after(after, HistoryQuery.MAX_LIMIT)));
      if (page.isEmpty()) {
        return out;
      }
      out.addAll(page);
      after = page.get(page.size() - 1).seq();
    }
  }

  private static List<Long> seqs(List<Message> messages) {
    return messages.stream().map(Message::seq).toList();
  }

  // ---- append ----

  @Test
  void appendStoresTheMessageAsGiven() {
    String conv = uniqueId("c");
    Instant at = now();
    List<Attachment> attachments =
        List.of(
            new Attachment(uniqueId("b"), "image/png", 1234),
            new Attachment(uniqueId("b"), "image/jpeg", 5));
    NewMessage draft =
        new NewMessage(
            conv, "alice", uniqueId("cm"), "hello \u00e9\u4e16 \uD83D\uDE00", attachments, at);

    AppendResult result = await(store().append(draft));

    Message m = result.message();
    assertThat(result.duplicate()).isFalse();
    assertThat(m.id()).isNotBlank();
    assertThat(m.conversationId()).isEqualTo(conv);
    assertThat(m.seq()).isPositive();
    assertThat(m.modSeq()).isEqualTo(m.seq());
    assertThat(m.senderId()).isEqualTo("alice");
    assertThat(m.clientMsgId()).isEqualTo(draft.clientMsgId());
    assertThat(m.body()).isEqualTo(draft.body());
    assertThat(m.attachments()).isEqualTo(attachments);
    assertThat(m.createdAt()).isEqualTo(at);
    assertThat(m.edited()).isEmpty();
    assertThat(m.deleted()).isFalse();
    assertThat(await(store().find(conv, m.id()))).contains(m);
  }

  @Test
  void seqIsStrictlyIncreasingPerConversation() {
    String conv = uniqueId("c");
    String otherConv = uniqueId("c");

    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      messages.add(append(conv, i % 2 == 0 ? "alice" : "bob", "m" + i));
      append(otherConv, "alice", "other" + i);
    }

    assertThat(seqs(messages)).isSorted().doesNotHaveDuplicates();
    assertThat(messages.get(0).seq()).isPositive();
    assertThat(messages.stream().map(Message::id).distinct()).hasSize(10);
    assertThat(all(conv)).isEqualTo(messages);
    assertThat(await(store().lastSeq(conv))).isGreaterThanOrEqualTo(messages.get(9).seq());
  }

  @Test
  void repeatedAppendWithTheSameKeyReturnsTheStoredMessage() {
    String conv = uniqueId("c");
    NewMessage first = draft(conv, "alice", "first");
    Message stored = await(store().append(first)).message();
    NewMessage retry =
        new NewMessage(
            conv, "alice", first.clientMsgId(), "retried body", List.of(), now().plusSeconds(5));

    AppendResult again = await(store().append(retry));

    assertThat(again.duplicate()).isTrue();
    assertThat(again.message()).isEqualTo(stored);
    assertThat(all(conv)).containsExactly(stored);
  }

  @Test
  void idempotencyKeyIncludesSenderAndConversation() {
    String conv = uniqueId("c");
    String otherConv = uniqueId("c");
    NewMessage byAlice = draft(conv, "alice", "a");
    Message a = await(store().append(byAlice)).message();

    AppendResult byBob =
        await(
            store()
                .append(new NewMessage(conv, "bob", byAlice.clientMsgId(), "b", List.of(), now())));
    AppendResult elsewhere =
        await(
            store()
                .append(
                    new NewMessage(
                        otherConv, "alice", byAlice.clientMsgId(), "c", List.of(), now())));

    assertThat(byBob.duplicate()).isFalse();
    assertThat(byBob.message().id()).isNotEqualTo(a.id());
    assertThat(byBob.message().seq()).isGreaterThan(a.seq());
    assertThat(elsewhere.duplicate()).isFalse();
    assertThat(elsewhere.message().conversationId()).isEqualTo(otherConv);
    assertThat(all(conv)).containsExactly(a, byBob.message());
  }

  @Test
  void racingDuplicateAppendsStoreExactlyOneMessage() {
    String conv = uniqueId("c");
    String clientMsgId = uniqueId("cm");
    Instant at = now();

    List<AppendResult> results =
        values(
            race(
                16,
                1000,
                i ->
                    store()
                        .append(
                            new NewMessage(conv, "alice", clientMsgId, "same", List.of(), at))));

    assertThat(results).hasSize(1000);
    assertThat(results.stream().filter(r -> !r.duplicate())).hasSize(1);
    Message winner =
        results.stream().filter(r -> !r.duplicate()).findFirst().orElseThrow().message();
    assertThat(results)
        .allSatisfy(
            r -> {
              assertThat(r.message().id()).isEqualTo(winner.id());
              assertThat(r.message().seq()).isEqualTo(winner.seq());
            });
    assertThat(all(conv)).containsExactly(winner);
  }

  @Test
  void racingDuplicatesOfManyKeysStoreOneMessageEach() {
    String conv = uniqueId("c");
    int keys = 50;
    int racers = 8;
    List<String> clientMsgIds = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      clientMsgIds.add(uniqueId("cm"));
    }
    Instant at = now();

    List<AppendResult> results =
        values(
            race(
                racers,
                keys * racers,
                i ->
                    store()
                        .append(
                            new NewMessage(
                                conv, "alice", clientMsgIds.get(i / racers), "m", List.of(), at))));

    Map<String, List<AppendResult>> byKey = new HashMap<>();
    for (AppendResult r : results) {
      byKey.computeIfAbsent(r.message().clientMsgId(), k -> new ArrayList<>()).add(r);
    }
    assertThat(byKey).hasSize(keys);
    byKey.forEach(
        (key, rs) -> {
          assertThat(rs).as("results for " + key).hasSize(racers);
          assertThat(rs.stream().filter(r -> !r.duplicate()))
              .as("first writes of " + key)
              .hasSize(1);
          assertThat(rs.stream().map(r -> r.message().id()).distinct()).hasSize(1);
        });
    List<Message> stored = all(conv);
    assertThat(stored).hasSize(keys);
    assertThat(seqs(stored)).doesNotHaveDuplicates();
  }

  @Test
  void concurrentSendersGetDistinctIncreasingSeqs() {
    String conv = uniqueId("c");
    int senders = 8;
    int perSender = 40;

    List<List<Message>> bySender =
        values(
            race(
                senders,
                senders,
                s -> CompletableFuture.completedFuture(appendMany(conv, "sender" + s, perSender))));

    List<Message> sent = bySender.stream().flatMap(List::stream).toList();
    assertThat(sent).hasSize(senders * perSender);
    assertThat(seqs(sent)).doesNotHaveDuplicates();
    for (List<Message> one : bySender) {
      assertThat(seqs(one)).as("one sender's own messages in send order").isSorted();
    }
    List<Message> stored = all(conv);
    assertThat(seqs(stored)).isSorted().doesNotHaveDuplicates();
    assertThat(stored).containsExactlyInAnyOrderElementsOf(sent);
    assertThat(await(store().lastSeq(conv)))
        .isGreaterThanOrEqualTo(stored.get(stored.size() - 1).seq());
  }

  // ---- page ----

  @Test
  void pageHonoursAfterBeforeAndLimit() {
    String conv = uniqueId("c");
    List<Message> m = appendMany(conv, "alice", 10);
    List<Long> s = seqs(m);

    assertThat(await(store().page(conv, HistoryQuery.latest(3)))).isEqualTo(m.subList(7, 10));
    assertThat(await(store().page(conv, HistoryQuery.latest(50)))).isEqualTo(m);
    assertThat(await(store().page(conv, HistoryQuery.after(s.get(2), 3))))
        .isEqualTo(m.subList(3, 6));
    assertThat(await(store().page(conv, HistoryQuery.after(0, 200)))).isEqualTo(m);
    assertThat(await(store().page(conv, HistoryQuery.after(s.get(9), 5)))).isEmpty();
    assertThat(await(store().page(conv, HistoryQuery.before(s.get(5), 2))))
        .isEqualTo(m.subList(3, 5));
    assertThat(await(store().page(conv, HistoryQuery.before(s.get(2), 10))))
        .isEqualTo(m.subList(0, 2));
    assertThat(await(store().page(conv, HistoryQuery.before(s.get(0), 10)))).isEmpty();
    assertThat(await(store().page(conv, new HistoryQuery(s.get(1), s.get(6), 10))))
        .isEqualTo(m.subList(2, 6));
    assertThat(await(store().page(conv, new HistoryQuery(s.get(1), s.get(6), 2))))
        .isEqualTo(m.subList(2, 4));
    assertThat(await(store().page(conv, new HistoryQuery(s.get(6), s.get(1), 10)))).isEmpty();
    assertThat(await(store().page(conv, new HistoryQuery(s.get(3), s.get(4), 10)))).isEmpty();
  }

  @Test
  void pageOfUnknownConversationIsEmpty() {
    assertThat(await(store().page(uniqueId("c"), HistoryQuery.latest(10)))).isEmpty();
  }

  @Test
  void pageIncludesTombstonesAndEditsInSeqOrder() {
    String conv = uniqueId("c");
    List<Message> m = appendMany(conv, "alice", 3);
    Message edited = await(store().edit(conv, m.get(0).id(), "edited", now()));
    Message deleted = await(store().delete(conv, m.get(1).id(), now()));

    assertThat(await(store().page(conv, HistoryQuery.latest(10))))
        .containsExactly(edited, deleted, m.get(2));
  }

  // ---- find ----

  @Test
  void findOfUnknownMessageIsEmpty() {
    String conv = uniqueId("c");
    Message m = append(conv, "alice", "hi");

    assertThat(await(store().find(conv, uniqueId("missing")))).isEmpty();
    assertThat(await(store().find(uniqueId("c"), m.id()))).isEmpty();
  }

  // ---- edit ----

  @Test
  void editReplacesTheBodyWithANewModSeq() {
    String conv = uniqueId("c");
    Message original = append(conv, "alice", "before");
    Message later = append(conv, "bob", "later");
    Instant at = now().plusSeconds(1);

    Message edited = await(store().edit(conv, original.id(), "after", at));

    assertThat(edited.body()).isEqualTo("after");
    assertThat(edited.edited()).contains(at);
    assertThat(edited.modSeq()).isGreaterThan(later.seq());
    assertThat(edited)
        .usingRecursiveComparison()
        .ignoringFields("body", "editedAt", "modSeq")
        .isEqualTo(original);
    assertThat(await(store().find(conv, original.id()))).contains(edited);
    assertThat(await(store().lastSeq(conv))).isEqualTo(edited.modSeq());
  }

  @Test
  void editsAndAppendsShareOneCounter() {
    String conv = uniqueId("c");
    Message a = append(conv, "alice", "a");
    Message edit1 = await(store().edit(conv, a.id(), "a1", now()));
    Message b = append(conv, "alice", "b");
    Message edit2 = await(store().edit(conv, a.id(), "a2", now()));
    Message tombstone = await(store().delete(conv, b.id(), now()));
    Message c = append(conv, "alice", "c");

    assertThat(
            List.of(a.seq(), edit1.modSeq(), b.seq(), edit2.modSeq(), tombstone.modSeq(), c.seq()))
        .isSorted()
        .doesNotHaveDuplicates();
    assertThat(await(store().lastSeq(conv))).isEqualTo(c.seq());
  }

  @Test
  void editOfUnknownMessageFailsWithNotFound() {
    String conv = uniqueId("c");
    append(conv, "alice", "hi");

    awaitFailure(store().edit(conv, uniqueId("missing"), "x", now()), ErrorCode.NOT_FOUND);
    awaitFailure(store().edit(uniqueId("c"), uniqueId("missing"), "x", now()), ErrorCode.NOT_FOUND);
  }

  @Test
  void editOfDeletedMessageFailsWithConflict() {
    String conv = uniqueId("c");
    Message m = append(conv, "alice", "hi");
    Message tombstone = await(store().delete(conv, m.id(), now()));

    awaitFailure(store().edit(conv, m.id(), "resurrected", now()), ErrorCode.CONFLICT);
    assertThat(await(store().find(conv, m.id()))).contains(tombstone);
  }

  // ---- delete ----

  @Test
  void deleteLeavesATombstoneWithANewModSeq() {
    String conv = uniqueId("c");
    NewMessage withAttachment =
        new NewMessage(
            conv,
            "alice",
            uniqueId("cm"),
            "secret",
            List.of(new Attachment(uniqueId("b"), "image/png", 10)),
            now());
    Message m = await(store().append(withAttachment)).message();
    Instant at = now().plusSeconds(1);

    Message tombstone = await(store().delete(conv, m.id(), at));

    assertThat(tombstone.deleted()).isTrue();
    assertThat(tombstone.body()).isEmpty();
    assertThat(tombstone.attachments()).isEmpty();
    assertThat(tombstone.modSeq()).isGreaterThan(m.modSeq());
    assertThat(tombstone.id()).isEqualTo(m.id());
    assertThat(tombstone.seq()).isEqualTo(m.seq());
    assertThat(tombstone.senderId()).isEqualTo(m.senderId());
    assertThat(tombstone.clientMsgId()).isEqualTo(m.clientMsgId());
    assertThat(tombstone.createdAt()).isEqualTo(m.createdAt());
    assertThat(await(store().find(conv, m.id()))).contains(tombstone);
    assertThat(await(store().lastSeq(conv))).isEqualTo(tombstone.modSeq());
  }

  @Test
  void deletingADeletedMessageReturnsItUnchanged() {
    String conv = uniqueId("c");
    Message m = append(conv, "alice", "hi");
    Message tombstone = await(store().delete(conv, m.id(), now()));

    Message again = await(store().delete(conv, m.id(), now().plusSeconds(5)));

    assertThat(again).isEqualTo(tombstone);
    assertThat(await(store().lastSeq(conv))).isEqualTo(tombstone.modSeq());
  }

  @Test
  void deleteOfUnknownMessageFailsWithNotFound() {
    String conv = uniqueId("c");
    append(conv, "alice", "hi");

    awaitFailure(store().delete(conv, uniqueId("missing"), now()), ErrorCode.NOT_FOUND);
    awaitFailure(store().delete(uniqueId("c"), uniqueId("missing"), now()), ErrorCode.NOT_FOUND);
  }

  @Test
  void repeatedAppendAfterADeleteStillReturnsTheStoredMessage() {
    String conv = uniqueId("c");
    NewMessage draft = draft(conv, "alice", "hi");
    Message m = await(store().append(draft)).message();
    await(store().delete(conv, m.id(), now()));

    AppendResult retry = await(store().append(draft));

    assertThat(retry.duplicate()).isTrue();
    assertThat(retry.message().id()).isEqualTo(m.id());
    assertThat(retry.message().seq()).isEqualTo(m.seq());
    assertThat(all(conv)).hasSize(1);
  }

  // ---- changesSince ----

  @Test
  void changesSinceReturnsNewAndChangedMessagesByModSeq() {
    String conv = uniqueId("c");
    List<Message> m = appendMany(conv, "alice", 3);
    long cursor = m.get(2).seq();
    Message edited = await(store().edit(conv, m.get(0).id(), "edited", now()));
    Message deleted = await(store().delete(conv, m.get(1).id(), now()));
    Message fresh = append(conv, "bob", "fresh");

    assertThat(await(store().changesSince(conv, cursor, 100)))
        .containsExactly(edited, deleted, fresh);
    assertThat(await(store().changesSince(conv, 0, 100)))
        .containsExactly(m.get(2), edited, deleted, fresh);
    assertThat(await(store().changesSince(conv, cursor, 2))).containsExactly(edited, deleted);
    assertThat(await(store().changesSince(conv, deleted.modSeq(), 100))).containsExactly(fresh);
    assertThat(await(store().changesSince(conv, fresh.modSeq(), 100))).isEmpty();
  }

  @Test
  void changesSinceOfUnknownConversationIsEmpty() {
    assertThat(await(store().changesSince(uniqueId("c"), 0, 10))).isEmpty();
  }

  // ---- lastSeq ----

  @Test
  void lastSeqOfUnknownConversationIsZero() {
    assertThat(await(store().lastSeq(uniqueId("c")))).isZero();
  }

  // ---- read markers ----

  @Test
  void readMarkerIsZeroUntilSet() {
    String conv = uniqueId("c");

    assertThat(await(store().readMarker(conv, "alice")))
        .isEqualTo(new ReadMarker(conv, "alice", 0));
    assertThat(await(store().readMarkers(conv))).isEmpty();
  }

  @Test
  void readMarkerMovesForwardOnly() {
    String conv = uniqueId("c");

    assertThat(await(store().markRead(new ReadMarker(conv, "alice", 5))))
        .isEqualTo(new ReadMarker(conv, "alice", 5));
    assertThat(await(store().markRead(new ReadMarker(conv, "alice", 3))))
        .isEqualTo(new ReadMarker(conv, "alice", 5));
    assertThat(await(store().readMarker(conv, "alice")))
        .isEqualTo(new ReadMarker(conv, "alice", 5));
    assertThat(await(store().markRead(new ReadMarker(conv, "alice", 9))))
        .isEqualTo(new ReadMarker(conv, "alice", 9));
    assertThat(await(store().markRead(new ReadMarker(conv, "alice", 9))))
        .isEqualTo(new ReadMarker(conv, "alice", 9));
    assertThat(await(store().readMarker(conv, "alice")))
        .isEqualTo(new ReadMarker(conv, "alice", 9));
  }

  @Test
  void readMarkersListsEveryUserWithAMarker() {
    String conv = uniqueId("c");
    String otherConv = uniqueId("c");
    await(store().markRead(new ReadMarker(conv, "alice", 4)));
    await(store().markRead(new ReadMarker(conv, "bob", 2)));
    await(store().markRead(new ReadMarker(otherConv, "carol", 1)));

    assertThat(await(store().readMarkers(conv)))
        .containsExactlyInAnyOrder(
            new ReadMarker(conv, "alice", 4), new ReadMarker(conv, "bob", 2));
    assertThat(await(store().readMarker(conv, "carol")))
        .isEqualTo(new ReadMarker(conv, "carol", 0));
  }

  @Test
  void racingReadMarkersNeverMoveBack() {
    String conv = uniqueId("c");
    int updates = 200;

    List<ReadMarker> results =
        values(
            race(
                16,
                updates,
                i -> store().markRead(new ReadMarker(conv, "alice", (i * 37L) % updates + 1))));

    for (int i = 0; i < updates; i++) {
      assertThat(results.get(i).seq()).isGreaterThanOrEqualTo((i * 37L) % updates + 1);
    }
    assertThat(await(store().readMarker(conv, "alice")).seq()).isEqualTo(updates);
    assertThat(await(store().readMarkers(conv)))
        .containsExactly(new ReadMarker(conv, "alice", updates));
  }

  // ---- unread ----

  @Test
  void countUnreadCountsOthersLiveMessagesAfterTheSeq() {
    String conv = uniqueId("c");
    Message a1 = append(conv, "alice", "a1");
    Message b1 = append(conv, "bob", "b1");
    Message b2 = append(conv, "bob", "b2");
    Message a2 = append(conv, "alice", "a2");
    Message b3 = append(conv, "bob", "b3");
    Message c1 = append(conv, "carol", "c1");
    await(store().delete(conv, b2.id(), now()));
    await(store().edit(conv, b3.id(), "b3 edited", now()));

    assertThat(await(store().countUnread(conv, "alice", 0))).isEqualTo(3); // b1, b3, c1
    assertThat(await(store().countUnread(conv, "alice", a1.seq()))).isEqualTo(3);
    assertThat(await(store().countUnread(conv, "alice", b1.seq()))).isEqualTo(2); // b3, c1
    assertThat(await(store().countUnread(conv, "alice", a2.seq()))).isEqualTo(2);
    assertThat(await(store().countUnread(conv, "alice", c1.seq()))).isZero();
    assertThat(await(store().countUnread(conv, "bob", 0))).isEqualTo(3); // a1, a2, c1
    assertThat(await(store().countUnread(conv, "dave", 0))).isEqualTo(5);
    assertThat(await(store().countUnread(conv, "dave", await(store().lastSeq(conv))))).isZero();
  }

  @Test
  void countUnreadOfUnknownConversationIsZero() {
    assertThat(await(store().countUnread(uniqueId("c"), "alice", 0))).isZero();
  }

  @Test
  void storedMessagesCompareEqualAcrossReads() {
    String conv = uniqueId("c");
    List<Message> m = appendMany(conv, "alice", 3);
    Map<String, Message> byId = new HashMap<>();
    for (Message message : m) {
      byId.put(message.id(), message);
    }

    for (Message read : all(conv)) {
      assertThat(read).isEqualTo(byId.get(read.id()));
    }
    assertThat(all(conv)).isSortedAccordingTo(Comparator.comparingLong(Message::seq));
  }
}
