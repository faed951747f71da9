package dev.chatsdk.client.internal;

import dev.chatsdk.api.Message;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * One conversation's delivery state: puts message events in counter order, drops repeats and holds
 * events back while a gap before them is open.
 *
 * <p>The counter is the conversation's change counter ({@code modSeq}): a new message has {@code
 * modSeq == seq}, an edit or delete takes the next counter value. {@link #cursor()} is the highest
 * counter value up to which everything was delivered (or is known to be a hole). An event at {@code
 * cursor + 1} is delivered at once; an event further ahead waits in a buffer until the gap is
 * closed by a replay ({@link #offer}), a {@code synced} answer ({@link #advanceTo}) or a history
 * page ({@link #fill}). Counters passed over as holes are remembered (the newest {@value
 * #MAX_SKIPPED}): a new message that arrives later with one of them (its write landed after the
 * server gave the counter up) is delivered then, once, after the messages that overtook it. Not
 * thread-safe: confined to the client's loop thread.
 */
public final class ConversationStream {
  /** How many counters passed over as holes are remembered. */
  static final int MAX_SKIPPED = 128;

  private final String conversationId;
  private long cursor;
  private long maxSeqDelivered;
  private final TreeMap<Long, Message> waiting = new TreeMap<>();
  private final LinkedHashSet<Long> skipped = new LinkedHashSet<>();

  /** A stream that has delivered (or skipped) everything up to {@code cursor}. */
  public ConversationStream(String conversationId, long cursor) {
    this.conversationId = conversationId;
    this.cursor = cursor;
    this.maxSeqDelivered = cursor;
  }

  /** The conversation this stream orders. */
  public String conversationId() {
    return conversationId;
  }

  /** The counter value up to which everything was delivered or skipped as a hole. */
  public long cursor() {
    return cursor;
  }

  /** The number of events held back behind a gap. */
  public int waitingCount() {
    return waiting.size();
  }

  /**
   * Takes one message event and returns what can be delivered now, in order: nothing (a repeat, or
   * held behind a gap), the message, or the message followed by held events it unblocked.
   */
  public List<Message> offer(Message message) {
    long counter = message.modSeq();
    if (counter <= cursor && counter == message.seq() && skipped.remove(counter)) {
      return List.of(message); // late: its counter was passed over as a hole
    }
    if (isRepeat(message)) {
      return List.of();
    }
    if (counter != cursor + 1) {
      waiting.putIfAbsent(counter, message);
      return List.of();
    }
    List<Message> out = new ArrayList<>();
    deliver(message, out);
    drain(out);
    return out;
  }

  /**
   * The last missing counter value of the open gap, if events are held back: the gap is {@code
   * cursor() + 1 .. gapEnd()}.
   */
  public OptionalLong gapEnd() {
    return waiting.isEmpty() ? OptionalLong.empty() : OptionalLong.of(waiting.firstKey() - 1);
  }

  /** Whether events are held back behind a gap. */
  public boolean hasGap() {
    return !waiting.isEmpty();
  }

  /**
   * The server confirmed that every change up to {@code counter} was sent (a {@code synced}
   * answer): counter values not seen are holes. Returns the held events this unblocks, in order:
   * those up to {@code counter} (a replay repeats events already held, which stay held until now)
   * and those after it that follow without a gap.
   */
  public List<Message> advanceTo(long counter) {
    List<Message> out = new ArrayList<>();
    while (!waiting.isEmpty() && waiting.firstKey() <= counter) {
      Message held = waiting.pollFirstEntry().getValue();
      if (!isRepeat(held)) {
        skip(cursor + 1, held.modSeq() - 1);
        deliver(held, out);
      }
    }
    if (counter > cursor) {
      skip(cursor + 1, counter);
      cursor = counter;
    }
    drain(out);
    return out;
  }

  /**
   * Closes (part of) the gap with a history page: messages with {@code seq > cursor} ascending, as
   * REST returns them. Messages before the first held event are delivered; if {@code complete} (the
   * page reached the end of the gap or of the history), counter values still missing are holes, and
   * the held events follow. Returns everything deliverable, in order.
   */
  public List<Message> fill(List<Message> page, boolean complete) {
    List<Message> out = new ArrayList<>();
    if (waiting.isEmpty()) {
      return out;
    }
    long end = waiting.firstKey();
    long reached = cursor;
    for (Message m : page) {
      if (m.seq() >= end) {
        break;
      }
      if (m.seq() <= reached) {
        continue;
      }
      skip(reached + 1, m.seq() - 1);
      if (m.seq() > maxSeqDelivered) {
        out.add(m);
        maxSeqDelivered = m.seq();
      }
      reached = m.seq();
    }
    if (complete) {
      skip(reached + 1, end - 1);
    }
    cursor = complete ? end - 1 : reached;
    drain(out);
    return out;
  }

  /** Remembers {@code from..to} as passed over (the newest {@link #MAX_SKIPPED} of all). */
  private void skip(long from, long to) {
    for (long c = Math.max(from, to - MAX_SKIPPED + 1); c <= to; c++) {
      skipped.add(c);
    }
    Iterator<Long> oldest = skipped.iterator();
    while (skipped.size() > MAX_SKIPPED) {
      oldest.next();
      oldest.remove();
    }
  }

  private boolean isRepeat(Message message) {
    if (message.modSeq() <= cursor) {
      return true;
    }
    // a new message already delivered through a history page (with its current, later modSeq)
    return message.modSeq() == message.seq() && message.seq() <= maxSeqDelivered;
  }

  private void deliver(Message message, List<Message> out) {
    out.add(message);
    cursor = message.modSeq();
    maxSeqDelivered = Math.max(maxSeqDelivered, message.seq());
  }

  private void drain(List<Message> out) {
    while (!waiting.isEmpty()) {
      Map.Entry<Long, Message> first = waiting.firstEntry();
      if (first.getKey() <= cursor || isRepeat(first.getValue())) {
        waiting.pollFirstEntry();
      } else if (first.getKey() == cursor + 1) {
        waiting.pollFirstEntry();
        deliver(first.getValue(), out);
      } else {
        return;
      }
    }
  }
}
