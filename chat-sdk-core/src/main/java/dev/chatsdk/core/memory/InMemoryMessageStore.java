package dev.chatsdk.core.memory;

import dev.chatsdk.api.AppendResult;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.NewMessage;
import dev.chatsdk.api.ReadMarker;
import dev.chatsdk.api.port.MessageStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link MessageStore} on the heap. Each conversation has its own lock, counter and indexes, so
 * appends to different conversations never contend; within a conversation, appends, edits and
 * deletes take numbers from one counter under that lock. Thread-safe. Every stage is complete when
 * the method returns.
 */
public final class InMemoryMessageStore implements MessageStore {
  private final Map<String, Log> logs = new ConcurrentHashMap<>();

  /** Creates an empty store. */
  public InMemoryMessageStore() {}

  @Override
  public CompletionStage<AppendResult> append(NewMessage message) {
    Objects.requireNonNull(message, "message");
    return Stages.now(() -> log(message.conversationId()).append(message));
  }

  @Override
  public CompletionStage<List<Message>> page(String conversationId, HistoryQuery query) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(query, "query");
    return Stages.now(
        () -> {
          Log log = logs.get(conversationId);
          return log == null ? List.of() : log.page(query);
        });
  }

  @Override
  public CompletionStage<List<Message>> changesSince(
      String conversationId, long afterModSeq, int limit) {
    Objects.requireNonNull(conversationId, "conversationId");
    return Stages.now(
        () -> {
          if (afterModSeq < 0) {
            throw ChatException.invalid("afterModSeq: " + afterModSeq + " (expected: >= 0)");
          }
          if (limit < 1) {
            throw ChatException.invalid("limit: " + limit + " (expected: >= 1)");
          }
          Log log = logs.get(conversationId);
          return log == null ? List.of() : log.changesSince(afterModSeq, limit);
        });
  }

  @Override
  public CompletionStage<Optional<Message>> find(String conversationId, String messageId) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(messageId, "messageId");
    return Stages.now(
        () -> {
          Log log = logs.get(conversationId);
          return log == null ? Optional.empty() : log.find(messageId);
        });
  }

  @Override
  public CompletionStage<Message> edit(
      String conversationId, String messageId, String body, Instant at) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(at, "at");
    return Stages.now(() -> existing(conversationId, messageId).edit(messageId, body, at));
  }

  @Override
  public CompletionStage<Message> delete(String conversationId, String messageId, Instant at) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(at, "at");
    return Stages.now(() -> existing(conversationId, messageId).delete(messageId, at));
  }

  @Override
  public CompletionStage<Long> lastSeq(String conversationId) {
    Objects.requireNonNull(conversationId, "conversationId");
    return Stages.now(
        () -> {
          Log log = logs.get(conversationId);
          return log == null ? 0L : log.counter();
        });
  }

  @Override
  public CompletionStage<ReadMarker> markRead(ReadMarker marker) {
    Objects.requireNonNull(marker, "marker");
    return Stages.now(() -> log(marker.conversationId()).markRead(marker));
  }

  @Override
  public CompletionStage<ReadMarker> readMarker(String conversationId, String userId) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(userId, "userId");
    return Stages.now(
        () -> {
          Log log = logs.get(conversationId);
          long seq = log == null ? 0 : log.readSeq(userId);
          return new ReadMarker(conversationId, userId, seq);
        });
  }

  @Override
  public CompletionStage<List<ReadMarker>> readMarkers(String conversationId) {
    Objects.requireNonNull(conversationId, "conversationId");
    return Stages.now(
        () -> {
          Log log = logs.get(conversationId);
          return log == null ? List.of() : log.readMarkers();
        });
  }

  @Override
  public CompletionStage<Long> countUnread(String conversationId, String userId, long afterSeq) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(userId, "userId");
    return Stages.now(
        () -> {
          if (afterSeq < 0) {
            throw ChatException.invalid("afterSeq: " + afterSeq + " (expected: >= 0)");
          }
          Log log = logs.get(conversationId);
          return log == null ? 0L : log.countUnread(userId, afterSeq);
        });
  }

  private Log log(String conversationId) {
    return logs.computeIfAbsent(conversationId, Log::new);
  }

  private Log existing(String conversationId, String messageId) {
    Log log = logs.get(conversationId);
    if (log == null) {
      throw notFound(conversationId, messageId);
    }
    return log;
  }

  private static ChatException notFound(String conversationId, String messageId) {
    return ChatException.notFound(
        "message: '" + messageId + "' does not exist in conversation '" + conversationId + "'");
  }

  /** One conversation's messages, counter and read markers; every field guarded by {@code this}. */
  private static final class Log {
    private final String conversationId;
    private long counter;
    private final NavigableMap<Long, Message> bySeq = new TreeMap<>();
    private final NavigableMap<Long, Message> byModSeq = new TreeMap<>();
    private final Map<String, Message> byId = new HashMap<>();
    private final Map<IdempotencyKey, String> idByKey = new HashMap<>();
    private final Map<String, Long> readSeqByUser = new TreeMap<>();

    Log(String conversationId) {
      this.conversationId = conversationId;
    }

    synchronized AppendResult append(NewMessage m) {
      IdempotencyKey key = new IdempotencyKey(m.senderId(), m.clientMsgId());
      String existingId = idByKey.get(key);
      if (existingId != null) {
        return new AppendResult(byId.get(existingId), true);
      }
      long seq = ++counter;
      Message stored =
          new Message(
              Ids.next(),
              conversationId,
              seq,
              seq,
              m.senderId(),
              m.clientMsgId(),
              m.body(),
              m.attachments(),
              m.createdAt(),
              null,
              false);
      put(stored);
      idByKey.put(key, stored.id());
      return new AppendResult(stored, false);
    }

    synchronized List<Message> page(HistoryQuery q) {
      NavigableMap<Long, Message> range = bySeq;
      if (q.afterSeq().isPresent() && q.beforeSeq().isPresent()) {
        long after = q.afterSeq().getAsLong();
        long before = q.beforeSeq().getAsLong();
        if (before <= after) {
          return List.of();
        }
        range = bySeq.subMap(after, false, before, false);
      } else if (q.afterSeq().isPresent()) {
        range = bySeq.tailMap(q.afterSeq().getAsLong(), false);
      } else if (q.beforeSeq().isPresent()) {
        range = bySeq.headMap(q.beforeSeq().getAsLong(), false);
      }
      if (q.afterSeq().isPresent()) {
        return first(range.values(), q.limit());
      }
      List<Message> newest = first(range.descendingMap().values(), q.limit());
      List<Message> ascending = new ArrayList<>(newest);
      Collections.reverse(ascending);
      return List.copyOf(ascending);
    }

    synchronized List<Message> changesSince(long afterModSeq, int limit) {
      return first(byModSeq.tailMap(afterModSeq, false).values(), limit);
    }

    synchronized Optional<Message> find(String id) {
      return Optional.ofNullable(byId.get(id));
    }

    synchronized Message edit(String id, String body, Instant at) {
      Message stored = require(id);
      if (stored.deleted()) {
        throw new ChatException(ErrorCode.CONFLICT, "message: '" + id + "' is deleted");
      }
      Message edited = stored.withEdit(body, ++counter, at);
      replace(stored, edited);
      return edited;
    }

    synchronized Message delete(String id, Instant at) {
      Message stored = require(id);
      if (stored.deleted()) {
        return stored;
      }
      Message tombstone = stored.asDeleted(++counter, at);
      replace(stored, tombstone);
      return tombstone;
    }

    synchronized long counter() {
      return counter;
    }

    synchronized ReadMarker markRead(ReadMarker marker) {
      long seq = readSeqByUser.merge(marker.userId(), marker.seq(), Math::max);
      return seq == marker.seq() ? marker : new ReadMarker(conversationId, marker.userId(), seq);
    }

    synchronized long readSeq(String userId) {
      return readSeqByUser.getOrDefault(userId, 0L);
    }

    synchronized List<ReadMarker> readMarkers() {
      List<ReadMarker> markers = new ArrayList<>(readSeqByUser.size());
      readSeqByUser.forEach((user, seq) -> markers.add(new ReadMarker(conversationId, user, seq)));
      return List.copyOf(markers);
    }

    synchronized long countUnread(String userId, long afterSeq) {
      long count = 0;
      for (Message m : bySeq.tailMap(afterSeq, false).values()) {
        if (!m.deleted() && !m.senderId().equals(userId)) {
          count++;
        }
      }
      return count;
    }

    private Message require(String id) {
      Message stored = byId.get(id);
      if (stored == null) {
        throw notFound(conversationId, id);
      }
      return stored;
    }

    private void put(Message m) {
      bySeq.put(m.seq(), m);
      byModSeq.put(m.modSeq(), m);
      byId.put(m.id(), m);
    }

    private void replace(Message old, Message updated) {
      byModSeq.remove(old.modSeq());
      put(updated);
    }

    private static List<Message> first(Collection<Message> messages, int limit) {
      List<Message> out = new ArrayList<>(Math.min(limit, messages.size()));
      for (Message m : messages) {
        if (out.size() == limit) {
          break;
        }
        out.add(m);
      }
      return List.copyOf(out);
    }
  }

  private record IdempotencyKey(String senderId, String clientMsgId) {}
}
