package dev.chatsdk.core.internal;

import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.port.ClusterBus;
import dev.chatsdk.api.port.Frame;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One conversation's reorder point on this node, alive while a local user is a member. Message
 * events (new messages, edits, deletes, from this node or the bus) are delivered to local sessions
 * strictly in counter ({@code modSeq}) order, each at most once: a later counter is held back while
 * an earlier one is missing; a hole that stays longer than the reorder timeout is resolved by
 * reading {@code changesSince} from the store and delivering what exists.
 *
 * <p>The counter delivered so far is also this node's <em>settled</em> point for the conversation:
 * every value up to it was delivered or found missing from the store after waiting, so a replay
 * from the store up to it (a {@code sync}) sees everything the live stream will not send again.
 * Values above it may be in flight (taken by a writer whose insert has not landed yet): they come
 * through the channel. Only right after {@link #start} is that not so: the starting counter is the
 * store's, read without waiting; see {@link #unsettledNanos}.
 *
 * <p>Threading: the sequencing fields ({@link #delivered}, {@link #pending}, {@link #holeTimer},
 * {@link #filling}, {@link #skipped}) are written only on {@link #runner} (every method that
 * touches them posts a task to it); {@link #delivered} is volatile for {@link #settled()}. {@link
 * #conversation} is volatile (replaced on membership changes). {@link #localUsers} and {@link
 * #subscription} are written under {@link Registry}'s lock and read without it.
 */
final class Channel {
  private static final Logger log = LoggerFactory.getLogger(Channel.class);
  private static final int PAGE = HistoryQuery.MAX_LIMIT;
  private static final int MAX_PENDING = 10_000;

  /**
   * How many counters resolved as holes are remembered, and for how long: a late write is one the
   * reorder wait just gave up on, so the newest few suffice, and an idle channel keeps little.
   */
  private static final int MAX_SKIPPED = 128;

  private static final long SKIPPED_NANOS = TimeUnit.MINUTES.toNanos(2);

  final String id;
  private final DefaultChatEngine engine;
  private final SerialRunner runner;

  /**
   * The conversation as last known, for membership checks and policies; replaced through {@link
   * Registry#setConversation}.
   */
  volatile Conversation conversation;

  /** Local users who are members (copy-on-write; written under the registry lock). */
  volatile LocalUser[] localUsers = new LocalUser[0];

  /** The bus subscription to {@code c:<id>}, if any (written under the registry lock). */
  ClusterBus.@Nullable Subscription subscription;

  /** Completes once the channel knows its starting counter and receives bus events. */
  final CompletableFuture<Void> ready = new CompletableFuture<>();

  private volatile boolean released;

  /** The store's counter when the channel started; written once, before {@link #ready}. */
  private volatile long base = -1;

  /** When values up to {@link #base} are settled ({@link System#nanoTime()}). */
  private volatile long settledAtNanos;

  // --- written on runner only ---
  private volatile long delivered = -1;
  private final TreeMap<Long, Pending> pending = new TreeMap<>();
  private @Nullable ScheduledFuture<?> holeTimer;
  private boolean filling;

  /**
   * Counters resolved as holes (missing from the store after the reorder wait), with when: a new
   * message whose write lands later still is delivered late instead of dropped, once.
   */
  private final LinkedHashMap<Long, Long> skipped = new LinkedHashMap<>();

  private record Pending(Message message, Frame frame) {}

  Channel(DefaultChatEngine engine, Conversation conversation) {
    this.id = conversation.id();
    this.engine = engine;
    this.conversation = conversation;
    this.runner = SerialRunner.forEngine(engine.worker());
  }

  boolean isReleased() {
    return released;
  }

  /**
   * The counter up to which this node's live stream has delivered the conversation or resolved it
   * as holes; -1 before the channel started.
   */
  long settled() {
    return delivered;
  }

  /**
   * How long a replay that needs values up to the starting counter should wait: values taken by
   * writers just before the channel started may land in the store up to the reorder timeout later
   * (the bound the channel's hole resolution also assumes), and the channel never sends them. Zero
   * when {@code cursor} is at or past the starting counter, or once the timeout has passed.
   */
  long unsettledNanos(long cursor) {
    long b = base;
    if (b < 0 || cursor >= b) {
      return 0;
    }
    return Math.max(0, settledAtNanos - System.nanoTime());
  }

  /**
   * Starts from the store's counter (read after the bus subscription is active). Events offered
   * before then reached this node after the channel existed, so they are live for its sessions even
   * if the counter read already covers them: they are delivered first, in order.
   */
  void start(long base) {
    runner.execute(
        () -> {
          if (delivered < 0) {
            // settledAtNanos first: a reader that sees the base must see its deadline too
            this.settledAtNanos = System.nanoTime() + engine.config().reorderTimeout().toNanos();
            this.base = base;
            while (!pending.isEmpty() && pending.firstKey() <= base) {
              Map.Entry<Long, Pending> e = pending.pollFirstEntry();
              delivered = e.getKey();
              engine.fanout.deliverMessage(this, e.getValue().message(), e.getValue().frame());
            }
            delivered = Math.max(delivered, base);
            drain();
          }
          ready.complete(null);
        });
  }

  /**
   * Offers a stored message event (new, edited or deleted) for in-order delivery. Called without
   * locks held (store callback, transport or bus threads): when the channel is idle the event is
   * sequenced on the calling thread, saving a hand-off to an engine thread; delivery itself is
   * still handed to each connection's IO executor.
   */
  void offer(Message message, Frame frame) {
    runner.executeInline(() -> onEvent(message, frame));
  }

  /** Reads everything after the delivered counter from the store (after a bus reconnect). */
  void fillFromStore() {
    runner.execute(
        () -> {
          if (released || delivered < 0 || filling) {
            return;
          }
          filling = true;
          long from = delivered;
          readChanges(from, Long.MAX_VALUE, new ArrayList<>())
              .whenComplete(
                  (list, error) ->
                      runner.execute(
                          () -> {
                            long upTo = from;
                            if (list != null && !list.isEmpty()) {
                              upTo = list.get(list.size() - 1).modSeq();
                            }
                            if (!pending.isEmpty()) {
                              upTo = Math.max(upTo, pending.lastKey());
                            }
                            finishFill(list, upTo);
                          }));
        });
  }

  /** Stops delivery; pending events are dropped. */
  void release() {
    released = true;
    runner.execute(
        () -> {
          pending.clear();
          cancelHoleTimer();
        });
  }

  private void onEvent(Message message, Frame frame) {
    if (released) {
      return;
    }
    long counter = message.modSeq();
    if (delivered >= 0 && counter <= delivered) {
      // a new message whose counter was given up as a hole: its write landed after the wait
      Long givenUp = counter == message.seq() ? skipped.remove(counter) : null;
      if (givenUp != null && System.nanoTime() - givenUp < SKIPPED_NANOS) {
        log.info(
            "conversation {}: counter {} landed after the reorder wait, sent late", id, counter);
        engine.fanout.deliverLate(this, message, frame);
      }
      return;
    }
    pending.putIfAbsent(counter, new Pending(message, frame));
    if (delivered < 0) {
      return;
    }
    drain();
  }

  private void drain() {
    while (!pending.isEmpty()) {
      long first = pending.firstKey();
      if (first <= delivered) {
        pending.pollFirstEntry();
      } else if (first == delivered + 1) {
        Pending p = pending.pollFirstEntry().getValue();
        delivered = first;
        engine.fanout.deliverMessage(this, p.message(), p.frame());
      } else {
        break;
      }
    }
    if (pending.isEmpty()) {
      cancelHoleTimer();
    } else if (pending.size() > MAX_PENDING) {
      cancelHoleTimer();
      resolveHole();
    } else if (holeTimer == null && !filling) {
      holeTimer =
          engine
              .scheduler()
              .schedule(
                  () -> runner.execute(this::onHoleTimeout),
                  engine.config().reorderTimeout().toNanos(),
                  TimeUnit.NANOSECONDS);
    }
  }

  private void onHoleTimeout() {
    holeTimer = null;
    resolveHole();
  }

  private void resolveHole() {
    if (released || filling || pending.isEmpty() || delivered < 0) {
      return;
    }
    if (pending.firstKey() <= delivered + 1) {
      drain();
      return;
    }
    filling = true;
    long from = delivered;
    long upTo = pending.lastKey();
    readChanges(from, upTo, new ArrayList<>())
        .whenComplete((list, error) -> runner.execute(() -> finishFill(list, upTo)));
  }

  /**
   * Merges what the store has in {@code (delivered, upTo]} with the held events and delivers them
   * all in order; the numbers in that range that neither has are holes and are skipped. When the
   * store could not be read ({@code fromStore} null), the held events are delivered in order.
   */
  private void finishFill(@Nullable List<Message> fromStore, long upTo) {
    filling = false;
    if (released) {
      return;
    }
    int recovered = 0;
    if (fromStore != null) {
      for (Message m : fromStore) {
        long c = m.modSeq();
        if (c > delivered && c <= upTo && !pending.containsKey(c)) {
          pending.put(c, new Pending(m, engine.encodeMessage(m)));
          recovered++;
        }
      }
    }
    long now = System.nanoTime();
    while (!pending.isEmpty() && pending.firstKey() <= upTo) {
      Map.Entry<Long, Pending> e = pending.pollFirstEntry();
      if (e.getKey() > delivered) {
        rememberSkipped(delivered + 1, e.getKey() - 1, now);
        delivered = e.getKey();
        engine.fanout.deliverMessage(this, e.getValue().message(), e.getValue().frame());
      }
    }
    if (upTo > delivered) {
      rememberSkipped(delivered + 1, upTo, now);
      delivered = upTo;
    }
    engine.config().listener().gapFilled(recovered);
    drain();
  }

  /** Remembers the counters {@code from..to} as holes (the newest {@link #MAX_SKIPPED} of them). */
  private void rememberSkipped(long from, long to, long now) {
    for (long c = Math.max(from, to - MAX_SKIPPED + 1); c <= to; c++) {
      skipped.put(c, now);
    }
    Iterator<Map.Entry<Long, Long>> it = skipped.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, Long> oldest = it.next();
      if (skipped.size() <= MAX_SKIPPED && now - oldest.getValue() < SKIPPED_NANOS) {
        break;
      }
      it.remove();
    }
  }

  /** Pages {@code changesSince(from)} until {@code upTo} is covered or the store has no more. */
  private CompletableFuture<List<Message>> readChanges(long from, long upTo, List<Message> acc) {
    long started = System.nanoTime();
    return Engines.call(() -> engine.config().messageStore().changesSince(id, from, PAGE))
        .whenComplete((page, error) -> engine.storeTimed("changes", started, error == null))
        .thenCompose(
            page -> {
              acc.addAll(page);
              if (page.size() < PAGE || page.isEmpty()) {
                return CompletableFuture.completedFuture(acc);
              }
              long last = page.get(page.size() - 1).modSeq();
              if (last >= upTo) {
                return CompletableFuture.completedFuture(acc);
              }
              return readChanges(last, upTo, acc);
            })
        .exceptionally(
            error -> {
              log.warn("conversation {}: could not read changes from the store", id, error);
              return null;
            });
  }

  private void cancelHoleTimer() {
    ScheduledFuture<?> t = holeTimer;
    if (t != null) {
      t.cancel(false);
      holeTimer = null;
    }
  }
}
