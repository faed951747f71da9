package dev.chatsdk.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A listener that records what a client delivered, with bounded waits. */
class Recorder implements ChatListener {
  final Map<String, List<Message>> messages = new ConcurrentHashMap<>();
  final List<ConnectionState> states = new CopyOnWriteArrayList<>();
  final List<ChatException> errors = new CopyOnWriteArrayList<>();
  final List<SentMessage> acks = new CopyOnWriteArrayList<>();
  final List<String> gaps = new CopyOnWriteArrayList<>();

  @Override
  public void onMessage(Message message) {
    messages
        .computeIfAbsent(message.conversationId(), k -> new CopyOnWriteArrayList<>())
        .add(message);
  }

  @Override
  public void onAck(SentMessage sent) {
    acks.add(sent);
  }

  @Override
  public void onStateChanged(ConnectionState previous, ConnectionState current) {
    states.add(current);
  }

  @Override
  public void onError(ChatException error) {
    errors.add(error);
  }

  @Override
  public void onGapFilled(String conversationId, long fromCounter, long toCounter, int recovered) {
    gaps.add(conversationId + ":" + fromCounter + ".." + toCounter + "=" + recovered);
  }

  List<Message> in(String conversationId) {
    return new ArrayList<>(messages.getOrDefault(conversationId, List.of()));
  }

  /** Waits until {@code count} messages of the conversation were delivered. */
  void awaitCount(String conversationId, int count, long seconds) throws InterruptedException {
    await(
        () -> in(conversationId).size() >= count,
        seconds,
        () -> "delivered in " + conversationId + ": " + in(conversationId).size() + " of " + count);
  }

  /**
   * Asserts the conversation's messages were delivered each once, in seq order, with exactly these
   * bodies (as a set).
   */
  void assertExactlyOnceInOrder(String conversationId, List<String> expectedBodies) {
    List<Message> got = in(conversationId);
    List<Long> seqs = got.stream().map(Message::seq).toList();
    for (int i = 1; i < seqs.size(); i++) {
      assertThat(seqs.get(i)).as("seq after %s", seqs.get(i - 1)).isGreaterThan(seqs.get(i - 1));
    }
    assertThat(got.stream().map(Message::body).toList())
        .containsExactlyInAnyOrderElementsOf(expectedBodies);
  }

  static void await(
      BooleanSupplier condition, long seconds, java.util.function.Supplier<String> what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + seconds + " s: " + what.get());
      }
      Thread.sleep(10);
    }
  }
}
