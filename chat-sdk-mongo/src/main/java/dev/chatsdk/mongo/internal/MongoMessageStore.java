package dev.chatsdk.mongo.internal;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoCollection;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/**
 * {@link MessageStore} on the {@code messages}, {@code message_changes}, {@code
 * conversation_counters} and {@code read_markers} collections. Thread-safe.
 *
 * <p>Numbering: each conversation has a counter document; {@code append}, {@code edit} and {@code
 * delete} take the next value with one atomic {@code $inc} (findOneAndUpdate, upsert). A message is
 * then inserted under the key {@code (conversation, seq)}; a change writes a change record under
 * {@code (conversation, modSeq)} pointing at the message, then updates the message with a
 * compare-and-set on its previous {@code modSeq}, so the stored message always carries its newest
 * change. No write needs a multi-document transaction.
 *
 * <p>Reads by number (pages, changes, small unread counts) look up windows of keys with {@code $in}
 * on {@code _id}: every value of the counter is either a message's seq or a change record, so a
 * window of keys finds exactly the items numbered in it, served by the {@code _id} index on any
 * MongoDB-wire server. Windows grow geometrically over holes, bounded by the counter.
 */
public final class MongoMessageStore implements MessageStore {
  /** The largest number of keys looked up in one query. */
  static final int MAX_WINDOW = 1000;

  /** Bounded retries of a compare-and-set that lost a race to a concurrent change. */
  private static final int MAX_ATTEMPTS = 16;

