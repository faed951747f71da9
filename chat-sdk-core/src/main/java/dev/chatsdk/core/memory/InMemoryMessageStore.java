package dev.chatsdk.core.memory;

import dev.chatsdk.api.AppendResult;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.NewMessage;
import dev.chatsdk.api.ReadMarker;
import dev.chatsdk.api.port.MessageStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link MessageStore} on the heap. Each conversation has its own lock, counter and indexes, so
 * appends to different conversations never contend; within a conversation, appends, edits and
 * deletes take numbers from one counter under that lock. Messages are kept as compact records
 * (about 150 bytes each, see {@link MessageLog}), not as objects, so a large store costs the
 * garbage collector almost nothing. Thread-safe. Every stage is complete when the method returns.
 */
public final class InMemoryMessageStore implements MessageStore {
  private final Map<String, MessageLog> logs = new ConcurrentHashMap<>();
  private final ByteChunks.Arena arena = new ByteChunks.Arena();

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
          MessageLog log = logs.get(conversationId);
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
          MessageLog log = logs.get(conversationId);
          return log == null ? List.of() : log.changesSince(afterModSeq, limit);
        });
  }

  @Override
  public CompletionStage<Optional<Message>> find(String conversationId, String messageId) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(messageId, "messageId");
    return Stages.now(
        () -> {
          MessageLog log = logs.get(conversationId);
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
          MessageLog log = logs.get(conversationId);
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
          MessageLog log = logs.get(conversationId);
          long seq = log == null ? 0 : log.readSeq(userId);
          return new ReadMarker(conversationId, userId, seq);
        });
  }

  @Override
  public CompletionStage<List<ReadMarker>> readMarkers(String conversationId) {
    Objects.requireNonNull(conversationId, "conversationId");
    return Stages.now(
        () -> {
          MessageLog log = logs.get(conversationId);
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
          MessageLog log = logs.get(conversationId);
          return log == null ? 0L : log.countUnread(userId, afterSeq);
        });
  }

  private MessageLog log(String conversationId) {
    return logs.computeIfAbsent(conversationId, id -> new MessageLog(id, arena));
  }

  private MessageLog existing(String conversationId, String messageId) {
    MessageLog log = logs.get(conversationId);
    if (log == null) {
      throw MessageLog.notFound(conversationId, messageId);
    }
    return log;
  }
}
