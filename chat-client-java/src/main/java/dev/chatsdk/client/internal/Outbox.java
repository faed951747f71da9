package dev.chatsdk.client.internal;

import dev.chatsdk.client.SentMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Sends that the server has not acknowledged yet, in the order the application made them. A send
 * stays here until its {@code ack} (or a final error) arrives and is written again, with the same
 * {@code clientMsgId}, on every new connection: the server's idempotency turns the repeats into one
 * stored message. Not thread-safe: confined to the client's loop thread.
 */
public final class Outbox {

  /** One unacknowledged send. */
  public static final class Pending {
    final String conversationId;
    final String clientMsgId;
    final String body;
    final CompletableFuture<SentMessage> future;
    final long createdNanos;
    long sentOnConnection = -1;
    long notBeforeNanos;

    Pending(
        String conversationId,
        String clientMsgId,
        String body,
        CompletableFuture<SentMessage> future,
        long createdNanos) {
      this.conversationId = conversationId;
      this.clientMsgId = clientMsgId;
      this.body = body;
      this.future = future;
      this.createdNanos = createdNanos;
    }

    /** The conversation. */
    public String conversationId() {
      return conversationId;
    }

    /** The idempotency key. */
    public String clientMsgId() {
      return clientMsgId;
    }

    /** The text. */
    public String body() {
      return body;
    }

    /** The future the application holds; completed by the ack. */
    public CompletableFuture<SentMessage> future() {
      return future;
    }
  }

  private final int capacity;
  private final Map<String, Pending> pending = new LinkedHashMap<>();

  /** An outbox holding at most {@code capacity} unacknowledged sends. */
  public Outbox(int capacity) {
    this.capacity = capacity;
  }

  /** The number of unacknowledged sends. */
  public int size() {
    return pending.size();
  }

  /** Adds a send; empty if the outbox is full. */
  public Optional<Pending> add(
      String conversationId,
      String clientMsgId,
      String body,
      CompletableFuture<SentMessage> future,
      long nowNanos) {
    if (pending.size() >= capacity) {
      return Optional.empty();
    }
    Pending p = new Pending(conversationId, clientMsgId, body, future, nowNanos);
    pending.put(clientMsgId, p);
    return Optional.of(p);
  }

  /** The send with this key, if it is still pending. */
  public Optional<Pending> get(String clientMsgId) {
    return Optional.ofNullable(pending.get(clientMsgId));
  }

  /** Removes and returns the send with this key, if it is still pending. */
  public Optional<Pending> remove(String clientMsgId) {
    return Optional.ofNullable(pending.remove(clientMsgId));
  }

  /** Delays the send with this key: it is not written again before {@code notBeforeNanos}. */
  public void retryLater(String clientMsgId, long notBeforeNanos) {
    Pending p = pending.get(clientMsgId);
    if (p != null) {
      p.notBeforeNanos = notBeforeNanos;
      p.sentOnConnection = -1;
    }
  }

  /**
   * The sends to write on connection {@code connection} now: per conversation, the oldest pending
   * send, unless it is already written on this connection or delayed past {@code nowNanos}. Sends
   * to one conversation thus go out one at a time, in the order they were made, so the server
   * stores them in that order even when it refuses one for a while (rate limits). Marks the
   * returned sends as written on {@code connection}.
   */
  public List<Pending> due(long connection, long nowNanos) {
    List<Pending> out = new ArrayList<>();
    Set<String> heads = new HashSet<>();
    for (Pending p : pending.values()) {
      if (!heads.add(p.conversationId)) {
        continue;
      }
      if (p.sentOnConnection != connection && p.notBeforeNanos - nowNanos <= 0) {
        p.sentOnConnection = connection;
        out.add(p);
      }
    }
    return out;
  }

  /** Removes and returns the sends older than {@code timeoutNanos}. */
  public List<Pending> expire(long nowNanos, long timeoutNanos) {
    List<Pending> out = new ArrayList<>();
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (nowNanos - p.createdNanos >= timeoutNanos) {
        it.remove();
        out.add(p);
      }
    }
    return out;
  }

  /** Removes and returns every pending send (the client is closing). */
  public List<Pending> clear() {
    List<Pending> out = new ArrayList<>(pending.values());
    pending.clear();
    return out;
  }
}
