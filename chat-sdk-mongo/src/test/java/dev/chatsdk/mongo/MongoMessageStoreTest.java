package dev.chatsdk.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.AppendResult;
import dev.chatsdk.api.Attachment;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.NewMessage;
import dev.chatsdk.api.ReadMarker;
import dev.chatsdk.api.port.MessageStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MongoMessageStoreTest extends MongoStoreTestBase {
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.123456789Z");

  private MessageStore messages() {
    return store.messageStore();
  }

  private Message send(String conversation, String sender, String clientMsgId, String body) {
    return await(
            messages()
                .append(new NewMessage(conversation, sender, clientMsgId, body, List.of(), NOW)))
        .message();
  }

  @Test
  void appendNumbersMessagesFromOneAndRoundTripsEveryField() {
    Attachment image = new Attachment("blob1", "image/png", 42);
    AppendResult first =
        await(messages().append(new NewMessage("c1", "alice", "m1", "hi", List.of(image), NOW)));
    Message second = send("c1", "bob", "m1", "hello");

    assertThat(first.duplicate()).isFalse();
    assertThat(first.message().seq()).isEqualTo(1);
    assertThat(first.message().modSeq()).isEqualTo(1);
    assertThat(second.seq()).isEqualTo(2);
    assertThat(await(messages().find("c1", first.message().id()))).contains(first.message());
    assertThat(first.message().createdAt()).isEqualTo(NOW);
    assertThat(first.message().attachments()).containsExactly(image);
  }

  @Test
  void repeatedAppendReturnsTheStoredMessage() {
    Message stored = send("c1", "alice", "m1", "hi");

    AppendResult again =
        await(messages().append(new NewMessage("c1", "alice", "m1", "other", List.of(), NOW)));

    assertThat(again.duplicate()).isTrue();
    assertThat(again.message()).isEqualTo(stored);
    assertThat(await(messages().page("c1", HistoryQuery.latest(10)))).containsExactly(stored);
  }

  @Test
  void concurrentDuplicateAppendsStoreOneMessage() {
    List<CompletableFuture<AppendResult>> racing = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      racing.add(
          messages()
              .append(new NewMessage("c1", "alice", "same", "hi", List.of(), NOW))
              .toCompletableFuture());
    }
    List<AppendResult> results = racing.stream().map(MongoStoreTestBase::await).toList();

    assertThat(results)
        .extracting(r -> r.message().id())
        .containsOnly(results.get(0).message().id());
    assertThat(results).filteredOn(r -> !r.duplicate()).hasSize(1);
    assertThat(await(messages().page("c1", HistoryQuery.latest(50)))).hasSize(1);
  }

  @Test
  void concurrentAppendsGetDistinctIncreasingNumbers() {
    List<CompletableFuture<AppendResult>> racing = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      racing.add(
          messages()
              .append(new NewMessage("c1", "u" + (i % 3), "m" + i, "b" + i, List.of(), NOW))
              .toCompletableFuture());
    }
    List<Long> seqs = racing.stream().map(f -> await(f).message().seq()).sorted().toList();

    assertThat(seqs).doesNotHaveDuplicates().hasSize(40);
    List<Message> page = await(messages().page("c1", HistoryQuery.after(0, 200)));
    assertThat(page).extracting(Message::seq).isSorted().hasSize(40);
    assertThat(await(messages().lastSeq("c1"))).isEqualTo(40);
  }

  @Test
  void pageAfterTheLargestSeqIsEmptyWithoutScanning() {
    send("c1", "alice", "m1", "hi");

    // after + 1 used to overflow to Long.MIN_VALUE and scan ~10^16 windows up to the top
    List<Message> page =
        messages()
            .page("c1", HistoryQuery.after(Long.MAX_VALUE, HistoryQuery.MAX_LIMIT))
            .toCompletableFuture()
            .orTimeout(5, TimeUnit.SECONDS)
            .join();

    assertThat(page).isEmpty();
    assertThat(await(messages().page("c1", new HistoryQuery(Long.MAX_VALUE, 1, 10)))).isEmpty();
  }

  @Test
  void extremeCounterValuesAnswerAtOnce() {
    Message m = send("c1", "alice", "m1", "hi");

    assertThat(await(messages().changesSince("c1", Long.MAX_VALUE, 100))).isEmpty();
    assertThat(await(messages().changesSince("c1", 0, 100))).containsExactly(m);
    assertThat(await(messages().countUnread("c1", "bob", Long.MIN_VALUE))).isEqualTo(1);
    assertThat(await(messages().countUnread("c1", "bob", Long.MAX_VALUE))).isZero();
  }

  @Test
  void pagesBySeqInEveryDirectionAcrossHoles() {
    // 1..30 with holes: every third message is edited, which takes a counter value each.
    List<Message> sent = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      Message m = send("c1", "alice", "m" + i, "b" + i);
      sent.add(m);
      if (i % 3 == 0) {
        await(messages().edit("c1", m.id(), "edited" + i, NOW));
      }
    }
    List<Long> seqs = sent.stream().map(Message::seq).toList();

    assertThat(seqsOf(HistoryQuery.after(0, 5))).containsExactlyElementsOf(seqs.subList(0, 5));
    assertThat(seqsOf(HistoryQuery.after(seqs.get(9), 200)))
        .containsExactlyElementsOf(seqs.subList(10, 30));
    assertThat(seqsOf(HistoryQuery.latest(4))).containsExactlyElementsOf(seqs.subList(26, 30));
    assertThat(seqsOf(HistoryQuery.before(seqs.get(10), 3)))
        .containsExactlyElementsOf(seqs.subList(7, 10));
    assertThat(seqsOf(new HistoryQuery(seqs.get(2), seqs.get(8), 200)))
        .containsExactlyElementsOf(seqs.subList(3, 8));
    assertThat(seqsOf(new HistoryQuery(seqs.get(2), seqs.get(8), 2)))
        .containsExactlyElementsOf(seqs.subList(3, 5));
    assertThat(seqsOf(HistoryQuery.after(1000, 10))).isEmpty();
    assertThat(await(messages().page("empty", HistoryQuery.latest(10)))).isEmpty();
  }

  private List<Long> seqsOf(HistoryQuery query) {
    return await(messages().page("c1", query)).stream().map(Message::seq).toList();
  }

  @Test
  void editAndDeleteTakeNewCounterValuesAndShowInChangesSince() {
    Message a = send("c1", "alice", "a", "one");
    Message b = send("c1", "alice", "b", "two");
    Message c = send("c1", "alice", "c", "three");

    Message edited = await(messages().edit("c1", a.id(), "ONE", NOW.plusSeconds(1)));
    Message deleted = await(messages().delete("c1", b.id(), NOW.plusSeconds(2)));

    assertThat(edited.modSeq()).isEqualTo(4);
    assertThat(edited.body()).isEqualTo("ONE");
    assertThat(edited.editedAt()).isEqualTo(NOW.plusSeconds(1));
    assertThat(deleted.modSeq()).isEqualTo(5);
    assertThat(deleted.deleted()).isTrue();
    assertThat(deleted.body()).isEmpty();
    assertThat(await(messages().lastSeq("c1"))).isEqualTo(5);
    assertThat(await(messages().changesSince("c1", 0, 100))).containsExactly(c, edited, deleted);
    assertThat(await(messages().changesSince("c1", 3, 100))).containsExactly(edited, deleted);
    assertThat(await(messages().changesSince("c1", 3, 1))).containsExactly(edited);
    assertThat(await(messages().page("c1", HistoryQuery.latest(10))))
        .containsExactly(edited, deleted, c);
  }

  @Test
  void deletingTwiceReturnsTheTombstoneUnchangedAndEditingItConflicts() {
    Message m = send("c1", "alice", "a", "one");
    Message deleted = await(messages().delete("c1", m.id(), NOW));

    assertThat(await(messages().delete("c1", m.id(), NOW.plusSeconds(5)))).isEqualTo(deleted);
    assertThatThrownBy(() -> await(messages().edit("c1", m.id(), "again", NOW)))
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(ChatException.class)
        .extracting(e -> ((ChatException) e).code())
        .isEqualTo(ErrorCode.CONFLICT);
  }

  @Test
  void changingAnUnknownMessageIsNotFound() {
    Message m = send("c1", "alice", "a", "one");

    assertThatThrownBy(() -> await(messages().edit("c1", "nope", "x", NOW)))
        .cause()
        .extracting(e -> ((ChatException) e).code())
        .isEqualTo(ErrorCode.NOT_FOUND);
    assertThatThrownBy(() -> await(messages().delete("other", m.id(), NOW)))
        .cause()
        .extracting(e -> ((ChatException) e).code())
        .isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(await(messages().find("other", m.id()))).isEmpty();
  }

  @Test
  void concurrentEditsLeaveTheMessageWithItsNewestChange() {
    Message m = send("c1", "alice", "a", "zero");
    List<CompletableFuture<Message>> racing = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      racing.add(messages().edit("c1", m.id(), "v" + i, NOW).toCompletableFuture());
    }
    racing.forEach(MongoStoreTestBase::await);

    Message stored = await(messages().find("c1", m.id())).orElseThrow();
    assertThat(stored.modSeq()).isEqualTo(await(messages().lastSeq("c1")));
    assertThat(await(messages().changesSince("c1", 1, 100))).containsExactly(stored);
  }

  @Test
  void readMarkersOnlyMoveForward() {
    assertThat(await(messages().readMarker("c1", "alice")))
        .isEqualTo(new ReadMarker("c1", "alice", 0));

    assertThat(await(messages().markRead(new ReadMarker("c1", "alice", 5))).seq()).isEqualTo(5);
    assertThat(await(messages().markRead(new ReadMarker("c1", "alice", 3))).seq()).isEqualTo(5);
    await(messages().markRead(new ReadMarker("c1", "bob", 2)));
    await(messages().markRead(new ReadMarker("c2", "bob", 9)));

    assertThat(await(messages().readMarker("c1", "alice")).seq()).isEqualTo(5);
    assertThat(await(messages().readMarkers("c1")))
        .containsExactlyInAnyOrder(
            new ReadMarker("c1", "alice", 5), new ReadMarker("c1", "bob", 2));
  }

  @Test
  void concurrentMarkReadsKeepTheHighest() {
    List<CompletableFuture<ReadMarker>> racing =
        IntStream.rangeClosed(1, 20)
            .mapToObj(
                i -> messages().markRead(new ReadMarker("c1", "alice", i)).toCompletableFuture())
            .toList();
    racing.forEach(MongoStoreTestBase::await);

    assertThat(await(messages().readMarker("c1", "alice")).seq()).isEqualTo(20);
  }

  @Test
  void unreadCountsExcludeOwnAndDeletedMessages() {
    Message first = send("c1", "alice", "1", "a");
    send("c1", "bob", "2", "b");
    Message third = send("c1", "bob", "3", "c");
    send("c1", "bob", "4", "d");
    await(messages().delete("c1", third.id(), NOW));

    assertThat(await(messages().countUnread("c1", "alice", 0))).isEqualTo(2);
    assertThat(await(messages().countUnread("c1", "bob", 0))).isEqualTo(1);
    assertThat(await(messages().countUnread("c1", "alice", first.seq() + 1))).isEqualTo(1);
    assertThat(await(messages().countUnread("c1", "alice", 100))).isZero();
    assertThat(await(messages().countUnread("none", "alice", 0))).isZero();
  }

  @Test
  void unreadCountsAreExactPastTheLookupWindow() {
    int total = 1_205;
    List<NewMessage> batch = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      batch.add(new NewMessage("big", i % 4 == 0 ? "alice" : "bob", "m" + i, "x", List.of(), NOW));
    }
    List<CompletableFuture<AppendResult>> appends =
        batch.stream().map(m -> messages().append(m).toCompletableFuture()).toList();
    appends.forEach(MongoStoreTestBase::await);

    assertThat(await(messages().countUnread("big", "alice", 0))).isEqualTo(total - 302);
    assertThat(await(messages().countUnread("big", "alice", total - 10)))
        .isEqualTo(
            appends.stream()
                .map(f -> f.join().message())
                .filter(m -> m.seq() > total - 10 && !m.senderId().equals("alice"))
                .count());
  }
}
