package dev.chatsdk.core.internal;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Principal;
import dev.chatsdk.api.User;
import dev.chatsdk.api.event.ClientFrame;
import dev.chatsdk.api.event.ConversationSummary;
import dev.chatsdk.api.event.ServerFrame;
import dev.chatsdk.api.port.ClientConnection;
import dev.chatsdk.api.port.ClientConnection.CloseCodes;
import dev.chatsdk.core.ChatSession;
import dev.chatsdk.core.EngineListener;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's life on this node: opening (register, load conversations, take the presence lease,
 * send {@code hello}), the token timers ({@code reauth} ahead of expiry, close with 4001 at
 * expiry), re-authentication, and the bookkeeping once it closed.
 *
 * <p>Threading: thread-safe and stateless. Opening and closing run on the engine worker and on
 * store callback threads; timers run on the scheduler. Session state lives in {@link Session}.
 */
final class SessionLifecycle {
  private static final Logger log = LoggerFactory.getLogger(SessionLifecycle.class);

  private static final long MAX_TIMER_MILLIS = Duration.ofDays(365).toMillis();

  private final DefaultChatEngine engine;
  private final EngineConfig config;
  private final EngineListener listener;
  private final ScheduledExecutorService scheduler;

  SessionLifecycle(DefaultChatEngine engine) {
    this.engine = engine;
    this.config = engine.config();
    this.listener = config.listener();
    this.scheduler = engine.scheduler();
  }

  /** Opens a session for an authenticated connection; it says {@code hello} once loaded. */
  ChatSession openSession(Principal principal, ClientConnection connection) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(connection, "connection");
    Session session = new Session(UUID.randomUUID().toString(), principal, connection, engine);
    if (engine.isClosed()) {
      session.closeLater(CloseCodes.GOING_AWAY, "server shutting down");
      return session;
    }
    Registry.Registration registration = engine.registry.addSession(session);
    listener.sessionOpened();
    if (registration.newUser()) {
      engine.registry.subscribeUser(registration.user());
    }
    LocalUser owner = registration.user();
    Engines.dispatch(engine.worker(), () -> startSession(session, owner));
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
                ready.add(engine.registry.join(user, c));
              }
              return CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new))
                  .thenApply(v -> list);
            })
        .thenCompose(
            list -> {
              CompletableFuture<Boolean> lease =
                  engine.presenceTracker.sessionOpened(userId, session.id());
              if (!session.setPresenceLease(lease)) {
                return CompletableFuture.failedFuture(new SessionGone());
              }
              return lease.thenApply(
                  online -> {
                    if (online) {
                      engine.presenceTracker.presenceChanged(userId, true, null);
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
              return me.thenCombine(
                  engine.conversations.summaries(list, userId, true),
                  (u, s) -> helloFrame(session, u, s));
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
    if (engine.registry.removeSession(session)) {
      engine.typing.clearUser(session.userId);
    }
    if (lease != null) {
      engine.presenceTracker.sessionClosed(session.userId, session.id(), lease);
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

  /** Closes every local session of the user with 4001. */
  void closeSessionsOf(String userId, String reason) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(reason, "reason");
    LocalUser user = engine.registry.users.get(userId);
    if (user == null) {
      return;
    }
    for (Session s : user.sessions) {
      s.closeLater(CloseCodes.TOKEN_EXPIRED, reason);
    }
  }

  /** Replaces the session's token with a fresher one for the same user and re-arms its timers. */
  void reauthenticate(Session session, ClientFrame.Auth f) {
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
}
