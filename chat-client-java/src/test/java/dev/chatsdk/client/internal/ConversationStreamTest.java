package dev.chatsdk.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.Message;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConversationStreamTest {

  private static Message msg(long seq) {
    return msg(seq, seq, "m" + seq);
  }

  private static Message msg(long seq, long modSeq, String body) {
    return new Message(
        "id" + seq,
        "c1",
        seq,
        modSeq,
        "u1",
        "k" + seq,
        body,
        List.of(),
        Instant.EPOCH,
        null,
        false);
  }

  private static List<Long> seqs(List<Message> messages) {
    return messages.stream().map(Message::seq).toList();
  }

  @Test
  void inOrderMessagesAreDeliveredAtOnce() {
    ConversationStream stream = new ConversationStream("c1", 0);
    assertThat(seqs(stream.offer(msg(1)))).containsExactly(1L);
    assertThat(seqs(stream.offer(msg(2)))).containsExactly(2L);
    assertThat(stream.cursor()).isEqualTo(2);
    assertThat(stream.hasGap()).isFalse();
  }

  @Test
  void repeatsAreDropped() {
    ConversationStream stream = new ConversationStream("c1", 5);
    assertThat(stream.offer(msg(5))).isEmpty();
    assertThat(seqs(stream.offer(msg(6)))).containsExactly(6L);
    assertThat(stream.offer(msg(6))).isEmpty();
    assertThat(stream.offer(msg(3))).isEmpty();
  }

  @Test
  void messagesAfterAJumpWaitUntilTheGapCloses() {
    ConversationStream stream = new ConversationStream("c1", 0);
    assertThat(stream.offer(msg(3))).isEmpty();
    assertThat(stream.offer(msg(4))).isEmpty();
    assertThat(stream.hasGap()).isTrue();
    assertThat(stream.gapEnd()).hasValue(2);
    assertThat(seqs(stream.offer(msg(2)))).isEmpty();
    assertThat(seqs(stream.offer(msg(1)))).containsExactly(1L, 2L, 3L, 4L);
    assertThat(stream.hasGap()).isFalse();
  }

  @Test
  void syncedCounterTurnsMissingValuesIntoHoles() {
    ConversationStream stream = new ConversationStream("c1", 0);
    stream.offer(msg(1));
    stream.offer(msg(4));
    stream.offer(msg(5));
    assertThat(seqs(stream.advanceTo(3))).containsExactly(4L, 5L);
    assertThat(stream.cursor()).isEqualTo(5);
  }

  @Test
  void syncedCounterReleasesHeldEventsItCovers() {
    ConversationStream stream = new ConversationStream("c1", 0);
    stream.offer(msg(1));
    stream.offer(msg(4)); // held behind 2..3
    // the replay of the gap repeats 4, which stays held; 3 turns out to be a hole
    assertThat(seqs(stream.offer(msg(2)))).containsExactly(2L);
    assertThat(stream.offer(msg(4))).isEmpty();
    assertThat(seqs(stream.advanceTo(4))).containsExactly(4L);
    assertThat(stream.hasGap()).isFalse();
    assertThat(stream.cursor()).isEqualTo(4);
    assertThat(stream.offer(msg(4))).as("a later repeat").isEmpty();
  }

  @Test
  void aNewMessageWhoseCounterWasPassedOverAsAHoleIsDeliveredLateOnce() {
    ConversationStream stream = new ConversationStream("c1", 0);
    stream.offer(msg(1));
    stream.offer(msg(3));
    assertThat(seqs(stream.advanceTo(3))).as("synced: 2 is a hole").containsExactly(3L);
    assertThat(seqs(stream.offer(msg(2)))).as("its write landed late").containsExactly(2L);
    assertThat(stream.offer(msg(2))).isEmpty();
    assertThat(stream.cursor()).isEqualTo(3);
    assertThat(stream.offer(msg(1))).as("a counter that was delivered is a repeat").isEmpty();
  }

  @Test
  void holesPassedOverByAHistoryPageAreRememberedToo() {
    ConversationStream stream = new ConversationStream("c1", 0);
    stream.offer(msg(5));
    assertThat(seqs(stream.fill(List.of(msg(1), msg(3)), true))).containsExactly(1L, 3L, 5L);
    assertThat(seqs(stream.offer(msg(4)))).containsExactly(4L);
    assertThat(seqs(stream.offer(msg(2)))).containsExactly(2L);
    assertThat(stream.offer(msg(2))).isEmpty();
    assertThat(stream.offer(msg(2, 4, "an edit at a passed-over counter"))).isEmpty();
  }

  @Test
  void historyPageFillsTheGapThenReleasesHeldEvents() {
    ConversationStream stream = new ConversationStream("c1", 1);
    stream.offer(msg(5));
    stream.offer(msg(6));
    // history after 1: 2 and 4 exist, 3 is a hole; 5 and 6 are in the page too
    List<Message> out = stream.fill(List.of(msg(2), msg(4), msg(5), msg(6)), true);
    assertThat(seqs(out)).containsExactly(2L, 4L, 5L, 6L);
    assertThat(stream.cursor()).isEqualTo(6);
    assertThat(stream.hasGap()).isFalse();
  }

  @Test
  void partialHistoryPageAdvancesOnlyAsFarAsItReached() {
    ConversationStream stream = new ConversationStream("c1", 0);
    stream.offer(msg(10));
    List<Message> out = stream.fill(List.of(msg(1), msg(2), msg(3)), false);
    assertThat(seqs(out)).containsExactly(1L, 2L, 3L);
    assertThat(stream.cursor()).isEqualTo(3);
    assertThat(stream.hasGap()).isTrue();
    assertThat(seqs(stream.fill(List.of(msg(9), msg(10)), true))).containsExactly(9L, 10L);
  }

  @Test
  void messageFilledFromHistoryWithALaterEditIsNotDeliveredTwice() {
    ConversationStream stream = new ConversationStream("c1", 0);
    stream.offer(msg(3));
    // seq 2 was edited at counter 4 in the meantime: history holds its current state
    List<Message> out = stream.fill(List.of(msg(1), msg(2, 4, "edited")), true);
    assertThat(seqs(out)).containsExactly(1L, 2L, 3L);
    // the live edit event (counter 4) is a change, delivered as such
    List<Message> edit = stream.offer(msg(2, 4, "edited"));
    assertThat(edit).singleElement().satisfies(m -> assertThat(m.modSeq()).isEqualTo(4));
    // a repeat of the new-message event for seq 2 is dropped
    assertThat(stream.offer(msg(2, 2, "m2"))).isEmpty();
  }

  @Test
  void editsAdvanceTheCounter() {
    ConversationStream stream = new ConversationStream("c1", 2);
    assertThat(stream.offer(msg(1, 3, "edited"))).hasSize(1);
    assertThat(stream.cursor()).isEqualTo(3);
    assertThat(seqs(stream.offer(msg(4)))).containsExactly(4L);
  }

  @Test
  void shuffledReplayAndLiveStreamDeliverEachMessageOnceInOrder() {
    ConversationStream stream = new ConversationStream("c1", 0);
    List<Message> delivered = new ArrayList<>();
    long[] arrival = {2, 1, 1, 4, 3, 3, 2, 5, 7, 6, 8, 8, 5};
    for (long seq : arrival) {
      delivered.addAll(stream.offer(msg(seq)));
    }
    assertThat(seqs(delivered)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
  }
}
