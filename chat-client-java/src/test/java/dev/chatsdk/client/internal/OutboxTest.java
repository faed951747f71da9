package dev.chatsdk.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.client.SentMessage;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OutboxTest {

  private static CompletableFuture<SentMessage> future() {
    return new CompletableFuture<>();
  }

  @Test
  void oneSendPerConversationIsInFlightAtATime() {
    Outbox outbox = new Outbox(10);
    outbox.add("c1", "a", "1", future(), 0);
    outbox.add("c1", "b", "2", future(), 0);
    outbox.add("c2", "x", "3", future(), 0);
    assertThat(outbox.due(1, 0)).extracting(Outbox.Pending::clientMsgId).containsExactly("a", "x");
    assertThat(outbox.due(1, 0)).isEmpty();
    outbox.remove("a");
    assertThat(outbox.due(1, 0)).extracting(Outbox.Pending::clientMsgId).containsExactly("b");
  }

  @Test
  void unacknowledgedSendsAreDueAgainOnANewConnectionWithTheSameId() {
    Outbox outbox = new Outbox(10);
    outbox.add("c1", "a", "1", future(), 0);
    outbox.add("c1", "b", "2", future(), 0);
    outbox.add("c2", "x", "3", future(), 0);
    outbox.due(1, 0);
    outbox.remove("a");
    outbox.due(1, 0); // b written on connection 1, then the connection is lost
    assertThat(outbox.due(2, 0)).extracting(Outbox.Pending::clientMsgId).containsExactly("b", "x");
  }

  @Test
  void delayedSendIsNotDueBeforeItsTime() {
    Outbox outbox = new Outbox(10);
    outbox.add("c1", "a", "1", future(), 0);
    outbox.due(1, 0);
    outbox.add("c1", "b", "2", future(), 0);
    outbox.retryLater("a", 100);
    assertThat(outbox.due(1, 50)).as("b waits behind a").isEmpty();
    assertThat(outbox.due(1, 100)).extracting(Outbox.Pending::clientMsgId).containsExactly("a");
  }

  @Test
  void fullOutboxRefusesMore() {
    Outbox outbox = new Outbox(1);
    assertThat(outbox.add("c1", "a", "1", future(), 0)).isPresent();
    assertThat(outbox.add("c1", "b", "2", future(), 0)).isEmpty();
    assertThat(outbox.size()).isEqualTo(1);
  }

  @Test
  void expireRemovesOnlyOldSends() {
    Outbox outbox = new Outbox(10);
    outbox.add("c1", "old", "1", future(), 0);
    outbox.add("c1", "new", "2", future(), 900);
    assertThat(outbox.expire(1000, 500))
        .extracting(Outbox.Pending::clientMsgId)
        .containsExactly("old");
    assertThat(outbox.get("new")).isPresent();
  }

  @Test
  void clearHandsBackEverySend() {
    Outbox outbox = new Outbox(10);
    outbox.add("c1", "a", "1", future(), 0);
    outbox.add("c2", "b", "2", future(), 0);
    assertThat(outbox.clear()).hasSize(2);
    assertThat(outbox.size()).isZero();
  }
}
