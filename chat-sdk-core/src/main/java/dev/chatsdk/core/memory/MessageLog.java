package dev.chatsdk.core.memory;

import dev.chatsdk.api.AppendResult;
import dev.chatsdk.api.Attachment;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.NewMessage;
import dev.chatsdk.api.ReadMarker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One conversation's messages, counter and read markers, kept compact: each message version is a
 * record of bytes in {@link ByteChunks}, found through primitive arrays and {@link HashSlots}. A
 * stored message has no object of its own (about 150 bytes in all: {@code StoreFootprint} in {@code
 * bench/}), and its bytes sit in the store's large shared arrays, so a store holding millions of
 * messages adds next to nothing to what a young collection copies. Messages are decoded when read.
 *
 * <p>A record is: flags, sender (an index into this log's senders), seq, modSeq, createdAt,
 * editedAt (when flagged), id, clientMsgId, body, attachments. Edits and deletes append a new
 * record and repoint the message's slot; the old record stays unreachable in its chunk.
 *
 * <p>Every method is {@code synchronized}: one lock per conversation.
 */
final class MessageLog {
  private static final int DELETED = 1;
  private static final int EDITED = 2;

  private final String conversationId;
  private final ByteChunks bytes;
  private final ByteChunks.Writer writer = new ByteChunks.Writer();
  private long counter;

  /**
   * Message {@code i} in append order has {@code seqs[i]} and its newest record at {@code
   * positions[i]}.
   */
  private long[] seqs = new long[8];

  private long[] positions = new long[8];
  private int size;

  /** Messages edited or deleted: their modSeq differs from their seq. */
  private final BitSet changed = new BitSet();

  private final NavigableMap<Long, Integer> changedByModSeq = new TreeMap<>();
  private final HashSlots byId = new HashSlots();
  private final HashSlots byIdempotencyKey = new HashSlots();
  private final List<String> senders = new ArrayList<>();
  private final Map<String, Integer> senderIndex = new HashMap<>();
  private final Map<String, Long> readSeqByUser = new TreeMap<>();

  MessageLog(String conversationId, ByteChunks.Arena arena) {
    this.conversationId = conversationId;
    this.bytes = new ByteChunks(arena);
  }

  synchronized AppendResult append(NewMessage m) {
    int keyHash = keyHash(m.senderId(), m.clientMsgId());
    Integer known = senderIndex.get(m.senderId());
    if (known != null) {
      int sender = known;
      int existing = byIdempotencyKey.find(keyHash, i -> isKey(i, sender, m.clientMsgId()));
      if (existing >= 0) {
        return new AppendResult(read(existing), true);
      }
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
    if (size == seqs.length) {
      seqs = Arrays.copyOf(seqs, size * 2);
      positions = Arrays.copyOf(positions, size * 2);
    }
    int index = size;
    seqs[index] = seq;
    positions[index] = write(stored);
    size++;
    byId.put(stored.id().hashCode(), index);
    byIdempotencyKey.put(keyHash, index);
    return new AppendResult(stored, false);
  }

  synchronized List<Message> page(HistoryQuery q) {
    int from = q.afterSeq().isPresent() ? firstAbove(q.afterSeq().getAsLong()) : 0;
    int to = q.beforeSeq().isPresent() ? firstAbove(q.beforeSeq().getAsLong() - 1) : size;
    if (to <= from) {
      return List.of();
    }
    if (q.afterSeq().isPresent()) {
      to = Math.min(to, from + q.limit());
    } else {
      from = Math.max(from, to - q.limit());
    }
    Message[] out = new Message[to - from];
    for (int i = from; i < to; i++) {
      out[i - from] = read(i);
    }
    return List.of(out);
  }

  /**
   * Current versions with modSeq above {@code afterModSeq}, ascending by modSeq: a merge of the
   * unchanged messages (modSeq = seq, in append order) with the changed ones (by modSeq).
   */
  synchronized List<Message> changesSince(long afterModSeq, int limit) {
    List<Message> out = new ArrayList<>(Math.min(limit, 64));
    int i = firstAbove(afterModSeq);
    Iterator<Map.Entry<Long, Integer>> edits =
        changedByModSeq.tailMap(afterModSeq, false).entrySet().iterator();
    Map.Entry<Long, Integer> edit = edits.hasNext() ? edits.next() : null;
    while (out.size() < limit) {
      while (i < size && changed.get(i)) {
        i++;
      }
      if (i < size && (edit == null || seqs[i] < edit.getKey())) {
        out.add(read(i++));
      } else if (edit != null) {
        out.add(read(edit.getValue()));
        edit = edits.hasNext() ? edits.next() : null;
      } else {
        break;
      }
    }
    return List.copyOf(out);
  }

  synchronized Optional<Message> find(String id) {
    int i = indexOf(id);
    return i < 0 ? Optional.empty() : Optional.of(read(i));
  }

  synchronized Message edit(String id, String body, Instant at) {
    int i = require(id);
    Message stored = read(i);
    if (stored.deleted()) {
      throw new ChatException(ErrorCode.CONFLICT, "message: '" + id + "' is deleted");
    }
    return replace(i, stored, stored.withEdit(body, ++counter, at));
  }

  synchronized Message delete(String id, Instant at) {
    int i = require(id);
    Message stored = read(i);
    if (stored.deleted()) {
      return stored;
    }
    return replace(i, stored, stored.asDeleted(++counter, at));
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

  /** Messages after {@code afterSeq} that are neither deleted nor {@code userId}'s own. */
  synchronized long countUnread(String userId, long afterSeq) {
    Integer own = senderIndex.get(userId);
    long count = 0;
    for (int i = firstAbove(afterSeq); i < size; i++) {
      ByteChunks.Reader r = bytes.reader(positions[i]);
      int flags = r.readByte();
      int sender = (int) r.readVarLong();
      if ((flags & DELETED) == 0 && (own == null || sender != own)) {
        count++;
      }
    }
    return count;
  }

  private Message replace(int i, Message old, Message updated) {
    changedByModSeq.remove(old.modSeq()); // absent unless changed before: seqs are never keys
    positions[i] = write(updated);
    changed.set(i);
    changedByModSeq.put(updated.modSeq(), i);
    return updated;
  }

  /** The lowest index whose seq is above {@code seq} ({@code size} if none). */
  private int firstAbove(long seq) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (seqs[mid] <= seq) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private int indexOf(String id) {
    return byId.find(id.hashCode(), i -> isId(i, id));
  }

  private int require(String id) {
    int i = indexOf(id);
    if (i < 0) {
      throw notFound(conversationId, id);
    }
    return i;
  }

  static ChatException notFound(String conversationId, String messageId) {
    return ChatException.notFound(
        "message: '" + messageId + "' does not exist in conversation '" + conversationId + "'");
  }

  private static int keyHash(String senderId, String clientMsgId) {
    return 31 * senderId.hashCode() + clientMsgId.hashCode();
  }

  private int sender(String senderId) {
    Integer known = senderIndex.get(senderId);
    if (known != null) {
      return known;
    }
    senders.add(senderId);
    senderIndex.put(senderId, senders.size() - 1);
    return senders.size() - 1;
  }

  private long write(Message m) {
    ByteChunks.Writer w = writer.reset();
    int flags = (m.deleted() ? DELETED : 0) | (m.editedAt() != null ? EDITED : 0);
    w.writeByte(flags).writeVarLong(sender(m.senderId()));
    w.writeVarLong(m.seq()).writeVarLong(m.modSeq());
    writeInstant(w, m.createdAt());
    if (m.editedAt() != null) {
      writeInstant(w, m.editedAt());
    }
    w.writeString(m.id()).writeString(m.clientMsgId()).writeString(m.body());
    w.writeVarLong(m.attachments().size());
    for (Attachment a : m.attachments()) {
      w.writeString(a.blobId()).writeString(a.contentType()).writeVarLong(a.size());
    }
    return bytes.append(w.buffer(), w.length());
  }

  private Message read(int index) {
    ByteChunks.Reader r = bytes.reader(positions[index]);
    int flags = r.readByte();
    String sender = senders.get((int) r.readVarLong());
    long seq = r.readVarLong();
    long modSeq = r.readVarLong();
    Instant createdAt = readInstant(r);
    Instant editedAt = (flags & EDITED) != 0 ? readInstant(r) : null;
    String id = r.readString();
    String clientMsgId = r.readString();
    String body = r.readString();
    int n = (int) r.readVarLong();
    List<Attachment> attachments = new ArrayList<>(n);
    for (int a = 0; a < n; a++) {
      attachments.add(new Attachment(r.readString(), r.readString(), r.readVarLong()));
    }
    return new Message(
        id,
        conversationId,
        seq,
        modSeq,
        sender,
        clientMsgId,
        body,
        attachments,
        createdAt,
        editedAt,
        (flags & DELETED) != 0);
  }

  /** Whether message {@code index} has this id. */
  private boolean isId(int index, String id) {
    ByteChunks.Reader r = bytes.reader(positions[index]);
    int flags = r.readByte();
    r.readVarLong(); // sender
    skipToId(r, flags);
    return r.readStringEquals(id);
  }

  /** Whether message {@code index} has this sender (by index) and idempotency key. */
  private boolean isKey(int index, int sender, String clientMsgId) {
    ByteChunks.Reader r = bytes.reader(positions[index]);
    int flags = r.readByte();
    if (r.readVarLong() != sender) {
      return false;
    }
    skipToId(r, flags);
    r.skipString(); // id
    return r.readStringEquals(clientMsgId);
  }

  /** Moves a reader from just past the sender to the id: past seq, modSeq and the times. */
  private static void skipToId(ByteChunks.Reader r, int flags) {
    r.readVarLong();
    r.readVarLong();
    skipInstant(r);
    if ((flags & EDITED) != 0) {
      skipInstant(r);
    }
  }

  private static void writeInstant(ByteChunks.Writer w, Instant t) {
    w.writeSignedVarLong(t.getEpochSecond()).writeVarLong(t.getNano());
  }

  private static void skipInstant(ByteChunks.Reader r) {
    r.readVarLong();
    r.readVarLong();
  }

  private static Instant readInstant(ByteChunks.Reader r) {
    long seconds = r.readSignedVarLong();
    return Instant.ofEpochSecond(seconds, r.readVarLong());
  }
}
