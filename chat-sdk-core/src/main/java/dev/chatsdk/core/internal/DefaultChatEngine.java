package dev.chatsdk.core.internal;

import dev.chatsdk.api.AppendResult;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.MemberRole;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.Presence;
import dev.chatsdk.api.Principal;
import dev.chatsdk.api.ReadMarker;
import dev.chatsdk.api.User;
import dev.chatsdk.api.event.ConversationSummary;
import dev.chatsdk.api.event.ServerFrame;
import dev.chatsdk.api.port.ClientConnection;
import dev.chatsdk.api.port.ClientConnection.CloseCodes;
import dev.chatsdk.api.port.Frame;
import dev.chatsdk.api.port.PresenceRegistry;
import dev.chatsdk.core.ChatEngine;
import dev.chatsdk.core.ChatEngineBuilder;
import dev.chatsdk.core.ChatSession;
import dev.chatsdk.core.EngineListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link ChatEngine}: sessions, in-order fan-out, presence, typing, read state,
 * policies and the cluster bus. This class wires the engine's parts together and hands each call to
 * the part that does it: {@link SessionLifecycle}, {@link Registry}, {@link Fanout}, {@link
 * ClusterRouting}, {@link FrameDispatch}, {@link SyncReplay}, {@link MessageOps}, {@link
 * ConversationOps} and {@link PresenceTracker}. See {@code docs/CONCURRENCY.md} for which thread
 * runs what.
 *
 * <p>Threading: thread-safe. The parts are created in the constructor and never replaced; each
 * reaches the others through this object's package-private fields.
 */
public final class DefaultChatEngine implements ChatEngine {
  private final EngineConfig config;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final EngineListener listener;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final @Nullable ScheduledFuture<?> sweeper;

  final Registry registry;
  final Fanout fanout;
  final ClusterRouting cluster;
  final SessionLifecycle sessions;
  final FrameDispatch frames;
  final SyncReplay syncs;
  final MessageOps messages;
  final ConversationOps conversations;
  final PresenceTracker presenceTracker;
  final TypingTracker typing;

