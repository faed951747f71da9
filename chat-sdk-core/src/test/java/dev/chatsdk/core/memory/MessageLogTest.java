package dev.chatsdk.core.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.AppendResult;
import dev.chatsdk.api.Attachment;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.NewMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The compact message log against a plain model of the same rules: random appends, retries, edits
 * and deletes, checked through every read. Plus the encoding's edge cases: records larger than a
 * chunk, text outside ASCII, instants before 1970, and many messages across chunks.
 */
class MessageLogTest {
  private static final String[] SENDERS = {"ann", "bob", "çelik", "데이브"};
  private static final String[] BODIES = {
    "", "hi", "naïve café", "日本語のテキスト", "emoji 🎉🚀 and text", "x".repeat(3000)
  };

  @Test
  void randomOperationsReadBackLikeThePlainModel() {
    for (long seed = 1; seed <= 20; seed++) {
      Random random = new Random(seed);
      MessageLog log = new MessageLog("c1", new ByteChunks.Arena());
      Model model = new Model();
      for (int op = 0; op < 400; op++) {
        int kind = random.nextInt(10);
        if (kind < 6 || model.messages.isEmpty()) {
          String sender = SENDERS[random.nextInt(SENDERS.length)];
          String key = "k" + random.nextInt(300); // repeats are idempotent retries
          NewMessage m =
              new NewMessage(
                  "c1",
                  sender,
                  key,
                  BODIES[random.nextInt(BODIES.length)],
                  random.nextInt(4) == 0
                      ? List.of(
                          new Attachment("b" + op, "image/png", op), new Attachment("é", "", 0))
                      : List.of(),
                  Instant.ofEpochSecond(random.nextInt(2_000_000_000) - 1_000_000_000L, op));
          AppendResult got = log.append(m);
          Message expected = model.append(m, got.message());
          assertThat(got.message()).isEqualTo(expected);
          assertThat(got.duplicate()).isEqualTo(model.lastWasDuplicate);
        } else {
          Message target = model.messages.get(random.nextInt(model.messages.size()));
          Instant at = Instant.ofEpochSecond(1_700_000_000L + op, random.nextInt(1_000_000_000));
          if (kind < 8) {
            String body = BODIES[random.nextInt(BODIES.length)];
            if (target.deleted()) {
              assertThatThrownBy(() -> log.edit(target.id(), body, at))
                  .isInstanceOfSatisfying(
                      ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
            } else {
              assertThat(log.edit(target.id(), body, at)).isEqualTo(model.edit(target, body, at));
            }
          } else {
            assertThat(log.delete(target.id(), at)).isEqualTo(model.delete(target, at));
          }
        }
      }
      assertSameReads(log, model, random);
    }
  }

  private static void assertSameReads(MessageLog log, Model model, Random random) {
    assertThat(log.counter()).isEqualTo(model.counter);
    for (Message m : model.messages) {
      assertThat(log.find(m.id())).contains(m);
    }
    assertThat(log.find("no-such-id")).isEmpty();
    long top = model.counter + 2;
    for (int q = 0; q < 200; q++) {
      long after = random.nextInt((int) top);
      long before = 1 + random.nextInt((int) top);
      int limit = 1 + random.nextInt(60);
      for (HistoryQuery query :
          List.of(
              HistoryQuery.after(after, limit),
              HistoryQuery.before(before, limit),
              HistoryQuery.latest(limit),
              new HistoryQuery(after, before, limit))) {
        assertThat(log.page(query)).as("%s", query).isEqualTo(model.page(query));
      }
      assertThat(log.changesSince(after, limit)).isEqualTo(model.changesSince(after, limit));
      String user = SENDERS[random.nextInt(SENDERS.length)];
      assertThat(log.countUnread(user, after)).isEqualTo(model.countUnread(user, after));
      assertThat(log.countUnread("nobody", after)).isEqualTo(model.countUnread("nobody", after));
    }
  }

  @Test
  void manyMessagesSpanChunksAndARecordLargerThanAChunkGetsItsOwn() {
    MessageLog log = new MessageLog("big", new ByteChunks.Arena());
    List<Message> appended = new ArrayList<>();
    String huge = "é".repeat(ByteChunks.Arena.MAX); // twice an arena array in UTF-8
    for (int i = 0; i < 60_000; i++) {
      String body = i == 30_000 ? huge : "message number " + i + " ✓";
      appended.add(
          log.append(new NewMessage("big", "u" + (i % 7), "k" + i, body, List.of(), Instant.EPOCH))
              .message());
    }
    assertThat(log.page(HistoryQuery.after(29_995, 10)))
        .containsExactlyElementsOf(appended.subList(29_995, 30_005));
    assertThat(log.find(appended.get(30_000).id()).orElseThrow().body()).isEqualTo(huge);
    assertThat(log.find(appended.get(59_999).id())).contains(appended.get(59_999));
    assertThat(
            log.append(new NewMessage("big", "u3", "k10", "again", List.of(), Instant.EPOCH))
                .message())
        .isEqualTo(appended.get(10));
    assertThat(log.countUnread("u0", 0)).isEqualTo(60_000 - 60_000 / 7 - 1);
  }

  @Test
  void logsSharingAnArenaEachReadTheirOwnMessages() {
    ByteChunks.Arena arena = new ByteChunks.Arena();
    List<MessageLog> logs = List.of(new MessageLog("x", arena), new MessageLog("y", arena));
    List<List<Message>> appended = List.of(new ArrayList<>(), new ArrayList<>());
    for (int i = 0; i < 20_000; i++) { // interleaved, so pages of both alternate in each array
      int which = i % 2;
      String conversation = which == 0 ? "x" : "y";
      appended
          .get(which)
          .add(
              logs.get(which)
                  .append(
                      new NewMessage(
                          conversation, "u", "k" + i, conversation + i, List.of(), Instant.EPOCH))
                  .message());
    }
    for (int which = 0; which < 2; which++) {
      List<Message> all = new ArrayList<>();
      for (long after = 0; after < 10_000; after += HistoryQuery.MAX_LIMIT) {
        all.addAll(logs.get(which).page(HistoryQuery.after(after, HistoryQuery.MAX_LIMIT)));
      }
      assertThat(all).isEqualTo(appended.get(which));
    }
  }

  @Test
  void stringsCompareByTheirUtf8Bytes() {
    ByteChunks chunks = new ByteChunks(new ByteChunks.Arena());
    ByteChunks.Writer w = new ByteChunks.Writer();
    w.reset().writeString("café").writeString("abc").writeString("");
    long at = chunks.append(w.buffer(), w.length());
    for (String candidate : List.of("café", "cafe", "cafés", "caf", "abc")) {
      ByteChunks.Reader r = chunks.reader(at);
      assertThat(r.readStringEquals(candidate)).as(candidate).isEqualTo(candidate.equals("café"));
    }
    ByteChunks.Reader r = chunks.reader(at);
    r.skipString();
    assertThat(r.readStringEquals("abc")).isTrue();
    assertThat(r.readStringEquals("")).isTrue();
  }

  @Test
  void hashSlotsAskTheCallerToTellCollidingKeysApart() {
    HashSlots slots = new HashSlots();
    for (int i = 0; i < 1_000; i++) {
      slots.put(i % 3, i); // three hashes, 1,000 values: long probe chains and several resizes
    }
    for (int i = 0; i < 1_000; i++) {
      int wanted = i;
      assertThat(slots.find(i % 3, v -> v == wanted)).isEqualTo(i);
    }
    assertThat(slots.find(3, v -> true)).isEqualTo(-1);
    assertThat(slots.find(1, v -> v == 2)).isEqualTo(-1);
  }

  /** The rules of the message store, kept in the plainest way: a list searched in full. */
  private static final class Model {
    final List<Message> messages = new ArrayList<>(); // in seq order, current versions
    long counter;
    boolean lastWasDuplicate;

    Message append(NewMessage m, Message actual) {
      for (Message old : messages) {
        if (old.senderId().equals(m.senderId()) && old.clientMsgId().equals(m.clientMsgId())) {
          lastWasDuplicate = true;
          return old;
        }
      }
      lastWasDuplicate = false;
      counter++;
      Message stored =
          new Message(
              actual.id(), // the only field the store invents
              "c1",
              counter,
              counter,
              m.senderId(),
              m.clientMsgId(),
              m.body(),
              m.attachments(),
              m.createdAt(),
              null,
              false);
      messages.add(stored);
      return stored;
    }

    Message edit(Message target, String body, Instant at) {
      return replace(target, current(target).withEdit(body, ++counter, at));
    }

    Message delete(Message target, Instant at) {
      Message now = current(target);
      return now.deleted() ? now : replace(now, now.asDeleted(++counter, at));
    }

    private Message current(Message target) {
      return messages.stream().filter(m -> m.id().equals(target.id())).findFirst().orElseThrow();
    }

    private Message replace(Message target, Message updated) {
      messages.replaceAll(m -> m.id().equals(target.id()) ? updated : m);
      return updated;
    }

    List<Message> page(HistoryQuery q) {
      List<Message> in =
          messages.stream()
              .filter(m -> q.afterSeq().isEmpty() || m.seq() > q.afterSeq().getAsLong())
              .filter(m -> q.beforeSeq().isEmpty() || m.seq() < q.beforeSeq().getAsLong())
              .collect(Collectors.toList());
      return q.afterSeq().isPresent()
          ? in.subList(0, Math.min(q.limit(), in.size()))
          : in.subList(Math.max(0, in.size() - q.limit()), in.size());
    }

    List<Message> changesSince(long after, int limit) {
      return messages.stream()
          .filter(m -> m.modSeq() > after)
          .sorted(Comparator.comparingLong(Message::modSeq))
          .limit(limit)
          .collect(Collectors.toList());
    }

    long countUnread(String user, long after) {
      return messages.stream()
          .filter(m -> m.seq() > after && !m.deleted() && !m.senderId().equals(user))
          .count();
    }
  }
}
