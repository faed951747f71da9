package dev.chatsdk.core.internal;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Presence;
import dev.chatsdk.api.Principal;
import dev.chatsdk.api.event.ServerFrame;
import dev.chatsdk.api.port.ClientConnection;
import dev.chatsdk.api.port.ClientConnection.CloseCodes;
import dev.chatsdk.api.port.Frame;
import dev.chatsdk.core.ChatSession;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One client connection as the engine sees it.
 *
 * <p>States: OPENING (registered for live delivery; conversations and presence loading; outbound
 * frames are held and inbound frames queued) -> OPEN (after {@code hello}: held frames flushed in
 * order, queued frames processed in order) -> CLOSED.
 *
 * <p>Threading: {@link #onText} runs on the transport's thread; outbound frames are written from
 * the connection's IO executor (fan-out tasks) or from store callback threads. Every field below
 * marked "guarded" is guarded by {@code this}. The monitor is held while a frame is handed to
 * {@link ClientConnection#send} (non-blocking by contract) so that the order of writes on a
 * connection is the order of the decisions taken under it; nothing else is called under it.
 */
final class Session implements ChatSession {
  private enum State {
    OPENING,
    OPEN,
    CLOSED
  }

  /** An outbound frame held back (before hello, or while its conversation syncs). */
  private record Held(@Nullable String conversationId, long counter, Frame frame) {}

  static final int MAX_QUEUED_INBOUND = 256;

  private final String id;
  final String userId;
  final ClientConnection connection;
  final Executor ioExecutor;
  private final DefaultChatEngine engine;
  final TokenBucket bucket;
  private final int outboundLimit;
  private final AtomicInteger inFlight = new AtomicInteger();

  private volatile Principal principal;

  // guarded by this
  private State state = State.OPENING;
  private final ArrayDeque<String> inbound = new ArrayDeque<>();
  private boolean draining;
  private final List<Held> held = new ArrayList<>();
  private final Map<String, Integer> syncing = new HashMap<>();
  private final Map<String, Long> lastSent = new HashMap<>();

  /**
   * Users whose {@code presence} frame this session skipped (while opening, or backed up), each
   * with the number of the skip; their current presence is sent once the connection drains.
   */
  private final Map<String, Long> stalePresence = new HashMap<>();

  private long presenceSkips;

  /**
   * A look-up for skipped presence is under way, or one failed less than a second ago (so that a
   * presence store in trouble is not asked again on every write); written under the monitor.
   */
  private volatile boolean presenceRefreshing;

  /** Whether {@link #stalePresence} has entries; read without the monitor by write callbacks. */
  private volatile boolean presenceStale;

  private @Nullable ScheduledFuture<?> reauthTimer;
  private @Nullable ScheduledFuture<?> expiryTimer;
  private @Nullable CompletableFuture<Boolean> presenceLease;
  private int closeCode;

  /**
   * Completes when the last send that did not finish at once has completed; null when none is
   * pending. Written only by the frame-handling sequence of this session (one frame at a time).
   */
  private volatile @Nullable CompletableFuture<Void> sendTail;

  Session(String id, Principal principal, ClientConnection connection, DefaultChatEngine engine) {
    this.id = id;
    this.principal = principal;
    this.userId = principal.userId();
    this.connection = connection;
    this.ioExecutor = connection.ioExecutor();
    this.engine = engine;
    this.outboundLimit = engine.config().outboundQueueLimit();
    this.bucket = new TokenBucket(engine.config().ratePerSecond(), engine.config().rateBurst());
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Principal principal() {
    return principal;
  }

  void setPrincipal(Principal principal) {
    this.principal = principal;
  }

  synchronized boolean isClosed() {
    return state == State.CLOSED;
  }

  synchronized boolean isOpen() {
    return state == State.OPEN;
  }

  // ---------------------------------------------------------------- inbound

  @Override
  public void onText(String text) {
    if (text == null) {
      return;
    }
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      if (state == State.OPENING || draining) {
        if (inbound.size() >= MAX_QUEUED_INBOUND) {
          closeLater(CloseCodes.POLICY_VIOLATION, "too many frames before hello");
          return;
        }
        inbound.add(text);
        return;
      }
    }
    engine.frames.handleText(this, text);
  }

  /** Processes the frames queued while opening, in order, including any that arrive meanwhile. */
  private void drainInbound() {
    while (true) {
      String text;
      synchronized (this) {
        if (state == State.CLOSED) {
          inbound.clear();
          draining = false;
          return;
        }
        text = inbound.poll();
        if (text == null) {
          draining = false;
          return;
        }
      }
      engine.frames.handleText(this, text);
    }
  }

  /**
   * Starts a send once the previous send of this connection has completed (stored, refused or
   * failed), so that sends pipelined by a client are stored, numbered and acknowledged in the order
   * they arrived. Called by the frame-handling sequence (one frame at a time). When nothing is
   * pending the send runs at once on the calling thread, and a send that completes at once leaves
   * nothing to wait for; otherwise it runs on the thread that completes the previous one, after
   * that one's reactions (its ack). Never runs a send under this session's monitor.
   */
  <T> CompletableFuture<T> afterPreviousSend(Supplier<CompletableFuture<T>> send) {
    CompletableFuture<Void> previous = sendTail;
    if (previous == null || previous.isDone()) {
      CompletableFuture<T> now = Engines.call(send);
      if (now.isDone()) {
        sendTail = null;
        return now;
      }
      return waitFor(now);
    }
    return waitFor(previous.thenCompose(v -> Engines.call(send)));
  }

  /** Makes {@code inner} the send the next one waits for; its reactions run before the next. */
  private <T> CompletableFuture<T> waitFor(CompletableFuture<T> inner) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    sendTail = mine;
    CompletableFuture<T> result = new CompletableFuture<>();
    inner.whenComplete(
        (r, e) -> {
          if (e != null) {
            result.completeExceptionally(e);
          } else {
            result.complete(r);
          }
          mine.complete(null);
        });
    return result;
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Sends {@code hello}, opens the session and flushes what was held; then processes queued frames.
   * No-op if the session closed meanwhile.
   */
  void open(Frame hello, Map<String, Long> helloCounters) {
    synchronized (this) {
      if (state != State.OPENING) {
        return;
      }
      // hello's lastSeq values bound what is live: message frames up to them are not sent again
      for (Map.Entry<String, Long> e : helloCounters.entrySet()) {
        lastSent.merge(e.getKey(), e.getValue(), Math::max);
      }
      if (!write(hello)) {
        return;
      }
      state = State.OPEN;
      draining = true;
      List<Held> flush = new ArrayList<>(held);
      held.clear();
      for (Held h : flush) {
        if (state != State.OPEN) {
          break;
        }
        if (h.conversationId() != null && syncing.containsKey(h.conversationId())) {
          held.add(h);
        } else {
          sendNow(h.conversationId(), h.counter(), h.frame());
        }
      }
    }
    try {
      refreshPresenceIfDrained();
    } finally {
      drainInbound();
    }
  }

  /** Records the presence lease stage so closing releases it after it was taken. */
  synchronized boolean setPresenceLease(CompletableFuture<Boolean> lease) {
    if (state == State.CLOSED) {
      return false;
    }
    presenceLease = lease;
    return true;
  }

  synchronized void setTimers(
      @Nullable ScheduledFuture<?> reauth, @Nullable ScheduledFuture<?> expiry) {
    cancelTimers();
    if (state == State.CLOSED) {
      if (reauth != null) {
        reauth.cancel(false);
      }
      if (expiry != null) {
        expiry.cancel(false);
      }
      return;
    }
    reauthTimer = reauth;
    expiryTimer = expiry;
  }

  private void cancelTimers() {
    if (reauthTimer != null) {
      reauthTimer.cancel(false);
      reauthTimer = null;
    }
    if (expiryTimer != null) {
      expiryTimer.cancel(false);
      expiryTimer = null;
    }
  }

  @Override
  public void onClosed() {
    closeLater(CloseCodes.GOING_AWAY, null);
  }

  @Override
  public void close(int code, String reason) {
    closeLater(code, reason == null ? "" : reason);
  }

  /**
   * Marks the session closed at once (no frame is written after this returns) and does the rest
   * (closing the connection when {@code reason} is non-null, releasing presence, unregistering) on
   * an engine thread, so it is safe to call with any lock held.
   */
  void closeLater(int code, @Nullable String reason) {
    CompletableFuture<Boolean> lease;
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      closeCode = code;
      held.clear();
      inbound.clear();
      cancelTimers();
      lease = presenceLease;
    }
    Engines.dispatch(
        engine.worker(),
        () -> {
          if (reason != null) {
            try {
              connection.close(code, reason);
            } catch (RuntimeException e) {
              // the transport's problem; the session is closed either way
            }
          }
          engine.sessions.sessionClosed(this, code, lease);
        });
  }

  synchronized int closeCode() {
    return closeCode;
  }

  // ---------------------------------------------------------------- outbound

  /** Sends a frame that is not part of a conversation's counter order (ack, error, typing...). */
  void send(ServerFrame frame) {
    send(engine.config().codec().encode(frame));
  }

  /** Sends an encoded frame that is not part of a conversation's counter order. */
  void send(Frame frame) {
    Engines.dispatch(ioExecutor, () -> deliver(null, 0, frame));
  }

  /** Sends an {@code error} frame for a failure. */
  void sendError(ChatException e, @Nullable String ref, @Nullable String clientMsgId) {
    engine.config().listener().errorSent(e.code());
    send(Engines.errorFrame(e, ref, clientMsgId));
  }

  /**
   * Delivers a live frame; called on the IO executor. A message frame ({@code counter > 0}) is
   * dropped if this connection already got that counter of the conversation, and held while the
   * conversation syncs.
   */
  synchronized void deliver(@Nullable String conversationId, long counter, Frame frame) {
    if (state == State.CLOSED) {
      return;
    }
    if (state == State.OPENING
        || (conversationId != null && counter > 0 && syncing.containsKey(conversationId))) {
      if (held.size() >= outboundLimit) {
        overflow();
        return;
      }
      held.add(new Held(conversationId, counter, frame));
      return;
    }
    sendNow(conversationId, counter, frame);
  }

  /**
   * Delivers a new message that arrives after later counters of its conversation (its write landed
   * after the node gave its counter up as a hole); called on the IO executor. Held like a live
   * frame before hello or while the conversation syncs; never dropped as a repeat of the counter
   * order (the client keeps the holes it skipped and takes such a message once).
   */
  synchronized void deliverLate(String conversationId, Frame frame) {
    if (state == State.CLOSED) {
      return;
    }
    if (state == State.OPENING || syncing.containsKey(conversationId)) {
      if (held.size() >= outboundLimit) {
        overflow();
        return;
      }
      held.add(new Held(conversationId, 0, frame));
      return;
    }
    write(frame);
  }

  /** Writes a frame unless it repeats a counter already sent; guarded by the caller. */
  private void sendNow(@Nullable String conversationId, long counter, Frame frame) {
    if (conversationId != null && counter > 0) {
      Long last = lastSent.get(conversationId);
      if (last != null && counter <= last) {
        return;
      }
      lastSent.put(conversationId, counter);
    }
    write(frame);
  }

  /**
   * Hands a frame to the connection, bounding what is in flight; guarded by the caller. Returns
   * false if the session was closed for overflow or a failed write.
   */
  private boolean write(Frame frame) {
    int depth = inFlight.incrementAndGet();
    if (depth > outboundLimit) {
      inFlight.decrementAndGet();
      overflow();
      return false;
    }
    if (depth >= 2 && (depth & (depth - 1)) == 0) {
      engine.config().listener().queueDepth(depth);
    }
    try {
      connection.send(
          frame,
          error -> {
            int left = inFlight.decrementAndGet();
            if (error != null) {
              closeLater(CloseCodes.GOING_AWAY, null);
            } else if (presenceStale && !presenceRefreshing && left <= drainedLimit()) {
              Engines.dispatch(ioExecutor, this::refreshPresenceIfDrained);
            }
          });
      return true;
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      closeLater(CloseCodes.INTERNAL_ERROR, "write failed");
      return false;
    }
  }

  /**
   * From this many frames in flight on, best-effort frames ({@code presence}, {@code typing}) are
   * skipped instead of written: a backed-up connection's queue is kept for the frames that must
   * arrive, and it is not closed as a slow consumer for frames that only describe a moment.
   */
  private int bestEffortLimit() {
    return Math.max(4, outboundLimit / 4);
  }

  /** At or below this many frames in flight, the connection counts as drained. */
  private int drainedLimit() {
    return bestEffortLimit() / 2;
  }

  /**
   * Delivers a user's {@code presence} frame; called on the IO executor. While the session opens,
   * or while its connection is backed up, the frame is skipped and the user remembered; once the
   * connection has drained, the user's presence at that time is sent instead. A 1,000-member group
   * reconnecting at once makes every member's session receive up to 1,000 presence changes in a
   * burst; skipped and refreshed, each user's state arrives once, and right.
   */
  synchronized void deliverPresence(String presenceUserId, Frame frame) {
    if (state == State.CLOSED) {
      return;
    }
    if (state == State.OPENING || inFlight.get() >= bestEffortLimit()) {
      stalePresence.put(presenceUserId, ++presenceSkips);
      presenceStale = true;
      return;
    }
    if (stalePresence.remove(presenceUserId) != null) {
      presenceStale = !stalePresence.isEmpty();
    }
    write(frame);
  }

  /**
   * Delivers a frame nobody needs later ({@code typing}, which expires by itself); called on the IO
   * executor. Skipped while the session opens or while its connection is backed up.
   */
  synchronized void deliverBestEffort(Frame frame) {
    if (state != State.OPEN || inFlight.get() >= bestEffortLimit()) {
      return;
    }
    write(frame);
  }

  /**
   * Sends the current presence of the users whose presence frames were skipped, if the connection
   * has drained (at most {@link #drainedLimit} frames in flight) and no refresh is under way. A
   * user whose presence changed again while the look-up ran keeps waiting for the next refresh; one
   * whose change got through meanwhile is not sent again. A refresh writes while the connection is
   * below {@link #bestEffortLimit}; the users it did not reach wait for the next drain, so that a
   * refresh for a large group never overflows the queue it was waiting for.
   */
  private void refreshPresenceIfDrained() {
    Map<String, Long> asked;
    synchronized (this) {
      if (state != State.OPEN
          || presenceRefreshing
          || stalePresence.isEmpty()
          || inFlight.get() > drainedLimit()) {
        return;
      }
      presenceRefreshing = true;
      asked = Map.copyOf(stalePresence);
    }
    engine
        .presenceTracker
        .presence(asked.keySet())
        .whenComplete(
            (found, error) ->
                Engines.dispatch(ioExecutor, () -> presenceRefreshed(asked, found, error)));
  }

  private void presenceRefreshed(
      Map<String, Long> asked, @Nullable Map<String, Presence> found, @Nullable Throwable error) {
    synchronized (this) {
      presenceRefreshing = false;
      if (state != State.OPEN) {
        return;
      }
      if (error != null || found == null) {
        // left stale: a drain after a second's pause tries again
        presenceRefreshing = true;
        engine.scheduler().schedule(this::presenceRetryDue, 1, TimeUnit.SECONDS);
        return;
      }
      for (Map.Entry<String, Long> e : asked.entrySet()) {
        String who = e.getKey();
        if (!e.getValue().equals(stalePresence.get(who))) {
          continue;
        }
        if (inFlight.get() >= bestEffortLimit()) {
          break;
        }
        stalePresence.remove(who);
        Presence p = found.get(who);
        if (p != null
            && !write(
                engine
                    .config()
                    .codec()
                    .encode(new ServerFrame.PresenceEvent(who, p.online(), p.lastSeen())))) {
          return;
        }
      }
      presenceStale = !stalePresence.isEmpty();
    }
    refreshPresenceIfDrained();
  }

  private void presenceRetryDue() {
    synchronized (this) {
      presenceRefreshing = false;
    }
    Engines.dispatch(ioExecutor, this::refreshPresenceIfDrained);
  }

  private void overflow() {
    engine.config().listener().slowConsumerDisconnected();
    closeLater(
        CloseCodes.TRY_AGAIN_LATER,
        "outbound queue overflowed (limit " + outboundLimit + " frames): reconnect and sync");
  }

  /** Frames handed to the connection and not yet written. */
  int inFlight() {
    return inFlight.get();
  }

  // ---------------------------------------------------------------- sync

  /** Starts holding live message frames of a conversation while it is replayed. */
  synchronized void beginSync(String conversationId) {
    syncing.merge(conversationId, 1, Integer::sum);
  }

  /** Writes one replayed message frame; called on the IO executor, in replay order. */
  synchronized void deliverReplay(String conversationId, long counter, Frame frame) {
    if (state == State.CLOSED) {
      return;
    }
    Long last = lastSent.get(conversationId);
    if (last == null || counter > last) {
      lastSent.put(conversationId, counter);
    }
    write(frame);
  }

  /**
   * Ends a conversation's replay: flushes the live frames held meanwhile, in order, dropping those
   * the replay covered. Called on the IO executor after the last replayed frame.
   */
  synchronized void endSync(String conversationId) {
    Integer n = syncing.get(conversationId);
    if (n == null) {
      return;
    }
    if (n > 1) {
      syncing.put(conversationId, n - 1);
      return;
    }
    syncing.remove(conversationId);
    if (state != State.OPEN) {
      return;
    }
    Iterator<Held> it = held.iterator();
    List<Held> flush = new ArrayList<>();
    while (it.hasNext()) {
      Held h = it.next();
      if (conversationId.equals(h.conversationId())) {
        flush.add(h);
        it.remove();
      }
    }
    for (Held h : flush) {
      if (state != State.OPEN) {
        return;
      }
      sendNow(h.conversationId(), h.counter(), h.frame());
    }
  }

  @Override
  public String toString() {
    return "Session[" + id + ", user " + userId + "]";
  }

  /** A {@link ChatException} for a failure with a fallback code. */
  static ChatException failure(Throwable t, String what) {
    return Engines.toChat(t, ErrorCode.INTERNAL, what);
  }
}