  /** Creates the engine; use {@link ChatEngine#builder()}. */
  public DefaultChatEngine(EngineConfig config, PresenceRegistry presence, boolean ownsPresence) {
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(presence, "presence");
    ScheduledExecutorService given = config.scheduler();
    if (given == null) {
      AtomicInteger n = new AtomicInteger();
      ScheduledThreadPoolExecutor created =
          new ScheduledThreadPoolExecutor(
              ChatEngineBuilder.DEFAULT_SCHEDULER_THREADS,
              r -> {
                Thread t = new Thread(r, "chat-engine-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      created.setRemoveOnCancelPolicy(true);
      created.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      created.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
      this.scheduler = created;
      this.ownsScheduler = true;
    } else {
      this.scheduler = given;
      this.ownsScheduler = false;
    }
    this.listener = config.listener();
    this.registry = new Registry(this);
    this.fanout = new Fanout(this);
    this.cluster = new ClusterRouting(this);
    this.sessions = new SessionLifecycle(this);
    this.frames = new FrameDispatch(this);
    this.syncs = new SyncReplay(this);
    this.messages = new MessageOps(this);
    this.conversations = new ConversationOps(this);
    this.presenceTracker = new PresenceTracker(this, presence, ownsPresence);
    this.typing = new TypingTracker(this);
    presenceTracker.start();
    cluster.start();
    this.sweeper =
        scheduler.scheduleWithFixedDelay(messages::sweepRestBuckets, 1, 1, TimeUnit.MINUTES);
  }

  // ======================================================================= accessors for helpers

  EngineConfig config() {
    return config;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  Executor worker() {
    return scheduler;
  }

  Frame encodeMessage(Message m) {
    return config.codec().encode(new ServerFrame.MessageEvent(m));
  }

  void storeTimed(String operation, long startedNanos, boolean success) {
    listener.storeLatency(operation, Duration.ofNanos(System.nanoTime() - startedNanos), success);
  }

  /** Calls a store method and reports its latency to the listener. */
  <T> CompletableFuture<T> timed(
      String operation, java.util.function.Supplier<? extends CompletionStage<T>> call) {
    long started = System.nanoTime();
    return Engines.call(call).whenComplete((v, e) -> storeTimed(operation, started, e == null));
  }

  /** Whether {@link #close()} was called. */
  boolean isClosed() {
    return closed.get();
  }

  // ======================================================================= the public API

  @Override
  public ChatSession openSession(Principal principal, ClientConnection connection) {
    return sessions.openSession(principal, connection);
  }

  @Override
  public void closeSessionsOf(String userId, String reason) {
    sessions.closeSessionsOf(userId, reason);
  }

  @Override
  public int sessionCount() {
    return registry.sessions.size();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (Session s : new ArrayList<>(registry.sessions.values())) {
      s.closeLater(CloseCodes.GOING_AWAY, "server shutting down");
    }
    typing.shutdown();
    if (sweeper != null) {
      sweeper.cancel(false);
    }
    cluster.close();
    if (ownsScheduler) {
      scheduler.shutdown();
      try {
        if (!scheduler.awaitTermination(2, TimeUnit.SECONDS)) {
          scheduler.shutdownNow();
        }
      } catch (InterruptedException e) {
        scheduler.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    presenceTracker.close();
  }

  @Override
  public CompletionStage<AppendResult> send(
      Principal principal, String conversationId, String clientMsgId, String body) {
    return messages.send(principal, conversationId, clientMsgId, body);
  }

  @Override
  public CompletionStage<Message> edit(
      Principal principal, String conversationId, String messageId, String body) {
    return messages.edit(principal, conversationId, messageId, body);
  }

  @Override
  public CompletionStage<Message> delete(
      Principal principal, String conversationId, String messageId) {
    return messages.delete(principal, conversationId, messageId);
  }

  @Override
  public CompletionStage<List<Message>> history(
      Principal principal, String conversationId, HistoryQuery query) {
    return messages.history(principal, conversationId, query);
  }

  @Override
  public CompletionStage<ReadMarker> markRead(
      Principal principal, String conversationId, long seq) {
    return messages.markRead(principal, conversationId, seq);
  }

  @Override
  public CompletionStage<List<ReadMarker>> readMarkers(Principal principal, String conversationId) {
    return messages.readMarkers(principal, conversationId);
  }

  @Override
  public CompletionStage<List<ConversationSummary>> conversations(Principal principal) {
    return conversations.conversations(principal);
  }

  @Override
  public CompletionStage<ConversationSummary> conversation(
      Principal principal, String conversationId) {
    return conversations.conversation(principal, conversationId);
  }

  @Override
  public CompletionStage<Conversation> createDirect(Principal principal, String otherUserId) {
    return conversations.createDirect(principal, otherUserId);
  }

  @Override
  public CompletionStage<Conversation> createGroup(
      Principal principal, String title, Collection<String> memberIds) {
    return conversations.createGroup(principal, title, memberIds);
  }

  @Override
  public CompletionStage<Conversation> addMember(
      Principal principal, String conversationId, String userId) {
    return conversations.addMember(principal, conversationId, userId);
  }

  @Override
  public CompletionStage<Conversation> removeMember(
      Principal principal, String conversationId, String userId) {
    return conversations.removeMember(principal, conversationId, userId);
  }

  @Override
  public CompletionStage<Conversation> setMemberRole(
      Principal principal, String conversationId, String userId, MemberRole role) {
    return conversations.setRole(principal, conversationId, userId, role);
  }

  @Override
  public CompletionStage<Conversation> rename(
      Principal principal, String conversationId, String title) {
    return conversations.rename(principal, conversationId, title);
  }

  @Override
  public CompletionStage<Conversation> leave(Principal principal, String conversationId) {
    return conversations.leave(principal, conversationId);
  }

  @Override
  public CompletionStage<Map<String, Presence>> presence(Collection<String> userIds) {
    return presenceTracker.presence(userIds);
  }

  @Override
  public void userUpdated(User user) {
    Objects.requireNonNull(user, "user");
    fanout.deliverUserUpdate(user);
    fanout.publish("g:users", BusEvent.user(config.nodeId(), user));
  }
}