  // Updates ask for the document as it was before and derive the result: a server may encode the
  // "after" document once its lock is released, when a concurrent update can already show in it.
  private static final FindOneAndUpdateOptions UPSERT_BEFORE =
      new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.BEFORE);

  private static final FindOneAndUpdateOptions RETURN_BEFORE =
      new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE);

  private final MongoCollection<Document> messages;
  private final MongoCollection<Document> changes;
  private final MongoCollection<Document> counters;
  private final MongoCollection<Document> markers;

  /** Uses the message collections of {@code schema}. */
  public MongoMessageStore(Schema schema) {
    this.messages = schema.collection(Schema.MESSAGES);
    this.changes = schema.collection(Schema.CHANGES);
    this.counters = schema.collection(Schema.COUNTERS);
    this.markers = schema.collection(Schema.READ_MARKERS);
  }

  // ---- append ----

  @Override
  public CompletionStage<AppendResult> append(NewMessage message) {
    Objects.requireNonNull(message, "message");
    return findByIdempotencyKey(message)
        .thenCompose(
            existing -> {
              if (existing.isPresent()) {
                return CompletableFuture.completedFuture(new AppendResult(existing.get(), true));
              }
              return nextNumber(message.conversationId()).thenCompose(seq -> insert(message, seq));
            });
  }

  private CompletableFuture<AppendResult> insert(NewMessage message, long seq) {
    Message stored =
        new Message(
            new ObjectId().toHexString(),
            message.conversationId(),
            seq,
            seq,
            message.senderId(),
            message.clientMsgId(),
            message.body(),
            message.attachments(),
            message.createdAt(),
            null,
            false);
    return Reactive.done(() -> messages.insertOne(toDocument(stored)))
        .handle(
            (ok, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(new AppendResult(stored, false));
              }
              if (!Errors.isDuplicateKey(error)) {
                throw Errors.map(error);
              }
              // A concurrent append with the same key won; its message is the answer.
              return findByIdempotencyKey(message)
                  .thenApply(
                      winner ->
                          new AppendResult(
                              winner.orElseThrow(
                                  () ->
                                      new ChatException(
                                          ErrorCode.INTERNAL,
                                          "append: duplicate key but no stored message for"
                                              + " clientMsgId '"
                                              + message.clientMsgId()
                                              + "'",
                                          error)),
                              true));
            })
        .thenCompose(stage -> stage);
  }

  private CompletableFuture<Optional<Message>> findByIdempotencyKey(NewMessage message) {
    // A plain document (not Filters.and) so the filter has exactly the unique index's fields.
    Document key =
        new Document("c", message.conversationId())
            .append("from", message.senderId())
            .append("cmid", message.clientMsgId());
    return Reactive.first(() -> messages.find(key).limit(1))
        .thenApply(found -> found.map(MongoMessageStore::toMessage));
  }

  /** Takes the conversation's next counter value. */
  private CompletableFuture<Long> nextNumber(String conversationId) {
    return incrementCounter(conversationId)
        .handle(
            (value, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(value);
              }
              if (Errors.isDuplicateKey(error)) {
                // Two first upserts raced on a server that does not retry them itself.
                return incrementCounter(conversationId);
              }
              throw Errors.map(error);
            })
        .thenCompose(stage -> stage);
  }

  private CompletableFuture<Long> incrementCounter(String conversationId) {
    return Reactive.first(
            () ->
                counters.findOneAndUpdate(
                    Filters.eq("_id", conversationId), Updates.inc("n", 1L), UPSERT_BEFORE))
        // No document before: the upsert created the counter at 1.
        .thenApply(before -> before.map(d -> Docs.longValue(d, "n")).orElse(0L) + 1);
  }

  // ---- reads by number ----

  @Override
  public CompletionStage<List<Message>> page(String conversationId, HistoryQuery query) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(query, "query");
    return lastSeq(conversationId)
        .thenCompose(
            top -> {
              List<Message> page = new ArrayList<>(query.limit());
              if (query.afterSeq().isPresent()) {
                long high =
                    query.beforeSeq().isPresent()
                        ? Math.min(top, query.beforeSeq().getAsLong() - 1)
                        : top;
                if (query.after() >= high) {
                  // nothing above; also keeps after + 1 from overflowing at Long.MAX_VALUE
                  return CompletableFuture.completedFuture(page);
                }
                return scanUp(
                    conversationId, query.after() + 1, high, query.limit(), query.limit(), page);
              }
              long high =
                  query.beforeSeq().isPresent()
                      ? Math.min(top, query.beforeSeq().getAsLong() - 1)
                      : top;
              return scanDown(conversationId, high, query.limit(), query.limit(), page)
                  .thenApply(
                      descending -> {
                        List<Message> ascending = new ArrayList<>(descending);
                        ascending.sort(Comparator.comparingLong(Message::seq));
                        return ascending;
                      });
            });
  }

  private CompletableFuture<List<Message>> scanUp(
      String conversationId, long low, long high, int limit, int window, List<Message> page) {
    if (low > high || page.size() >= limit) {
      return CompletableFuture.completedFuture(page);
    }
    long end = Math.min(high, low + window - 1);
    return messagesNumbered(conversationId, low, end)
        .thenCompose(
            found -> {
              found.sort(Comparator.comparingLong(Message::seq));
              for (Message m : found) {
                if (page.size() < limit) {
                  page.add(m);
                }
              }
              return scanUp(conversationId, end + 1, high, limit, grow(window), page);
            });
  }

  private CompletableFuture<List<Message>> scanDown(
      String conversationId, long high, int limit, int window, List<Message> page) {
    if (high < 1 || page.size() >= limit) {
      return CompletableFuture.completedFuture(page);
    }
    long start = Math.max(1, high - window + 1);
    return messagesNumbered(conversationId, start, high)
        .thenCompose(
            found -> {
              found.sort(Comparator.comparingLong(Message::seq).reversed());
              for (Message m : found) {
                if (page.size() < limit) {
                  page.add(m);
                }
              }
              return scanDown(conversationId, start - 1, limit, grow(window), page);
            });
  }

  private static int grow(int window) {
    return Math.min(MAX_WINDOW, window * 2);
  }

  /** The messages whose seq lies in {@code [low, high]}, in no order. */
  private CompletableFuture<List<Message>> messagesNumbered(
      String conversationId, long low, long high) {
    List<String> keys = keys(conversationId, low, high);
    return Reactive.list(() -> messages.find(Filters.in("_id", keys)))
        .thenApply(
            docs -> {
              List<Message> result = new ArrayList<>(docs.size());
              for (Document doc : docs) {
                result.add(toMessage(doc));
              }
              return result;
            });
  }

  private static List<String> keys(String conversationId, long low, long high) {
    List<String> keys = new ArrayList<>((int) (high - low + 1));
    for (long n = low; n <= high; n++) {
      keys.add(Docs.seqKey(conversationId, n));
    }
    return keys;
  }

  @Override
  public CompletionStage<List<Message>> changesSince(
      String conversationId, long afterModSeq, int limit) {
    Objects.requireNonNull(conversationId, "conversationId");
    if (afterModSeq < 0) {
      return CompletableFuture.failedFuture(
          ChatException.invalid("afterModSeq: " + afterModSeq + " (expected: >= 0)"));
    }
    if (limit < 1) {
      return CompletableFuture.failedFuture(
          ChatException.invalid("limit: " + limit + " (expected: >= 1)"));
    }
    return lastSeq(conversationId)
        .thenCompose(
            top -> {
              if (afterModSeq >= top) {
                // Nothing newer; also keeps afterModSeq + 1 from overflowing.
                return CompletableFuture.completedFuture(List.<Message>of());
              }
              return changesUp(
                  conversationId, afterModSeq + 1, top, limit, limit, new ArrayList<>(limit));
            });
  }

  private CompletableFuture<List<Message>> changesUp(
      String conversationId, long low, long high, int limit, int window, List<Message> result) {
    if (low > high || result.size() >= limit) {
      return CompletableFuture.completedFuture(result);
    }
    long end = Math.min(high, low + window - 1);
    List<String> keys = keys(conversationId, low, end);
    CompletableFuture<List<Message>> inserted = messagesNumbered(conversationId, low, end);
    CompletableFuture<List<Message>> changed =
        Reactive.list(() -> changes.find(Filters.in("_id", keys)))
            .thenCompose(records -> changedMessages(conversationId, records));
    return inserted
        .thenCombine(
            changed,
            (fresh, edited) -> {
              List<Message> window2 = new ArrayList<>(fresh.size() + edited.size());
              for (Message m : fresh) {
                if (m.modSeq() == m.seq()) {
                  window2.add(m);
                }
              }
              window2.addAll(edited);
              window2.sort(Comparator.comparingLong(Message::modSeq));
              for (Message m : window2) {
                if (result.size() < limit) {
                  result.add(m);
                }
              }
              return end;
            })
        .thenCompose(
            done -> changesUp(conversationId, done + 1, high, limit, grow(window), result));
  }

  /** The messages the change records point at, where the record is still their newest change. */
  private CompletableFuture<List<Message>> changedMessages(
      String conversationId, List<Document> records) {
    if (records.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    Map<String, Long> changeBySeqKey = new HashMap<>();
    for (Document record : records) {
      changeBySeqKey.put(
          Docs.seqKey(conversationId, Docs.longValue(record, "s")), Docs.longValue(record, "v"));
    }
    List<String> keys = List.copyOf(changeBySeqKey.keySet());
    return Reactive.list(() -> messages.find(Filters.in("_id", keys)))
        .thenApply(
            docs -> {
              List<Message> result = new ArrayList<>();
              for (Document doc : docs) {
                Message m = toMessage(doc);
                Long change = changeBySeqKey.get(doc.getString("_id"));
                // Another change may have superseded this record's; report each message once.
                if (change != null && change == m.modSeq()) {
                  result.add(m);
                }
              }
              return result;
            });
  }

  @Override
  public CompletionStage<Optional<Message>> find(String conversationId, String messageId) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(messageId, "messageId");
    return findMessage(conversationId, messageId);
  }

  private CompletableFuture<Optional<Message>> findMessage(
      String conversationId, String messageId) {
    return Reactive.first(() -> messages.find(new Document("mid", messageId)).limit(1))
        .thenApply(
            found ->
                found
                    .filter(doc -> conversationId.equals(doc.getString("c")))
                    .map(MongoMessageStore::toMessage));
  }

  // ---- changes ----

  @Override
  public CompletionStage<Message> edit(
      String conversationId, String messageId, String body, Instant at) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(at, "at");
    return change(conversationId, messageId, at, false, body, 1);
  }

  @Override
  public CompletionStage<Message> delete(String conversationId, String messageId, Instant at) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(at, "at");
    return change(conversationId, messageId, at, true, "", 1);
  }

  /**
   * Applies an edit or a delete: reads the message, takes a counter value, records the change, and
   * sets the message with a compare-and-set on the modSeq it read. A lost race starts over, so the
   * stored message always carries the highest modSeq of its changes.
   */
  private CompletableFuture<Message> change(
      String conversationId,
      String messageId,
      Instant at,
      boolean delete,
      String body,
      int attempt) {
    return findMessage(conversationId, messageId)
        .thenCompose(
            found -> {
              Message current =
                  found.orElseThrow(
                      () ->
                          ChatException.notFound(
                              "message: '"
                                  + messageId
                                  + "' in conversation '"
                                  + conversationId
                                  + "'"));
              if (current.deleted()) {
                if (delete) {
                  return CompletableFuture.completedFuture(current);
                }
                throw new ChatException(
                    ErrorCode.CONFLICT, "message: '" + messageId + "' is deleted");
              }
              return nextNumber(conversationId)
                  .thenCompose(
                      modSeq -> {
                        Message updated =
                            delete
                                ? current.asDeleted(modSeq, at)
                                : current.withEdit(body, modSeq, at);
                        return recordChange(updated)
                            .thenCompose(ignored -> compareAndSet(current.modSeq(), updated));
                      })
                  .thenCompose(
                      applied -> {
                        if (applied.isPresent()) {
                          return CompletableFuture.completedFuture(applied.get());
                        }
                        if (attempt >= MAX_ATTEMPTS) {
                          throw new ChatException(
                              ErrorCode.INTERNAL,
                              "message: '" + messageId + "' kept changing concurrently");
                        }
                        return change(conversationId, messageId, at, delete, body, attempt + 1);
                      });
            });
  }

  private CompletableFuture<Void> recordChange(Message updated) {
    Document record =
        new Document("_id", Docs.seqKey(updated.conversationId(), updated.modSeq()))
            .append("c", updated.conversationId())
            .append("v", updated.modSeq())
            .append("s", updated.seq());
    return Reactive.done(() -> changes.insertOne(record));
  }

  private CompletableFuture<Optional<Message>> compareAndSet(long expectedModSeq, Message updated) {
    // Exactly the fields of the unique (mid, m) index, so every wire server serves it by index.
    Document filter = new Document("mid", updated.id()).append("m", expectedModSeq);
    Document set =
        new Document("body", updated.body())
            .append("att", attachments(updated.attachments()))
            .append("m", updated.modSeq())
            .append("del", updated.deleted());
    Docs.putInstant(set, "ed", updated.editedAt());
    return Reactive.first(
            () -> messages.findOneAndUpdate(filter, new Document("$set", set), RETURN_BEFORE))
        .thenApply(before -> before.map(ignored -> updated));
  }

  @Override
  public CompletableFuture<Long> lastSeq(String conversationId) {
    Objects.requireNonNull(conversationId, "conversationId");
    return Reactive.first(() -> counters.find(Filters.eq("_id", conversationId)).limit(1))
        .thenApply(found -> found.map(doc -> Docs.longValue(doc, "n")).orElse(0L));
  }

  // ---- read markers ----

  @Override
  public CompletionStage<ReadMarker> markRead(ReadMarker marker) {
    Objects.requireNonNull(marker, "marker");
    return upsertMarker(marker)
        .handle(
            (stored, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(stored);
              }
              if (Errors.isDuplicateKey(error)) {
                return upsertMarker(marker);
              }
              throw Errors.map(error);
            })
        .thenCompose(stage -> stage);
  }

  private CompletableFuture<ReadMarker> upsertMarker(ReadMarker marker) {
    Bson update =
        Updates.combine(
            Updates.max("s", marker.seq()),
            Updates.setOnInsert("c", marker.conversationId()),
            Updates.setOnInsert("u", marker.userId()));
    return Reactive.first(
            () ->
                markers.findOneAndUpdate(
                    Filters.eq("_id", Docs.pairKey(marker.conversationId(), marker.userId())),
                    update,
                    UPSERT_BEFORE))
        .thenApply(
            before ->
                new ReadMarker(
                    marker.conversationId(),
                    marker.userId(),
                    Math.max(marker.seq(), before.map(d -> Docs.longValue(d, "s")).orElse(0L))));
  }

  @Override
  public CompletionStage<ReadMarker> readMarker(String conversationId, String userId) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(userId, "userId");
    return Reactive.first(
            () -> markers.find(Filters.eq("_id", Docs.pairKey(conversationId, userId))).limit(1))
        .thenApply(
            found ->
                found
                    .map(MongoMessageStore::toMarker)
                    .orElseGet(() -> new ReadMarker(conversationId, userId, 0)));
  }

  @Override
  public CompletionStage<List<ReadMarker>> readMarkers(String conversationId) {
    Objects.requireNonNull(conversationId, "conversationId");
    return Reactive.list(() -> markers.find(Filters.eq("c", conversationId)))
        .thenApply(docs -> docs.stream().map(MongoMessageStore::toMarker).toList());
  }

  @Override
  public CompletionStage<Long> countUnread(String conversationId, String userId, long afterSeq) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(userId, "userId");
    long after = Math.max(0, afterSeq); // below 0 counts like 0, and keeps top - after in range
    return lastSeq(conversationId)
        .thenCompose(
            top -> {
              if (top <= after) {
                return CompletableFuture.completedFuture(0L);
              }
              if (top - after <= MAX_WINDOW) {
                // Few numbers: look them up by key (index-served everywhere) and count here.
                List<String> keys = keys(conversationId, after + 1, top);
                return Reactive.list(
                        () ->
                            messages
                                .find(Filters.in("_id", keys))
                                .projection(Projections.include("from", "del")))
                    .thenApply(
                        docs ->
                            docs.stream()
                                .filter(d -> !userId.equals(d.getString("from")))
                                .filter(d -> !Boolean.TRUE.equals(d.getBoolean("del")))
                                .count());
              }
              // Many numbers: count on the server over the conversation's range of _id keys.
              Bson filter =
                  Filters.and(
                      Filters.gt("_id", Docs.seqKey(conversationId, after)),
                      Filters.lte("_id", Docs.seqKey(conversationId, top)),
                      Filters.eq("c", conversationId),
                      Filters.ne("from", userId),
                      Filters.eq("del", false));
              return Reactive.first(() -> messages.countDocuments(filter))
                  .thenApply(count -> count.orElse(0L));
            });
  }

  // ---- documents ----

  static Document toDocument(Message m) {
    Document doc =
        new Document("_id", Docs.seqKey(m.conversationId(), m.seq()))
            .append("mid", m.id())
            .append("c", m.conversationId())
            .append("s", m.seq())
            .append("m", m.modSeq())
            .append("from", m.senderId())
            .append("cmid", m.clientMsgId())
            .append("body", m.body())
            .append("att", attachments(m.attachments()))
            .append("del", m.deleted());
    Docs.putInstant(doc, "at", m.createdAt());
    Docs.putInstant(doc, "ed", m.editedAt());
    return doc;
  }

  private static List<Document> attachments(List<Attachment> attachments) {
    List<Document> docs = new ArrayList<>(attachments.size());
    for (Attachment a : attachments) {
      docs.add(new Document("b", a.blobId()).append("t", a.contentType()).append("n", a.size()));
    }
    return docs;
  }

  static Message toMessage(Document doc) {
    List<Document> attachmentDocs = doc.getList("att", Document.class, List.of());
    List<Attachment> attachments = new ArrayList<>(attachmentDocs.size());
    for (Document a : attachmentDocs) {
      attachments.add(new Attachment(a.getString("b"), a.getString("t"), Docs.longValue(a, "n")));
    }
    return new Message(
        doc.getString("mid"),
        doc.getString("c"),
        Docs.longValue(doc, "s"),
        Docs.longValue(doc, "m"),
        doc.getString("from"),
        doc.getString("cmid"),
        doc.getString("body"),
        attachments,
        Docs.requiredInstant(doc, "at"),
        Docs.instant(doc, "ed"),
        Boolean.TRUE.equals(doc.getBoolean("del")));
  }

  private static ReadMarker toMarker(Document doc) {
    return new ReadMarker(doc.getString("c"), doc.getString("u"), Docs.longValue(doc, "s"));
  }
}
