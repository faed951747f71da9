package dev.chatsdk.core.internal;

import dev.chatsdk.api.AppendResult;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.ConversationKind;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Member;
import dev.chatsdk.api.MemberRole;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.NewMessage;
import dev.chatsdk.api.Presence;
import dev.chatsdk.api.Principal;
import dev.chatsdk.api.RateLimitedException;
import dev.chatsdk.api.ReadMarker;
import dev.chatsdk.api.User;
import dev.chatsdk.api.event.ClientFrame;
import dev.chatsdk.api.event.ConversationSummary;
import dev.chatsdk.api.event.ServerFrame;
import dev.chatsdk.api.port.ClientConnection;
import dev.chatsdk.api.port.ClientConnection.CloseCodes;
import dev.chatsdk.api.port.ClusterBus;
import dev.chatsdk.api.port.Frame;
import dev.chatsdk.api.port.MessageDraft;
import dev.chatsdk.api.port.MessagePolicy;
import dev.chatsdk.api.port.PolicyDecision;
import dev.chatsdk.api.port.PresenceRegistry;
import dev.chatsdk.core.ChatEngine;
import dev.chatsdk.core.ChatEngineBuilder;
import dev.chatsdk.core.ChatSession;
import dev.chatsdk.core.EngineListener;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link ChatEngine}: sessions, in-order fan-out, presence, typing, read state,
 * policies and the cluster bus. See {@code docs/CONCURRENCY.md} for which thread runs what.
 *
 * <p>Registry state ({@link #users}, each {@link LocalUser}'s fields, each {@link Channel}'s local
 * users and subscription) changes only under {@link #registry}, which is never held while calling a
 * port, a connection or a listener. Hot paths read it without the lock through concurrent maps and
 * copy-on-write arrays.
 */
public final class DefaultChatEngine implements ChatEngine {
  private static final Logger log = LoggerFactory.getLogger(DefaultChatEngine.class);
  private static final int REPLAY_PAGE = HistoryQuery.MAX_LIMIT;
  private static final int PRESENCE_MEMORY = 100_000;
  private static final long MAX_TIMER_MILLIS = Duration.ofDays(365).toMillis();

  private final EngineConfig config;
  private final PresenceRegistry presence;
  private final boolean ownsPresence;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final EngineListener listener;
  private final @Nullable ClusterBus bus;
  private final String nodeId;

  private final Object registry = new Object();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Map<String, LocalUser> users = new ConcurrentHashMap<>();
  private final Map<String, Channel> channels = new ConcurrentHashMap<>();
  private final Map<String, Boolean> lastPresence = new ConcurrentHashMap<>();
  private final Map<String, TokenBucket> restBuckets = new ConcurrentHashMap<>();
  private final TypingTracker typing;
  private final ClusterBus.Listener busListener;
  private volatile ClusterBus.@Nullable Subscription globalSubscription;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final @Nullable ScheduledFuture<?> sweeper;

  /** Creates the engine; use {@link ChatEngine#builder()}. */
  public DefaultChatEngine(EngineConfig config, PresenceRegistry presence, boolean ownsPresence) {
    this.config = Objects.requireNonNull(config, "config");
    this.presence = Objects.requireNonNull(presence, "presence");
    this.ownsPresence = ownsPresence;
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
    this.bus = config.clusterBus();
    this.nodeId = config.nodeId();
    this.typing = new TypingTracker(this);
    this.busListener = new BusListener();
    presence.addListener(
        new PresenceRegistry.Listener() {
          @Override
          public void onPresenceChanged(Presence p) {
            presenceChanged(p.userId(), p.online(), p.lastSeen());
          }
        });
    if (bus != null) {
      Engines.call(() -> bus.subscribe("g:users", busListener))
          .whenComplete(
              (sub, e) -> {
                if (e != null) {
                  log.warn("could not subscribe to the global user topic", e);
                } else if (closed.get()) {
                  sub.unsubscribe();
                } else {
                  globalSubscription = sub;
                }
              });
    }
    this.sweeper = scheduler.scheduleWithFixedDelay(this::sweepRestBuckets, 1, 1, TimeUnit.MINUTES);
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

  private <T> CompletableFuture<T> timed(
      String operation, java.util.function.Supplier<? extends CompletionStage<T>> call) {
    long started = System.nanoTime();
    return Engines.call(call).whenComplete((v, e) -> storeTimed(operation, started, e == null));
  }

  // ======================================================================= sessions

  @Override
  public ChatSession openSession(Principal principal, ClientConnection connection) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(connection, "connection");
    Session session = new Session(UUID.randomUUID().toString(), principal, connection, this);
    if (closed.get()) {
      session.closeLater(CloseCodes.GOING_AWAY, "server shutting down");
      return session;
    }
    String userId = principal.userId();
    LocalUser user;
    boolean newUser = false;
    synchronized (registry) {
      user = users.get(userId);
      if (user == null) {
        user = new LocalUser(userId);
        users.put(userId, user);
        newUser = true;
      }
      user.sessions = append(user.sessions, session);
      sessions.put(session.id(), session);
    }
    listener.sessionOpened();
    if (newUser) {
      subscribeUser(user);
    }
    LocalUser owner = user;
    Engines.dispatch(worker(), () -> startSession(session, owner));
    return session;
  }

  /** OPENING: conversations (live first), then presence, then hello. */
  private void startSession(Session session, LocalUser user) {
    String userId = session.userId;
    CompletableFuture<List<Conversation>> convs =
        Engines.call(() -> config.conversationStore().listForUser(userId));
    convs
        .thenCompose(
            list -> {
              List<CompletableFuture<Void>> ready = new ArrayList<>();
              for (Conversation c : list) {
                ready.add(join(user, c));
              }
              return CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new))
                  .thenApply(v -> list);
            })
        .thenCompose(
            list -> {
              CompletableFuture<Boolean> lease =
                  Engines.call(() -> presence.sessionOpened(userId, session.id()));
              if (!session.setPresenceLease(lease)) {
                return CompletableFuture.failedFuture(new SessionGone());
              }
              return lease.thenApply(
                  online -> {
                    if (online) {
                      presenceChanged(userId, true, null);
                    }
                    return list;
                  });
            })
        .thenCompose(
            list -> {
              CompletableFuture<User> me =
                  Engines.call(() -> config.userStore().findById(userId))
                      .thenApply(
                          u ->
                              u.orElseThrow(
                                  () ->
                                      new ChatException(
                                          ErrorCode.UNAUTHENTICATED,
                                          "user " + userId + ": not found")));
              return me.thenCombine(summaries(list, userId), (u, s) -> helloFrame(session, u, s));
            })
        .whenComplete(
            (hello, error) -> {
              if (error != null) {
                Throwable cause = Engines.unwrap(error);
                if (cause instanceof SessionGone || session.isClosed()) {
                  return;
                }
                if (cause instanceof ChatException ce && ce.code() == ErrorCode.UNAUTHENTICATED) {
                  session.closeLater(CloseCodes.TOKEN_EXPIRED, ce.getMessage());
                } else {
                  log.warn("session {}: could not open", session.id(), cause);
                  session.closeLater(
                      CloseCodes.INTERNAL_ERROR, "could not load the session: retry later");
                }
                return;
              }
              Map<String, Long> live = new HashMap<>();
              for (ConversationSummary s : hello.conversations()) {
                live.put(s.conversation().id(), s.lastSeq());
              }
              session.open(config.codec().encode(hello), live);
              scheduleTokenTimers(session);
            });
  }

  private ServerFrame.Hello helloFrame(Session session, User user, List<ConversationSummary> s) {
    return new ServerFrame.Hello(
        session.id(),
        user,
        config.clock().instant(),
        session.principal().expiresAt(),
        config.heartbeatInterval().toMillis(),
        s);
  }

  /** Thrown inside a session's opening chain when the session closed meanwhile. */
  private static final class SessionGone extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SessionGone() {
      super("session closed", null, false, false);
    }
  }

  /** Called by a session once it is CLOSED: unregister, release channels, presence. */
  void sessionClosed(Session session, int code, @Nullable CompletableFuture<Boolean> lease) {
    listener.sessionClosed(code);
    String userId = session.userId;
    List<Channel> released = new ArrayList<>();
    LocalUser gone = null;
    synchronized (registry) {
      sessions.remove(session.id());
      LocalUser user = users.get(userId);
      if (user != null) {
        user.sessions = remove(user.sessions, session);
        if (user.sessions.length == 0) {
          users.remove(userId);
          user.gone = true;
          gone = user;
          for (String conversationId : user.conversationIds) {
            Channel ch = channels.get(conversationId);
            if (ch != null && dropLocalUser(ch, user)) {
              released.add(ch);
            }
          }
          user.conversationIds.clear();
        }
      }
    }
    for (Channel ch : released) {
      releaseChannel(ch);
    }
    if (gone != null) {
      ClusterBus.Subscription sub;
      synchronized (registry) {
        sub = gone.subscription;
        gone.subscription = null;
      }
      unsubscribe(sub);
      typing.clearUser(userId);
    }
    if (lease != null) {
      lease.whenComplete(
          (v, e) -> {
            Instant at = config.clock().instant();
            Engines.call(() -> presence.sessionClosed(userId, session.id(), at))
                .thenCompose(
                    offline -> {
                      if (!offline) {
                        return CompletableFuture.completedFuture(null);
                      }
                      return Engines.call(() -> config.userStore().updateLastSeen(userId, at))
                          .handle(
                              (x, err) -> {
                                if (err != null) {
                                  log.warn("user {}: could not record last seen", userId, err);
                                }
                                presenceChanged(userId, false, at);
                                return null;
                              });
                    })
                .exceptionally(
                    err -> {
                      log.warn("user {}: could not release presence", userId, err);
                      return null;
                    });
          });
    }
  }

  private void scheduleTokenTimers(Session session) {
    Principal p = session.principal();
    Instant now = config.clock().instant();
    Instant expires = p.expiresAt();
    long untilExpiry = millisBetween(now, expires);
    long untilReauth = Math.max(0, untilExpiry - config.reauthLead().toMillis());
    ScheduledFuture<?> reauth =
        scheduler.schedule(
            () -> {
              if (session.principal() == p) {
                session.send(new ServerFrame.Reauth(p.expiresAt()));
              }
            },
            untilReauth,
            TimeUnit.MILLISECONDS);
    ScheduledFuture<?> expiry =
        scheduler.schedule(() -> checkExpiry(session, p), untilExpiry + 1, TimeUnit.MILLISECONDS);
    session.setTimers(reauth, expiry);
  }

  /** Closes the session with 4001 if its token {@code p} ran out and was not replaced. */
  private void checkExpiry(Session session, Principal p) {
    if (session.principal() != p || session.isClosed()) {
      return;
    }
    long remaining = millisBetween(config.clock().instant(), p.expiresAt());
    if (remaining > 0) {
      // the scheduler and the clock may disagree by a millisecond or two: look again then
      scheduler.schedule(() -> checkExpiry(session, p), remaining + 1, TimeUnit.MILLISECONDS);
      return;
    }
    listener.authFailure(ErrorCode.TOKEN_EXPIRED);
    session.closeLater(CloseCodes.TOKEN_EXPIRED, "token expired");
  }

  /** Milliseconds from {@code from} to {@code to}, clamped to 0..{@link #MAX_TIMER_MILLIS}. */
  private static long millisBetween(Instant from, Instant to) {
    if (!to.isAfter(from)) {
      return 0;
    }
    if (to.getEpochSecond() - from.getEpochSecond() > MAX_TIMER_MILLIS / 1000) {
      return MAX_TIMER_MILLIS;
    }
    return Math.min(MAX_TIMER_MILLIS, Duration.between(from, to).toMillis());
  }

  @Override
  public void closeSessionsOf(String userId, String reason) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(reason, "reason");
    LocalUser user = users.get(userId);
    if (user == null) {
      return;
    }
    for (Session s : user.sessions) {
      s.closeLater(CloseCodes.TOKEN_EXPIRED, reason);
    }
  }

  @Override
  public int sessionCount() {
    return sessions.size();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (Session s : new ArrayList<>(sessions.values())) {
      s.closeLater(CloseCodes.GOING_AWAY, "server shutting down");
    }
    typing.shutdown();
    if (sweeper != null) {
      sweeper.cancel(false);
    }
    unsubscribe(globalSubscription);
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
    if (ownsPresence) {
      presence.close();
    }
  }

  // ======================================================================= channels & registry

  /**
   * Makes {@code conversation} live for a local user: creates its channel if needed. Completes once
   * the channel is ready (knows its counter, receives bus events).
   */
  private CompletableFuture<Void> join(LocalUser user, Conversation conversation) {
    Channel channel;
    boolean created = false;
    synchronized (registry) {
      if (user.gone || users.get(user.userId) != user) {
        return CompletableFuture.completedFuture(null);
      }
      channel = channels.get(conversation.id());
      if (channel == null || channel.isReleased()) {
        channel = new Channel(this, conversation);
        channels.put(conversation.id(), channel);
        created = true;
      }
      if (user.conversationIds.add(conversation.id())) {
        channel.localUsers = append(channel.localUsers, user);
      }
    }
    if (created) {
      startChannel(channel);
    }
    return channel.ready;
  }

  /** The local user is no longer a member: stop delivering that conversation to them. */
  private void leave(LocalUser user, String conversationId) {
    Channel release = null;
    synchronized (registry) {
      if (!user.conversationIds.remove(conversationId)) {
        return;
      }
      Channel ch = channels.get(conversationId);
      if (ch != null && dropLocalUser(ch, user)) {
        release = ch;
      }
    }
    if (release != null) {
      releaseChannel(release);
    }
  }

  /** Removes a local user from a channel; true if the channel is now unused (registry lock). */
  private boolean dropLocalUser(Channel ch, LocalUser user) {
    ch.localUsers = remove(ch.localUsers, user);
    if (ch.localUsers.length == 0) {
      channels.remove(ch.id, ch);
      return true;
    }
    return false;
  }

  private void startChannel(Channel channel) {
    CompletableFuture<Void> subscribed;
    if (bus == null) {
      subscribed = CompletableFuture.completedFuture(null);
    } else {
      subscribed =
          Engines.call(() -> bus.subscribe("c:" + channel.id, busListener))
              .handle(
                  (sub, e) -> {
                    if (e != null) {
                      log.warn("conversation {}: bus subscription failed", channel.id, e);
                      return null;
                    }
                    boolean keep;
                    synchronized (registry) {
                      keep = !channel.isReleased();
                      if (keep) {
                        channel.subscription = sub;
                      }
                    }
                    if (!keep) {
                      unsubscribe(sub);
                    }
                    return null;
                  });
    }
    subscribed.thenRun(() -> readBase(channel, 0));
  }

  private void readBase(Channel channel, int attempt) {
    if (channel.isReleased()) {
      channel.ready.complete(null);
      return;
    }
    Engines.call(() -> config.messageStore().lastSeq(channel.id))
        .whenComplete(
            (base, e) -> {
              if (e == null) {
                channel.start(base);
              } else if (attempt >= 5) {
                log.warn("conversation {}: could not read its counter", channel.id, e);
                channel.ready.completeExceptionally(Engines.unwrap(e));
                synchronized (registry) {
                  for (LocalUser u : channel.localUsers) {
                    u.conversationIds.remove(channel.id);
                  }
                  channel.localUsers = new LocalUser[0];
                  channels.remove(channel.id, channel);
                }
                releaseChannel(channel);
              } else {
                long delay = config.reorderTimeout().toMillis() * (1L << attempt);
                scheduler.schedule(
                    () -> readBase(channel, attempt + 1), delay, TimeUnit.MILLISECONDS);
              }
            });
  }

  private void releaseChannel(Channel channel) {
    ClusterBus.Subscription sub;
    synchronized (registry) {
      sub = channel.subscription;
      channel.subscription = null;
    }
    channel.release();
    unsubscribe(sub);
  }

  private void subscribeUser(LocalUser user) {
    if (bus == null) {
      return;
    }
    Engines.call(() -> bus.subscribe("u:" + user.userId, busListener))
        .whenComplete(
            (sub, e) -> {
              if (e != null) {
                log.warn("user {}: bus subscription failed", user.userId, e);
                return;
              }
              boolean keep;
              synchronized (registry) {
                keep = !user.gone;
                if (keep) {
                  user.subscription = sub;
                }
              }
              if (!keep) {
                unsubscribe(sub);
              }
            });
  }

  private void unsubscribe(ClusterBus.@Nullable Subscription sub) {
    if (sub != null) {
      Engines.call(sub::unsubscribe)
          .exceptionally(
              e -> {
                log.debug("unsubscribe failed", e);
                return null;
              });
    }
  }

  // ======================================================================= fan-out

  /** Delivers a message event to the local sessions of the conversation's members, in order. */
  void deliverMessage(Channel channel, Message message, Frame frame) {
    int n =
        fanOut(channel.localUsers, null, null, s -> s.deliver(channel.id, message.modSeq(), frame));
    listener.messageDelivered(n);
  }

  /**
   * Hands an action to every session of the given users, grouped by each connection's IO executor:
   * one task per executor. Returns how many sessions it reached.
   */
  private int fanOut(
      LocalUser[] recipients,
      @Nullable String skipUser,
      @Nullable Session skipSession,
      java.util.function.Consumer<Session> action) {
    Executor single = null;
    List<Session> singleList = null;
    Map<Executor, List<Session>> groups = null;
    int count = 0;
    for (LocalUser u : recipients) {
      if (u.userId.equals(skipUser)) {
        continue;
      }
      for (Session s : u.sessions) {
        if (s == skipSession) {
          continue;
        }
        count++;
        Executor ex = s.ioExecutor;
        if (groups == null) {
          if (single == null) {
            single = ex;
            singleList = new ArrayList<>(4);
          }
          if (single == ex) {
            singleList.add(s);
            continue;
          }
          groups = new IdentityHashMap<>();
          groups.put(single, singleList);
        }
        groups.computeIfAbsent(ex, k -> new ArrayList<>()).add(s);
      }
    }
    if (groups != null) {
      for (Map.Entry<Executor, List<Session>> e : groups.entrySet()) {
        List<Session> list = e.getValue();
        Engines.dispatch(e.getKey(), () -> runEach(list, action));
      }
    } else if (single != null) {
      List<Session> list = singleList;
      Engines.dispatch(single, () -> runEach(list, action));
    }
    return count;
  }

  private static void runEach(List<Session> list, java.util.function.Consumer<Session> action) {
    for (Session s : list) {
      try {
        action.accept(s);
      } catch (RuntimeException e) {
        log.error("{}: delivery failed", s, e);
      }
    }
  }

  private static void sendFrame(Session s, Frame frame) {
    s.deliver(null, 0, frame);
  }

  private LocalUser[] localMembers(String conversationId) {
    Channel ch = channels.get(conversationId);
    return ch == null ? new LocalUser[0] : ch.localUsers;
  }

  /** Local users who share a conversation with {@code userId}, plus {@code userId} if asked. */
  private LocalUser[] localUsersSharingWith(String userId, boolean includeSelf) {
    Set<LocalUser> result = new LinkedHashSet<>();
    for (Channel ch : channels.values()) {
      if (!ch.conversation.isMember(userId)) {
        continue;
      }
      for (LocalUser u : ch.localUsers) {
        if (includeSelf || !u.userId.equals(userId)) {
          result.add(u);
        }
      }
    }
    if (includeSelf) {
      LocalUser self = users.get(userId);
      if (self != null) {
        result.add(self);
      }
    }
    return result.toArray(LocalUser[]::new);
  }

  void broadcastTyping(String conversationId, String userId, boolean on, boolean publish) {
    Frame frame = config.codec().encode(new ServerFrame.TypingEvent(conversationId, userId, on));
    fanOut(localMembers(conversationId), userId, null, s -> sendFrame(s, frame));
    if (publish) {
      publish("c:" + conversationId, BusEvent.typing(nodeId, conversationId, userId, on));
    }
  }

  private void broadcastRead(ReadMarker marker, @Nullable Session origin) {
    Frame frame =
        config
            .codec()
            .encode(
                new ServerFrame.ReadEvent(marker.conversationId(), marker.userId(), marker.seq()));
    fanOut(localMembers(marker.conversationId()), null, origin, s -> sendFrame(s, frame));
  }

  void presenceChanged(String userId, boolean online, @Nullable Instant lastSeen) {
    Boolean previous = lastPresence.put(userId, online);
    if (previous != null && previous == online) {
      return;
    }
    if (lastPresence.size() > PRESENCE_MEMORY) {
      lastPresence.values().removeIf(v -> !v);
    }
    Frame frame = config.codec().encode(new ServerFrame.PresenceEvent(userId, online, lastSeen));
    fanOut(localUsersSharingWith(userId, false), null, null, s -> sendFrame(s, frame));
  }

  private void deliverUserUpdate(User user) {
    Frame frame = config.codec().encode(new ServerFrame.UserEvent(user));
    fanOut(localUsersSharingWith(user.id(), true), null, null, s -> sendFrame(s, frame));
  }

  /** Publishes a message event locally (in order) and to other nodes. */
  private void publishMessage(Message m) {
    Channel ch = channels.get(m.conversationId());
    if (ch != null) {
      ch.offer(m, encodeMessage(m));
    }
    publish("c:" + m.conversationId(), BusEvent.message(nodeId, m));
  }

  private void publish(String topic, BusEvent event) {
    ClusterBus b = bus;
    if (b == null) {
      return;
    }
    byte[] payload;
    try {
      payload = config.codec().toJson(event);
    } catch (RuntimeException e) {
      log.error("could not encode a bus event of kind {}", event.kind(), e);
      return;
    }
    Engines.call(() -> b.publish(topic, payload))
        .exceptionally(
            e -> {
              listener.busPublishFailed();
              log.debug("publish to {} failed", topic, e);
              return null;
            });
  }

  /** Applies a conversation change for every concerned user, here and on other nodes. */
  private void conversationChanged(
      String change, Conversation conversation, @Nullable String subjectUserId) {
    Channel ch = channels.get(conversation.id());
    if (ch != null) {
      ch.conversation = conversation;
    }
    Set<String> concerned = new LinkedHashSet<>(conversation.memberIds());
    if (subjectUserId != null) {
      concerned.add(subjectUserId);
    }
    Frame frame =
        config
            .codec()
            .encode(new ServerFrame.ConversationEvent(change, conversation, subjectUserId));
    for (String userId : concerned) {
      applyConversationChange(userId, conversation, frame);
      publish("u:" + userId, BusEvent.conversation(nodeId, change, conversation, subjectUserId));
    }
  }

  /**
   * For one user on this node: tell them, then start or stop the conversation's live delivery (so
   * the {@code conversation} frame precedes the conversation's first live message).
   */
  private void applyConversationChange(String userId, Conversation conversation, Frame frame) {
    LocalUser user = users.get(userId);
    if (user == null) {
      return;
    }
    fanOut(new LocalUser[] {user}, null, null, s -> sendFrame(s, frame));
    if (conversation.isMember(userId)) {
      join(user, conversation);
    } else {
      leave(user, conversation.id());
    }
  }

  // ======================================================================= cluster

  private final class BusListener implements ClusterBus.Listener {
    @Override
    public void onMessage(String topic, byte[] payload) {
      try {
        BusEvent event = config.codec().fromJson(payload, BusEvent.class);
        if (nodeId.equals(event.node())) {
          return;
        }
        onBusEvent(topic, event);
      } catch (RuntimeException e) {
        log.warn("ignoring a bus event on {} that could not be handled", topic, e);
      }
    }

    @Override
    public void onReconnected() {
      for (Channel ch : channels.values()) {
        ch.fillFromStore();
        Engines.call(() -> config.conversationStore().find(ch.id))
            .thenAccept(c -> c.ifPresent(conv -> ch.conversation = conv));
      }
    }
  }

  private void onBusEvent(String topic, BusEvent event) {
    switch (event.kind()) {
      case "message" -> {
        Message m = Objects.requireNonNull(event.message(), "message");
        Channel ch = channels.get(m.conversationId());
        if (ch != null) {
          ch.offer(m, encodeMessage(m));
        }
      }
      case "read" ->
          broadcastRead(
              new ReadMarker(
                  Objects.requireNonNull(event.conversationId(), "conversationId"),
                  Objects.requireNonNull(event.userId(), "userId"),
                  Objects.requireNonNull(event.seq(), "seq")),
              null);
      case "typing" ->
          broadcastTyping(
              Objects.requireNonNull(event.conversationId(), "conversationId"),
              Objects.requireNonNull(event.userId(), "userId"),
              Boolean.TRUE.equals(event.typing()),
              false);
      case "conversation" -> {
        if (!topic.startsWith("u:")) {
          return;
        }
        Conversation c = Objects.requireNonNull(event.conversation(), "conversation");
        Channel ch = channels.get(c.id());
        if (ch != null) {
          ch.conversation = c;
        }
        Frame frame =
            config
                .codec()
                .encode(
                    new ServerFrame.ConversationEvent(
                        Objects.requireNonNull(event.change(), "change"), c, event.userId()));
        applyConversationChange(topic.substring(2), c, frame);
      }
      case "user" -> deliverUserUpdate(Objects.requireNonNull(event.user(), "user"));
      default -> log.debug("ignoring bus event kind {}", event.kind());
    }
  }

  // ======================================================================= inbound frames

  /** Handles one client frame; never throws. */
  void handleText(Session session, String text) {
    ClientFrame frame;
    try {
      frame = config.codec().decode(text);
    } catch (ChatException e) {
      session.sendError(e, null, null);
      return;
    } catch (RuntimeException e) {
      session.sendError(new ChatException(ErrorCode.MALFORMED, "frame: unreadable"), null, null);
      return;
    }
    try {
      dispatch(session, frame);
    } catch (ChatException e) {
      session.sendError(e, frame.ref(), clientMsgIdOf(frame));
    } catch (RuntimeException e) {
      log.error("{}: frame {} failed", session, frame.type(), e);
      session.sendError(
          new ChatException(ErrorCode.INTERNAL, frame.type() + ": unexpected server error"),
          frame.ref(),
          clientMsgIdOf(frame));
    }
  }

  private static @Nullable String clientMsgIdOf(ClientFrame frame) {
    return frame instanceof ClientFrame.Send s ? s.clientMsgId() : null;
  }

  private void dispatch(Session session, ClientFrame frame) {
    if (frame instanceof ClientFrame.Send f) {
      long started = System.nanoTime();
      doSend(session.principal(), session, f.conversationId(), f.clientMsgId(), f.body())
          .whenComplete(
              (r, e) -> {
                if (e != null) {
                  session.sendError(
                      Engines.toChat(e, ErrorCode.UNAVAILABLE, "send"), f.ref(), f.clientMsgId());
                  return;
                }
                Message m = r.message();
                session.send(
                    new ServerFrame.Ack(
                        f.ref(),
                        m.conversationId(),
                        m.clientMsgId(),
                        m.id(),
                        m.seq(),
                        m.modSeq(),
                        m.createdAt(),
                        r.duplicate()));
                listener.ackLatency(Duration.ofNanos(System.nanoTime() - started));
              });
    } else if (frame instanceof ClientFrame.Edit f) {
      ackChange(
          session, f.ref(), edit(session.principal(), f.conversationId(), f.messageId(), f.body()));
    } else if (frame instanceof ClientFrame.Delete f) {
      ackChange(session, f.ref(), delete(session.principal(), f.conversationId(), f.messageId()));
    } else if (frame instanceof ClientFrame.Typing f) {
      Conversation c = cachedConversation(f.conversationId());
      if (c != null && c.isMember(session.userId)) {
        typing.set(f.conversationId(), session.userId, f.typing());
      } else {
        memberConversation(session.userId, f.conversationId())
            .whenComplete(
                (conv, e) -> {
                  if (e != null) {
                    session.sendError(
                        Engines.toChat(e, ErrorCode.UNAVAILABLE, "typing"), f.ref(), null);
                  } else {
                    typing.set(f.conversationId(), session.userId, f.typing());
                  }
                });
      }
    } else if (frame instanceof ClientFrame.Read f) {
      doMarkRead(session.principal(), f.conversationId(), f.seq(), session)
          .whenComplete(
              (m, e) -> {
                if (e != null) {
                  session.sendError(
                      Engines.toChat(e, ErrorCode.UNAVAILABLE, "read"), f.ref(), null);
                }
              });
    } else if (frame instanceof ClientFrame.Sync f) {
      sync(session, f);
    } else if (frame instanceof ClientFrame.Auth f) {
      reauthenticate(session, f);
    } else if (frame instanceof ClientFrame.Ping f) {
      session.send(new ServerFrame.Pong(f.ref(), config.clock().instant()));
    }
  }

  private void ackChange(Session session, @Nullable String ref, CompletionStage<Message> stage) {
    stage.whenComplete(
        (m, e) -> {
          if (e != null) {
            session.sendError(Engines.toChat(e, ErrorCode.UNAVAILABLE, "change"), ref, null);
            return;
          }
          session.send(
              new ServerFrame.Ack(
                  ref,
                  m.conversationId(),
                  m.clientMsgId(),
                  m.id(),
                  m.seq(),
                  m.modSeq(),
                  m.createdAt(),
                  false));
        });
  }

  private void reauthenticate(Session session, ClientFrame.Auth f) {
    Engines.call(() -> config.authenticator().authenticate(f.token()))
        .whenComplete(
            (p, e) -> {
              if (e != null) {
                ChatException ce = Engines.toChat(e, ErrorCode.UNAUTHENTICATED, "auth");
                if (ce.code() != ErrorCode.TOKEN_EXPIRED && ce.code() != ErrorCode.UNAVAILABLE) {
                  ce = new ChatException(ErrorCode.UNAUTHENTICATED, "token: " + ce.getMessage());
                }
                listener.authFailure(ce.code());
                session.sendError(ce, f.ref(), null);
                return;
              }
              if (!p.userId().equals(session.userId)) {
                listener.authFailure(ErrorCode.UNAUTHENTICATED);
                session.sendError(
                    new ChatException(
                        ErrorCode.UNAUTHENTICATED,
                        "token: for another user (expected: user " + session.userId + ")"),
                    f.ref(),
                    null);
                return;
              }
              session.setPrincipal(p);
              scheduleTokenTimers(session);
              session.send(new ServerFrame.Authenticated(f.ref(), p.expiresAt()));
            });
  }

  // ======================================================================= sync

  private void sync(Session session, ClientFrame.Sync f) {
    List<Map.Entry<String, Long>> work = new ArrayList<>();
    for (Map.Entry<String, Long> e : f.cursors().entrySet()) {
      Conversation c = cachedConversation(e.getKey());
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
   * Replays one conversation's changes after {@code cursor}; completes with the counter reached.
   */
  private CompletableFuture<Long> replay(
      Session session, String conversationId, long cursor, int[] replayed) {
    if (session.isClosed()) {
      return CompletableFuture.completedFuture(cursor);
    }
    if (session.inFlight() > config.outboundQueueLimit() / 2) {
      CompletableFuture<Long> later = new CompletableFuture<>();
      scheduler.schedule(
          () -> {
            replay(session, conversationId, cursor, replayed)
                .whenComplete(
                    (v, e) -> {
                      if (e != null) {
                        later.completeExceptionally(e);
                      } else {
                        later.complete(v);
                      }
                    });
          },
          20,
          TimeUnit.MILLISECONDS);
      return later;
    }
    return timed(
            "changes",
            () -> config.messageStore().changesSince(conversationId, cursor, REPLAY_PAGE))
        .thenCompose(
            page -> {
              long last = cursor;
              for (Message m : page) {
                Frame frame = encodeMessage(m);
                long counter = m.modSeq();
                Engines.dispatch(
                    session.ioExecutor,
                    () -> session.deliverReplay(conversationId, counter, frame));
                last = Math.max(last, counter);
                replayed[0]++;
              }
              if (page.size() < REPLAY_PAGE) {
                return CompletableFuture.completedFuture(last);
              }
              return replay(session, conversationId, last, replayed);
            });
  }

  // ======================================================================= operations

  @Override
  public CompletionStage<AppendResult> send(
      Principal principal, String conversationId, String clientMsgId, String body) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(clientMsgId, "clientMsgId");
    Objects.requireNonNull(body, "body");
    return doSend(principal, null, conversationId, clientMsgId, body);
  }

  private CompletableFuture<AppendResult> doSend(
      Principal principal,
      @Nullable Session session,
      String conversationId,
      String clientMsgId,
      String body) {
    listener.messageReceived();
    String userId = principal.userId();
    try {
      checkId(conversationId, "conversationId");
      checkId(clientMsgId, "clientMsgId");
      checkBody(body);
      TokenBucket bucket = session != null ? session.bucket : restBucket(userId);
      long waitMs = bucket.tryTake(config.clock().millis());
      if (waitMs > 0) {
        throw new RateLimitedException(
            ErrorCode.RATE_LIMITED,
            "rate limit: "
                + config.ratePerSecond()
                + " messages per second, bursts of "
                + config.rateBurst()
                + " (retry in "
                + waitMs
                + " ms)",
            Duration.ofMillis(waitMs));
      }
    } catch (ChatException e) {
      listener.messageRejected(e.code());
      return CompletableFuture.failedFuture(e);
    }
    return memberConversation(userId, conversationId)
        .thenCompose(
            conversation -> {
              Instant now = config.clock().instant();
              MessageDraft draft =
                  new MessageDraft(
                      conversationId,
                      conversation.kind(),
                      conversation.members().size(),
                      userId,
                      session == null ? null : session.id(),
                      clientMsgId,
                      body,
                      now);
              MessageDraft decided = runPolicies(draft, true);
              if (!decided.body().equals(body)) {
                checkBody(decided.body());
              }
              return timed(
                  "append",
                  () ->
                      config
                          .messageStore()
                          .append(
                              new NewMessage(
                                  conversationId,
                                  userId,
                                  clientMsgId,
                                  decided.body(),
                                  List.of(),
                                  now)));
            })
        .thenApply(
            result -> {
              if (!result.duplicate()) {
                typing.clear(conversationId, userId);
                publishMessage(result.message());
              }
              return result;
            })
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                listener.messageRejected(Engines.toChat(e, ErrorCode.UNAVAILABLE, "send").code());
              }
            })
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(Engines.toChat(e, ErrorCode.UNAVAILABLE, "append")));
  }

  /** Runs rate-free policies: slow mode (for sends) and the host's, in order. */
  private MessageDraft runPolicies(MessageDraft draft, boolean withSlowMode) {
    MessageDraft current = draft;
    if (withSlowMode) {
      current = apply(config.slowMode(), current);
    }
    for (MessagePolicy policy : config.policies()) {
      current = apply(policy, current);
    }
    return current;
  }

  private static MessageDraft apply(MessagePolicy policy, MessageDraft draft) {
    PolicyDecision decision;
    try {
      decision = policy.check(draft);
    } catch (ChatException e) {
      throw e;
    } catch (RuntimeException e) {
      log.error("message policy {} failed", policy.getClass().getName(), e);
      throw new ChatException(ErrorCode.INTERNAL, "message policy failed");
    }
    if (decision == null || decision instanceof PolicyDecision.Accept) {
      return draft;
    }
    if (decision instanceof PolicyDecision.Rewrite r) {
      return draft.withBody(r.body());
    }
    PolicyDecision.Reject reject = (PolicyDecision.Reject) decision;
    if (reject.code() == ErrorCode.RATE_LIMITED || reject.code() == ErrorCode.SLOW_MODE) {
      throw new RateLimitedException(reject.code(), reject.reason(), reject.retryAfter());
    }
    throw new ChatException(reject.code(), reject.reason());
  }

  private void checkBody(String body) {
    if (body.isBlank()) {
      throw ChatException.invalid(
          "body: blank (expected: 1.." + config.maxBodyLength() + " characters, not blank)");
    }
    if (body.length() > config.maxBodyLength()) {
      throw ChatException.invalid(
          "body: length " + body.length() + " (expected: at most " + config.maxBodyLength() + ")");
    }
  }

  private static void checkId(String id, String name) {
    if (id.isEmpty() || id.length() > 128) {
      throw ChatException.invalid(name + ": length " + id.length() + " (expected: 1..128)");
    }
  }

  private TokenBucket restBucket(String userId) {
    return restBuckets.computeIfAbsent(
        userId, k -> new TokenBucket(config.ratePerSecond(), config.rateBurst()));
  }

  private void sweepRestBuckets() {
    long now = config.clock().millis();
    restBuckets.values().removeIf(b -> b.isFull(now));
  }

  private @Nullable Conversation cachedConversation(String conversationId) {
    Channel ch = channels.get(conversationId);
    return ch == null ? null : ch.conversation;
  }

  /**
   * The conversation, if {@code userId} is a member: from this node's live channel when there is
   * one, else from the store. Fails with {@code NOT_FOUND} or {@code FORBIDDEN}.
   */
  private CompletableFuture<Conversation> memberConversation(String userId, String conversationId) {
    Conversation cached = cachedConversation(conversationId);
    if (cached != null && cached.isMember(userId)) {
      return CompletableFuture.completedFuture(cached);
    }
    return Engines.call(() -> config.conversationStore().find(conversationId))
        .thenApply(
            found -> {
              Conversation c =
                  found.orElseThrow(
                      () ->
                          ChatException.notFound("conversation " + conversationId + ": not found"));
              if (!c.isMember(userId)) {
                throw ChatException.forbidden("conversation " + conversationId + ": not a member");
              }
              return c;
            });
  }

  /** Like {@link #memberConversation} but always from the store (for admin decisions). */
  private CompletableFuture<Conversation> storedMemberConversation(
      String userId, String conversationId) {
    return Engines.call(() -> config.conversationStore().find(conversationId))
        .thenApply(
            found -> {
              Conversation c =
                  found.orElseThrow(
                      () ->
                          ChatException.notFound("conversation " + conversationId + ": not found"));
              if (!c.isMember(userId)) {
                throw ChatException.forbidden("conversation " + conversationId + ": not a member");
              }
              return c;
            });
  }

  @Override
  public CompletionStage<Message> edit(
      Principal principal, String conversationId, String messageId, String body) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(body, "body");
    String userId = principal.userId();
    return ownMessage(userId, conversationId, messageId)
        .thenCompose(
            (Function<Map.Entry<Conversation, Message>, CompletableFuture<Message>>)
                pair -> {
                  checkBody(body);
                  Conversation c = pair.getKey();
                  Message m = pair.getValue();
                  Instant now = config.clock().instant();
                  MessageDraft draft =
                      new MessageDraft(
                          conversationId,
                          c.kind(),
                          c.members().size(),
                          userId,
                          null,
                          m.clientMsgId(),
                          body,
                          now);
                  String finalBody = runPolicies(draft, false).body();
                  if (!finalBody.equals(body)) {
                    checkBody(finalBody);
                  }
                  return timed(
                      "edit",
                      () -> config.messageStore().edit(conversationId, messageId, finalBody, now));
                })
        .thenApply(
            m -> {
              publishMessage(m);
              return m;
            })
        .exceptionallyCompose(
            e -> CompletableFuture.failedFuture(Engines.toChat(e, ErrorCode.UNAVAILABLE, "edit")));
  }

  @Override
  public CompletionStage<Message> delete(
      Principal principal, String conversationId, String messageId) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(messageId, "messageId");
    String userId = principal.userId();
    return ownMessage(userId, conversationId, messageId)
        .thenCompose(
            pair -> {
              if (pair.getValue().deleted()) {
                return CompletableFuture.completedFuture(pair.getValue());
              }
              Instant now = config.clock().instant();
              return timed(
                      "delete", () -> config.messageStore().delete(conversationId, messageId, now))
                  .thenApply(
                      m -> {
                        publishMessage(m);
                        return m;
                      });
            })
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(Engines.toChat(e, ErrorCode.UNAVAILABLE, "delete")));
  }

  private CompletableFuture<Map.Entry<Conversation, Message>> ownMessage(
      String userId, String conversationId, String messageId) {
    return memberConversation(userId, conversationId)
        .thenCompose(
            c ->
                Engines.call(() -> config.messageStore().find(conversationId, messageId))
                    .thenApply(
                        found -> {
                          Message m =
                              found.orElseThrow(
                                  () ->
                                      ChatException.notFound(
                                          "message "
                                              + messageId
                                              + ": not found in conversation "
                                              + conversationId));
                          if (!m.senderId().equals(userId)) {
                            throw ChatException.forbidden(
                                "message "
                                    + messageId
                                    + ": not yours (only the author may change it)");
                          }
                          return Map.entry(c, m);
                        }));
  }

  @Override
  public CompletionStage<List<Message>> history(
      Principal principal, String conversationId, HistoryQuery query) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(query, "query");
    return memberConversation(principal.userId(), conversationId)
        .thenCompose(c -> Engines.call(() -> config.messageStore().page(conversationId, query)))
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(
                    Engines.toChat(e, ErrorCode.UNAVAILABLE, "history")));
  }

  @Override
  public CompletionStage<ReadMarker> markRead(
      Principal principal, String conversationId, long seq) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    return doMarkRead(principal, conversationId, seq, null);
  }

  private CompletableFuture<ReadMarker> doMarkRead(
      Principal principal, String conversationId, long seq, @Nullable Session origin) {
    if (seq < 0) {
      return CompletableFuture.failedFuture(
          ChatException.invalid("seq: " + seq + " (expected: >= 0)"));
    }
    String userId = principal.userId();
    return memberConversation(userId, conversationId)
        .thenCompose(c -> Engines.call(() -> config.messageStore().lastSeq(conversationId)))
        .thenCompose(
            last -> {
              if (seq > last) {
                throw ChatException.invalid(
                    "seq: "
                        + seq
                        + " (expected: at most "
                        + last
                        + ", the conversation's counter)");
              }
              return timed(
                  "read",
                  () ->
                      config.messageStore().markRead(new ReadMarker(conversationId, userId, seq)));
            })
        .thenApply(
            stored -> {
              if (stored.seq() == seq) {
                // the marker is where this call put it (a marker already ahead is not news)
                broadcastRead(stored, origin);
                publish(
                    "c:" + conversationId,
                    BusEvent.read(nodeId, conversationId, userId, stored.seq()));
              }
              return stored;
            })
        .exceptionallyCompose(
            e -> CompletableFuture.failedFuture(Engines.toChat(e, ErrorCode.UNAVAILABLE, "read")));
  }

  @Override
  public CompletionStage<List<ReadMarker>> readMarkers(Principal principal, String conversationId) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    return memberConversation(principal.userId(), conversationId)
        .thenCompose(c -> Engines.call(() -> config.messageStore().readMarkers(conversationId)))
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(
                    Engines.toChat(e, ErrorCode.UNAVAILABLE, "readMarkers")));
  }

  @Override
  public CompletionStage<List<ConversationSummary>> conversations(Principal principal) {
    Objects.requireNonNull(principal, "principal");
    String userId = principal.userId();
    return Engines.call(() -> config.conversationStore().listForUser(userId))
        .thenCompose(list -> summaries(list, userId))
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(
                    Engines.toChat(e, ErrorCode.UNAVAILABLE, "conversations")));
  }

  @Override
  public CompletionStage<ConversationSummary> conversation(
      Principal principal, String conversationId) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    return storedMemberConversation(principal.userId(), conversationId)
        .thenCompose(c -> summary(c, principal.userId()))
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(
                    Engines.toChat(e, ErrorCode.UNAVAILABLE, "conversation")));
  }

  private CompletableFuture<List<ConversationSummary>> summaries(
      List<Conversation> list, String userId) {
    List<CompletableFuture<ConversationSummary>> parts = new ArrayList<>(list.size());
    for (Conversation c : list) {
      parts.add(summary(c, userId));
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              List<ConversationSummary> out = new ArrayList<>(parts.size());
              for (CompletableFuture<ConversationSummary> p : parts) {
                out.add(p.join());
              }
              out.sort(
                  Comparator.comparing(
                          (ConversationSummary s) ->
                              s.lastMessage() != null
                                  ? s.lastMessage().createdAt()
                                  : s.conversation().createdAt())
                      .reversed());
              return out;
            });
  }

  private CompletableFuture<ConversationSummary> summary(Conversation c, String userId) {
    var store = config.messageStore();
    CompletableFuture<Long> last = Engines.call(() -> store.lastSeq(c.id()));
    CompletableFuture<List<Message>> latest =
        Engines.call(() -> store.page(c.id(), HistoryQuery.latest(1)));
    CompletableFuture<ReadMarker> marker = Engines.call(() -> store.readMarker(c.id(), userId));
    CompletableFuture<Long> unread =
        marker.thenCompose(m -> Engines.call(() -> store.countUnread(c.id(), userId, m.seq())));
    return CompletableFuture.allOf(last, latest, unread)
        .thenApply(
            v -> {
              List<Message> l = latest.join();
              return new ConversationSummary(
                  c,
                  last.join(),
                  marker.join().seq(),
                  unread.join(),
                  l.isEmpty() ? null : l.get(l.size() - 1));
            });
  }

  @Override
  public CompletionStage<Conversation> createDirect(Principal principal, String otherUserId) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(otherUserId, "otherUserId");
    String userId = principal.userId();
    if (otherUserId.equals(userId)) {
      return CompletableFuture.failedFuture(
          ChatException.invalid("otherUserId: the caller (expected: another user)"));
    }
    var conversations = config.conversationStore();
    return Engines.call(() -> config.userStore().findById(otherUserId))
        .thenCompose(
            other -> {
              if (other.isEmpty()) {
                throw ChatException.notFound("user " + otherUserId + ": not found");
              }
              return Engines.call(() -> conversations.findDirect(userId, otherUserId));
            })
        .thenCompose(
            existing -> {
              if (existing.isPresent()) {
                return CompletableFuture.completedFuture(existing.get());
              }
              Instant now = config.clock().instant();
              String id = newId();
              Conversation proposed =
                  new Conversation(
                      id,
                      ConversationKind.DIRECT,
                      null,
                      List.of(
                          new Member(userId, MemberRole.MEMBER, now),
                          new Member(otherUserId, MemberRole.MEMBER, now)),
                      now);
              return Engines.call(() -> conversations.create(proposed))
                  .thenApply(
                      stored -> {
                        if (stored.id().equals(id)) {
                          conversationChanged("created", stored, null);
                        }
                        return stored;
                      });
            })
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(
                    Engines.toChat(e, ErrorCode.UNAVAILABLE, "createDirect")));
  }

  @Override
  public CompletionStage<Conversation> createGroup(
      Principal principal, String title, Collection<String> memberIds) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(memberIds, "memberIds");
    String userId = principal.userId();
    Set<String> others = new LinkedHashSet<>();
    for (String id : memberIds) {
      Objects.requireNonNull(id, "memberIds element");
      if (!id.equals(userId)) {
        others.add(id);
      }
    }
    if (others.size() + 1 > Conversation.MAX_MEMBERS) {
      return CompletableFuture.failedFuture(
          ChatException.invalid(
              "memberIds: "
                  + (others.size() + 1)
                  + " members (expected: at most "
                  + Conversation.MAX_MEMBERS
                  + ")"));
    }
    Instant now = config.clock().instant();
    Conversation proposed;
    try {
      List<Member> members = new ArrayList<>();
      members.add(new Member(userId, MemberRole.ADMIN, now));
      for (String id : others) {
        members.add(new Member(id, MemberRole.MEMBER, now));
      }
      proposed = new Conversation(newId(), ConversationKind.GROUP, title, members, now);
    } catch (ChatException e) {
      return CompletableFuture.failedFuture(e);
    }
    return Engines.call(() -> config.userStore().findByIds(others))
        .thenCompose(
            found -> {
              Set<String> missing = new LinkedHashSet<>(others);
              for (User u : found) {
                missing.remove(u.id());
              }
              if (!missing.isEmpty()) {
                throw ChatException.notFound("users " + missing + ": not found");
              }
              return Engines.call(() -> config.conversationStore().create(proposed));
            })
        .thenApply(
            stored -> {
              conversationChanged("created", stored, null);
              return stored;
            })
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(
                    Engines.toChat(e, ErrorCode.UNAVAILABLE, "createGroup")));
  }

  /** A group the caller administers (from the store). */
  private CompletableFuture<Conversation> administeredGroup(String userId, String conversationId) {
    return storedMemberConversation(userId, conversationId)
        .thenApply(
            c -> {
              if (c.kind() != ConversationKind.GROUP) {
                throw ChatException.invalid(
                    "conversation " + conversationId + ": a direct conversation cannot be changed");
              }
              if (!c.isAdmin(userId)) {
                throw ChatException.forbidden(
                    "conversation " + conversationId + ": only admins may do this");
              }
              return c;
            });
  }

  @Override
  public CompletionStage<Conversation> addMember(
      Principal principal, String conversationId, String userId) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(userId, "userId");
    return administeredGroup(principal.userId(), conversationId)
        .thenCompose(
            c -> {
              if (c.isMember(userId)) {
                return CompletableFuture.completedFuture(c);
              }
              return Engines.call(() -> config.userStore().findById(userId))
                  .thenCompose(
                      u -> {
                        if (u.isEmpty()) {
                          throw ChatException.notFound("user " + userId + ": not found");
                        }
                        Member m = new Member(userId, MemberRole.MEMBER, config.clock().instant());
                        return Engines.call(
                                () -> config.conversationStore().addMember(conversationId, m))
                            .thenApply(
                                updated -> {
                                  conversationChanged("member_added", updated, userId);
                                  return updated;
                                });
                      });
            })
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(
                    Engines.toChat(e, ErrorCode.UNAVAILABLE, "addMember")));
  }

  @Override
  public CompletionStage<Conversation> removeMember(
      Principal principal, String conversationId, String userId) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(userId, "userId");
    return administeredGroup(principal.userId(), conversationId)
        .thenCompose(
            c -> {
              if (!c.isMember(userId)) {
                throw ChatException.notFound(
                    "user " + userId + ": not a member of conversation " + conversationId);
              }
              return Engines.call(
                      () -> config.conversationStore().removeMember(conversationId, userId))
                  .thenApply(
                      updated -> {
                        conversationChanged("member_removed", updated, userId);
                        return updated;
                      });
            })
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(
                    Engines.toChat(e, ErrorCode.UNAVAILABLE, "removeMember")));
  }

  @Override
  public CompletionStage<Conversation> rename(
      Principal principal, String conversationId, String title) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(title, "title");
    return administeredGroup(principal.userId(), conversationId)
        .thenCompose(
            c -> {
              c.withTitle(title);
              return Engines.call(() -> config.conversationStore().rename(conversationId, title));
            })
        .thenApply(
            updated -> {
              conversationChanged("renamed", updated, null);
              return updated;
            })
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(Engines.toChat(e, ErrorCode.UNAVAILABLE, "rename")));
  }

  @Override
  public CompletionStage<Conversation> leave(Principal principal, String conversationId) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(conversationId, "conversationId");
    String userId = principal.userId();
    return storedMemberConversation(userId, conversationId)
        .thenCompose(
            c -> {
              if (c.kind() == ConversationKind.DIRECT) {
                throw ChatException.invalid(
                    "conversation " + conversationId + ": a direct conversation cannot be left");
              }
              return Engines.call(
                  () -> config.conversationStore().removeMember(conversationId, userId));
            })
        .thenApply(
            updated -> {
              conversationChanged("member_left", updated, userId);
              return updated;
            })
        .exceptionallyCompose(
            e -> CompletableFuture.failedFuture(Engines.toChat(e, ErrorCode.UNAVAILABLE, "leave")));
  }

  @Override
  public CompletionStage<Map<String, Presence>> presence(Collection<String> userIds) {
    Objects.requireNonNull(userIds, "userIds");
    List<String> ids = List.copyOf(userIds);
    return Engines.call(() -> presence.presence(ids))
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(
                    Engines.toChat(e, ErrorCode.UNAVAILABLE, "presence")));
  }

  @Override
  public void userUpdated(User user) {
    Objects.requireNonNull(user, "user");
    deliverUserUpdate(user);
    publish("g:users", BusEvent.user(nodeId, user));
  }

  // ======================================================================= helpers

  private static String newId() {
    UUID u = UUID.randomUUID();
    return Long.toHexString(u.getMostSignificantBits())
        + Long.toHexString(u.getLeastSignificantBits());
  }

  private static Session[] append(Session[] array, Session s) {
    Session[] out = java.util.Arrays.copyOf(array, array.length + 1);
    out[array.length] = s;
    return out;
  }

  private static Session[] remove(Session[] array, Session s) {
    List<Session> out = new ArrayList<>(array.length);
    for (Session x : array) {
      if (x != s) {
        out.add(x);
      }
    }
    return out.toArray(Session[]::new);
  }

  private static LocalUser[] append(LocalUser[] array, LocalUser u) {
    LocalUser[] out = java.util.Arrays.copyOf(array, array.length + 1);
    out[array.length] = u;
    return out;
  }

  private static LocalUser[] remove(LocalUser[] array, LocalUser u) {
    List<LocalUser> out = new ArrayList<>(array.length);
    for (LocalUser x : array) {
      if (x != u) {
        out.add(x);
      }
    }
    return out.toArray(LocalUser[]::new);
  }
}
