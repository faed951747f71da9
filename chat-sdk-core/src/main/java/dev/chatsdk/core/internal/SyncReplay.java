package dev.chatsdk.core.internal;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.event.ClientFrame;
import dev.chatsdk.api.event.ServerFrame;
import dev.chatsdk.api.port.Frame;
import dev.chatsdk.core.EngineListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays stored changes to a session: the {@code sync} frame (per conversation, from the client's
 * cursor) and the catch-up of a conversation a connected user just joined. Live frames of the
 * conversation are held in the session meanwhile and flushed by {@link Session#endSync}.
 *
 * <p>Threading: thread-safe and stateless. Pages are read on store callback threads; replayed
 * frames and the closing {@code endSync} are written on the connection's IO executor, in order;
 * deferred pages wait on the scheduler while the connection is backed up.
 */
final class SyncReplay {
  private static final Logger log = LoggerFactory.getLogger(SyncReplay.class);

  private static final int REPLAY_PAGE = HistoryQuery.MAX_LIMIT;

  private final DefaultChatEngine engine;
  private final EngineConfig config;
  private final EngineListener listener;
  private final ScheduledExecutorService scheduler;

  SyncReplay(DefaultChatEngine engine) {
    this.engine = engine;
    this.config = engine.config();
    this.listener = config.listener();
    this.scheduler = engine.scheduler();
  }

  /**
   * Handles a {@code sync} frame: replays each cursor's conversation, then answers {@code synced}.
   */
  void sync(Session session, ClientFrame.Sync f) {
    List<Map.Entry<String, Long>> work = new ArrayList<>();
    for (Map.Entry<String, Long> e : f.cursors().entrySet()) {
      Conversation c = engine.registry.cachedConversation(e.getKey());
      if (c != null && c.isMember(session.userId)) {
        work.add(e);
        session.beginSync(e.getKey());
      }
    }
    work.sort(Map.Entry.comparingByKey());
    Map<String, Long> reached = new HashMap<>();
    int[] replayed = new int[1];
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (Map.Entry<String, Long> e : work) {
      String conversationId = e.getKey();
      long cursor = e.getValue();
      chain =
          chain.thenCompose(
              v ->
                  replay(session, conversationId, cursor, replayed)
                      .handle(
                          (last, err) -> {
                            Engines.dispatch(
                                session.ioExecutor, () -> session.endSync(conversationId));
                            if (err != null) {
                              log.warn("{}: replay of {} failed", session, conversationId, err);
                            } else {
                              reached.put(conversationId, last);
                            }
                            return null;
                          }));
    }
    chain.whenComplete(
        (v, e) -> {
          if (reached.size() < work.size()) {
            session.sendError(
                new ChatException(
                    ErrorCode.UNAVAILABLE, "sync: the store could not be read, retry later"),
                f.ref(),
                null);
          }
          session.send(new ServerFrame.Synced(f.ref(), reached));
          listener.resume(replayed[0]);
        });
  }

  /**
   * Replays one conversation's changes after {@code cursor}, up to this node's settled counter
   * (read after the session started holding live frames, so everything above it reaches the session
   * live; see {@link Channel}); completes with the counter reached. Values up to it that the store
   * does not have are holes. Without a started channel, replays what the store has.
   */
  private CompletableFuture<Long> replay(
      Session session, String conversationId, long cursor, int[] replayed) {
    Channel channel = engine.registry.channels.get(conversationId);
    long wait = channel == null ? 0 : channel.unsettledNanos(cursor);
    if (wait > 0) {
      CompletableFuture<Long> later = new CompletableFuture<>();
      scheduler.schedule(
          () -> complete(later, replay(session, conversationId, cursor, replayed)),
          wait,
          TimeUnit.NANOSECONDS);
      return later;
    }
    long settled = channel == null ? -1 : channel.settled();
    if (settled < 0) {
      return replayPages(session, conversationId, cursor, Long.MAX_VALUE, replayed);
    }
    if (settled <= cursor) {
      return CompletableFuture.completedFuture(cursor);
    }
    return replayPages(session, conversationId, cursor, settled, replayed)
        .thenApply(last -> settled);
  }

  /** Replays the stored changes in {@code (cursor, upTo]}; completes with the last replayed. */
  private CompletableFuture<Long> replayPages(
      Session session, String conversationId, long cursor, long upTo, int[] replayed) {
    if (session.isClosed()) {
      return CompletableFuture.completedFuture(cursor);
    }
    if (session.inFlight() > config.outboundQueueLimit() / 2) {
      CompletableFuture<Long> later = new CompletableFuture<>();
      scheduler.schedule(
          () -> complete(later, replayPages(session, conversationId, cursor, upTo, replayed)),
          20,
          TimeUnit.MILLISECONDS);
      return later;
    }
    return engine
        .timed(
            "changes",
            () -> config.messageStore().changesSince(conversationId, cursor, REPLAY_PAGE))
        .thenCompose(
            page -> {
              long last = cursor;
              for (Message m : page) {
                long counter = m.modSeq();
                if (counter > upTo) {
                  return CompletableFuture.completedFuture(last);
                }
                Frame frame = engine.encodeMessage(m);
                Engines.dispatch(
                    session.ioExecutor,
                    () -> session.deliverReplay(conversationId, counter, frame));
                last = Math.max(last, counter);
                replayed[0]++;
              }
              if (page.size() < REPLAY_PAGE || last >= upTo) {
                return CompletableFuture.completedFuture(last);
              }
              return replayPages(session, conversationId, last, upTo, replayed);
            });
  }

  private static <T> void complete(CompletableFuture<T> target, CompletableFuture<T> source) {
    source.whenComplete(
        (v, e) -> {
          if (e != null) {
            target.completeExceptionally(e);
          } else {
            target.complete(v);
          }
        });
  }

  /**
   * Catches up a local user who just became a member while connected: holds the conversation's live
   * frames on their open sessions, joins the channel, then replays what came after {@code
   * liveAfter} (a counter read before the change), so events that reached this node before the
   * change did are not missed.
   */
  void catchUp(LocalUser user, Conversation conversation, long liveAfter) {
    String conversationId = conversation.id();
    List<Session> open = new ArrayList<>();
    for (Session s : user.sessions) {
      if (s.isOpen()) {
        s.beginSync(conversationId);
        open.add(s);
      }
    }
    engine
        .registry
        .join(user, conversation)
        .whenComplete(
            (v, e) -> {
              for (Session s : open) {
                replay(s, conversationId, liveAfter, new int[1])
                    .whenComplete(
                        (last, err) -> {
                          if (err != null) {
                            log.warn("{}: catch-up of {} failed", s, conversationId, err);
                          }
                          Engines.dispatch(s.ioExecutor, () -> s.endSync(conversationId));
                        });
              }
            });
  }
}
