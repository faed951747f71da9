package dev.chatsdk.client.internal;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.User;
import dev.chatsdk.api.event.ClientFrame;
import dev.chatsdk.api.event.ConversationSummary;
import dev.chatsdk.api.event.ServerFrame;
import dev.chatsdk.client.ChatApi;
import dev.chatsdk.client.ChatListener;
import dev.chatsdk.client.ConnectionState;
import dev.chatsdk.client.SentMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The client's engine: connection state machine, outbox, per-conversation ordering, resume, gap
 * filling, token refresh and heartbeats.
 *
 * <p>Threads: all state below is confined to one {@code loop} thread (a single-thread scheduler);
 * Tyrus' threads only decode frames and hand them over. Blocking work (the WebSocket handshake,
 * publisher consumers) runs on the {@code worker} pool; REST runs on the {@link ChatApi}'s pool;
 * listener calls run serially on the {@code events} executor. Send futures complete on the loop
 * thread.
 */
public final class ClientRuntime {
  private static final String THREAD_PREFIX = "chat-client";
  private static final long TICK_MILLIS = 250;
  private static final long MIN_REFRESH_GAP_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ClientConfig config;
  private final ChatApi api;
  private final WebSocketTransport transport;
  private final ScheduledThreadPoolExecutor loop;
  private final ThreadPoolExecutor worker;
  private final @Nullable ExecutorService ownEvents;
  private final Executor events;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CompletableFuture<User> connected = new CompletableFuture<>();

  private volatile ConnectionState state = ConnectionState.NEW;
  private volatile @Nullable User me;
  private volatile @Nullable SubmissionPublisher<Message> publisher;

  // --- loop-confined state ---
  private long generation;
  private WebSocketTransport.@Nullable Socket socket;
  private long openedAtNanos;
  private int attempt;
  private boolean everConnected;
  private boolean refreshToken;
  private final Map<String, ConversationStream> streams = new HashMap<>();

  /** The {@code sync} frames awaiting their {@code synced}: ref to the conversations asked for. */
  private final Map<String, Set<String>> syncRequests = new HashMap<>();

  private final Set<String> filling = new HashSet<>();

  /** Conversations whose history fill failed, with the number of failures in a row. */
  private final Map<String, Integer> fillFailures = new HashMap<>();

  /** Conversations waiting for a fill retry after a failure (no fill starts meanwhile). */
  private final Set<String> fillBackoff = new HashSet<>();

  private final Outbox outbox;
  private @Nullable ScheduledFuture<?> reconnectTask;
  private @Nullable ScheduledFuture<?> refreshTask;
  private @Nullable ScheduledFuture<?> tickTask;
  private long heartbeatNanos;
  private long lastReceivedNanos;
  private long lastPingNanos;
  private Duration clockOffset = Duration.ZERO;
  private @Nullable String authRef;
  private boolean refreshedThisSession;
  private long lastRefreshNanos;

  /**
   * Whether an in-band refresh ever started ({@link #lastRefreshNanos} is meaningless before: the
   * monotonic clock's origin is arbitrary, on Linux the machine's boot).
   */
  private boolean refreshedEver;

  private long lifetimeNanos;
  private long refCounter;

  /** Creates the runtime; nothing connects before {@link #connect()}. */
  public ClientRuntime(ClientConfig config, ChatApi api) {
    this.config = config;
    this.api = api;
    this.transport = new WebSocketTransport(config.connectTimeout());
    this.loop = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory(THREAD_PREFIX + "-loop"));
    loop.setRemoveOnCancelPolicy(true);
    loop.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.worker =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            1,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            new NamedThreadFactory(THREAD_PREFIX + "-worker"));
    Executor userExecutor = config.executor();
    if (userExecutor == null) {
      ThreadPoolExecutor own =
          new ThreadPoolExecutor(
              1,
              1,
              0,
              TimeUnit.MILLISECONDS,
              new java.util.concurrent.LinkedBlockingQueue<>(),
              new NamedThreadFactory(THREAD_PREFIX + "-events"));
      this.ownEvents = own;
      this.events = own;
    } else {
      this.ownEvents = null;
      this.events = new SerialExecutor(userExecutor);
    }
    this.outbox = new Outbox(config.maxPendingSends());
    this.heartbeatNanos = config.heartbeatInterval().toNanos();
  }

  // ---------------------------------------------------------------- public side (any thread)

  /** The current state. */
  public ConnectionState state() {
    return state;
  }

  /** The authenticated user, once a session started. */
  public Optional<User> user() {
    return Optional.ofNullable(me);
  }

  /** Starts connecting (once); completes with the user when the first session started. */
  public CompletionStage<User> connect() {
    onLoop(
        () -> {
          if (state == ConnectionState.NEW) {
            tickTask =
                loop.scheduleWithFixedDelay(
                    () -> guarded(this::tick), TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
            startAttempt();
          }
        });
    return connected.minimalCompletionStage();
  }

  /** Queues a send; see {@code ChatClient#send}. */
  public CompletionStage<SentMessage> send(String conversationId, String body) {
    CompletableFuture<SentMessage> future = new CompletableFuture<>();
    if (body.isEmpty() || body.length() > Message.MAX_BODY) {
      future.completeExceptionally(
          ChatException.invalid(
              "body: length " + body.length() + " (expected: 1.." + Message.MAX_BODY + ")"));
      return future;
    }
    String clientMsgId = UUID.randomUUID().toString();
    boolean queued =
        onLoop(
            () -> {
              if (state == ConnectionState.CLOSED) {
                future.completeExceptionally(closedError());
                return;
              }
              if (outbox
                  .add(conversationId, clientMsgId, body, future, System.nanoTime())
                  .isEmpty()) {
                future.completeExceptionally(
                    new ChatException(
                        ErrorCode.RATE_LIMITED,
                        "outbox: "
                            + config.maxPendingSends()
                            + " sends awaiting their ack (expected: fewer; wait for acks)"));
                return;
              }
              flushOutbox();
            });
    if (!queued) {
      future.completeExceptionally(closedError());
    }
    return future;
  }

  /** Sends a typing indicator if connected; best effort. */
  public void typing(String conversationId, boolean typing) {
    onLoop(() -> write(new ClientFrame.Typing(null, conversationId, typing)));
  }

  /** The message stream as a publisher; created on first use. */
  public synchronized Flow.Publisher<Message> messages(int bufferSize) {
    SubmissionPublisher<Message> p = publisher;
    if (p == null) {
      p = new SubmissionPublisher<>(worker, bufferSize);
      if (closing.get()) {
        p.close();
      }
      publisher = p;
    }
    return p;
  }

  /**
   * Closes for good: no reconnect, pending sends fail, threads end. Waits (bounded) for the
   * client's threads unless called from one of them. Idempotent.
   */
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    if (!onLoop(
        () -> {
          stopOnLoop();
          stopped.complete(null);
        })) {
      stopped.complete(null);
    }
    if (Thread.currentThread().getName().startsWith(THREAD_PREFIX + "-")) {
      // called from a listener or a send callback: finish without waiting for ourselves
      stopped.whenComplete((v, e) -> release(false));
      return;
    }
    try {
      stopped.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      // release below regardless
    }
    release(true);
  }

  /** Ends the client's threads and the Tyrus and HTTP clients; waits for them if asked. */
  private void release(boolean await) {
    loop.shutdown();
    synchronized (this) {
      SubmissionPublisher<Message> p = publisher;
      if (p != null) {
        p.close();
      }
    }
    if (ownEvents != null) {
      ownEvents.shutdown();
    }
    transport.close();
    api.close();
    if (await) {
      awaitQuietly(loop);
      if (ownEvents != null) {
        awaitQuietly(ownEvents);
      }
    }
    worker.shutdown();
    if (await) {
      awaitQuietly(worker);
    }
  }

  private static void awaitQuietly(ExecutorService executor) {
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- loop thread

  private void stopOnLoop() {
    ConnectionState previous = state;
    WebSocketTransport.Socket last = socket;
    socket = null;
    if (last != null) {
      last.close(1000, "client closed");
    }
    generation++;
    cancel(reconnectTask);
    cancel(refreshTask);
    cancel(tickTask);
    for (Outbox.Pending p : outbox.clear()) {
      p.future().completeExceptionally(closedError());
    }
    connected.completeExceptionally(closedError());
    setState(previous, ConnectionState.CLOSED);
  }

  private void startAttempt() {
    if (closing.get()) {
      return;
    }
    long gen = ++generation;
    setState(state, ConnectionState.CONNECTING);
    boolean refresh = refreshToken;
    CompletionStage<String> token;
    try {
      token = config.tokens().token(refresh);
    } catch (RuntimeException e) {
      token = CompletableFuture.failedFuture(e);
    }
    token.whenComplete(
        (value, error) ->
            onLoop(
                () -> {
                  if (gen != generation) {
                    return;
                  }
                  if (error != null || value == null) {
                    attemptFailed(gen, asChatException(error, "token provider"));
                  } else {
                    openSocket(gen, value);
                  }
                }));
  }

  private void openSocket(long gen, String token) {
    Handler handler = new Handler(gen);
    try {
      worker.execute(
          () -> {
            try {
              transport.connect(config.webSocketUri(), token, handler);
            } catch (ChatException e) {
              onLoop(() -> attemptFailed(gen, e));
            } catch (RuntimeException e) {
              onLoop(() -> attemptFailed(gen, asChatException(e, "connect")));
            }
          });
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  private void attemptFailed(long gen, ChatException error) {
    if (gen != generation || socket != null || closing.get()) {
      return;
    }
    emit(l -> l.onError(error));
    boolean authProblem =
        error.code() == ErrorCode.UNAUTHENTICATED || error.code() == ErrorCode.TOKEN_EXPIRED;
    if (authProblem && !refreshToken) {
      refreshToken = true; // the cached token may have expired: try once more with a fresh one
      scheduleReconnect(Duration.ZERO);
      return;
    }
    if (!everConnected && !error.retryable()) {
      connected.completeExceptionally(error);
      closeFromInside();
      return;
    }
    scheduleReconnect(null);
  }

  private void closeFromInside() {
    try {
      worker.execute(this::close);
    } catch (RejectedExecutionException e) {
      // already closing
    }
  }

  private void scheduleReconnect(@Nullable Duration fixed) {
    if (closing.get()) {
      return;
    }
    setState(state, ConnectionState.DISCONNECTED);
    Duration delay =
        fixed != null
            ? fixed
            : config.reconnectPolicy().delay(attempt, ThreadLocalRandom.current().nextDouble());
    attempt++;
    cancel(reconnectTask);
    reconnectTask =
        loop.schedule(() -> guarded(this::startAttempt), delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void opened(long gen, WebSocketTransport.Socket opened) {
    if (gen != generation || closing.get() || socket != null) {
      opened.close(1000, "superseded");
      return;
    }
    socket = opened;
    openedAtNanos = System.nanoTime();
    lastReceivedNanos = openedAtNanos;
    lastPingNanos = openedAtNanos;
  }

  private void connectionLost(WebSocketTransport.Socket lost, int code, String reason) {
    if (lost != socket) {
      return;
    }
    socket = null;
    authRef = null;
    syncRequests.clear();
    cancel(refreshTask);
    if (closing.get()) {
      return;
    }
    if (code == 4001) {
      refreshToken = true;
    }
    if (code == 1008 || code == 1011 || code == 4001) {
      emit(
          l ->
              l.onError(
                  new ChatException(
                      code == 4001 ? ErrorCode.TOKEN_EXPIRED : ErrorCode.UNAVAILABLE,
                      "connection closed by the server: " + code + " " + reason)));
    }
    scheduleReconnect(null);
  }

  /** Closes the current connection and handles it as lost (a reconnect follows). */
  private void dropConnection(String reason) {
    WebSocketTransport.Socket s = socket;
    if (s == null) {
      return;
    }
    connectionLost(s, 1006, reason);
    try {
      worker.execute(() -> s.close(1000, reason));
    } catch (RejectedExecutionException e) {
      s.close(1000, reason);
    }
  }

  private void onFrame(WebSocketTransport.Socket from, ServerFrame frame) {
    if (from != socket) {
      return;
    }
    lastReceivedNanos = System.nanoTime();
    if (frame instanceof ServerFrame.Hello hello) {
      onHello(hello);
    } else if (frame instanceof ServerFrame.MessageEvent event) {
      onMessage(event.message());
    } else if (frame instanceof ServerFrame.Ack ack) {
      onAck(ack);
    } else if (frame instanceof ServerFrame.ErrorFrame error) {
      onErrorFrame(error);
    } else if (frame instanceof ServerFrame.Synced synced) {
      onSynced(synced);
    } else if (frame instanceof ServerFrame.Reauth) {
      // the refresh timer normally comes first; a reauth right after a refresh is not repeated
      if (!refreshedEver
          || System.nanoTime() - lastRefreshNanos
              >= Math.max(MIN_REFRESH_GAP_NANOS, lifetimeNanos / 2)) {
        refreshInBand();
      }
    } else if (frame instanceof ServerFrame.Authenticated authenticated) {
      if (authenticated.ref() != null && authenticated.ref().equals(authRef)) {
        authRef = null;
      }
      scheduleRefresh(authenticated.expiresAt());
    } else if (frame instanceof ServerFrame.ReadEvent read) {
      emit(l -> l.onRead(read));
    } else if (frame instanceof ServerFrame.TypingEvent typing) {
      emit(l -> l.onTyping(typing));
    } else if (frame instanceof ServerFrame.PresenceEvent presence) {
      emit(l -> l.onPresence(presence));
    } else if (frame instanceof ServerFrame.ConversationEvent conversation) {
      emit(l -> l.onConversation(conversation));
    } else if (frame instanceof ServerFrame.UserEvent user) {
      emit(l -> l.onUser(user));
    }
  }

  private void onHello(ServerFrame.Hello hello) {
    me = hello.user();
    attempt = 0;
    refreshedThisSession = false;
    refreshToken = false;
    clockOffset = Duration.between(Instant.now(), hello.serverTime());
    if (hello.heartbeatMs() > 0) {
      heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(hello.heartbeatMs());
    }
    scheduleRefresh(hello.tokenExpiresAt());

    Set<String> behind = new LinkedHashSet<>();
    for (ConversationSummary summary : hello.conversations()) {
      String id = summary.conversation().id();
      ConversationStream stream = streams.get(id);
      if (stream == null) {
        // first session: start where the server's live stream starts. Later sessions: a
        // conversation we never saw appeared while we were away, so replay it from the start.
        long start = everConnected ? 0 : summary.lastSeq();
        stream = new ConversationStream(id, start);
        streams.put(id, stream);
      }
      if (summary.lastSeq() > stream.cursor()) {
        behind.add(id);
      }
    }
    everConnected = true;
    setState(state, ConnectionState.CONNECTED);
    User user = hello.user();
    List<ConversationSummary> conversations = hello.conversations();
    emit(l -> l.onSessionStarted(user, conversations));
    connected.complete(user);
    sync(behind);
    for (ConversationStream stream : streams.values()) {
      maybeFill(stream);
    }
    flushOutbox();
  }

  /**
   * Asks the server to replay these conversations from the counters delivered so far; nothing
   * happens unless a session is open (the next {@code hello} resumes every conversation behind).
   */
  private void sync(Set<String> conversationIds) {
    if (state != ConnectionState.CONNECTED || socket == null) {
      return;
    }
    Map<String, Long> cursors = new LinkedHashMap<>();
    for (String id : conversationIds) {
      ConversationStream stream = streams.get(id);
      if (stream != null && !syncing(id)) {
        cursors.put(id, stream.cursor());
      }
    }
    if (cursors.isEmpty()) {
      return;
    }
    String ref = "sync-" + (++refCounter);
    syncRequests.put(ref, Set.copyOf(cursors.keySet()));
    write(new ClientFrame.Sync(ref, cursors));
  }

  private void onMessage(Message message) {
    ConversationStream stream =
        streams.computeIfAbsent(
            message.conversationId(), id -> new ConversationStream(id, message.modSeq() - 1));
    deliver(stream.offer(message));
    maybeFill(stream);
  }

  private void onSynced(ServerFrame.Synced synced) {
    synced
        .cursors()
        .forEach(
            (id, counter) -> {
              ConversationStream stream =
                  streams.computeIfAbsent(id, k -> new ConversationStream(k, 0));
              deliver(stream.advanceTo(counter));
            });
    if (synced.ref() == null || syncRequests.remove(synced.ref()) == null) {
      syncRequests.clear(); // an answer to no request we know of: let no conversation wait on it
    }
    for (ConversationStream stream : streams.values()) {
      maybeFill(stream);
    }
  }

  /** Whether a {@code sync} for the conversation awaits its answer. */
  private boolean syncing(String conversationId) {
    for (Set<String> ids : syncRequests.values()) {
      if (ids.contains(conversationId)) {
        return true;
      }
    }
    return false;
  }

  private void maybeFill(ConversationStream stream) {
    String id = stream.conversationId();
    if (!stream.hasGap()) {
      fillFailures.remove(id); // closed (by a sync, say): the next gap starts a fresh backoff
      return;
    }
    if (syncing(id) || filling.contains(id) || fillBackoff.contains(id) || closing.get()) {
      return;
    }
    filling.add(id);
    long from = stream.cursor();
    long to = stream.gapEnd().orElse(from);
    int limit = config.historyPageSize();
    CompletionStage<List<Message>> page;
    try {
      page = api.history(id, HistoryQuery.after(from, limit));
    } catch (RuntimeException e) {
      page = CompletableFuture.failedFuture(e);
    }
    page.whenComplete(
        (messages, error) -> onLoop(() -> filled(stream, from, to, limit, messages, error)));
  }

  private void filled(
      ConversationStream stream,
      long from,
      long to,
      int limit,
      @Nullable List<Message> page,
      @Nullable Throwable error) {
    String id = stream.conversationId();
    filling.remove(id);
    if (closing.get()) {
      return;
    }
    if (error != null || page == null) {
      int failures = fillFailures.merge(id, 1, Integer::sum);
      emit(l -> l.onError(asChatException(error, "history of " + id)));
      // History cannot be read (say the REST node is down while the socket's node is up): the
      // open connection replays the gap instead, and its synced answer covers the holes. History
      // is tried again after a backoff in case the gap is still open then.
      sync(Set.of(id));
      fillBackoff.add(id);
      Duration wait =
          config
              .reconnectPolicy()
              .delay(Math.min(failures - 1, 16), ThreadLocalRandom.current().nextDouble());
      loop.schedule(
          () ->
              guarded(
                  () -> {
                    fillBackoff.remove(id);
                    maybeFill(stream);
                  }),
          wait.toNanos(),
          TimeUnit.NANOSECONDS);
      return;
    }
    fillFailures.remove(id);
    if (stream.cursor() != from) {
      maybeFill(stream); // a replay moved the stream meanwhile; look again
      return;
    }
    boolean complete = page.size() < limit || page.get(page.size() - 1).seq() >= to;
    int recovered = (int) page.stream().filter(m -> m.seq() > from && m.seq() <= to).count();
    List<Message> out = stream.fill(page, complete);
    long reached = complete ? to : stream.cursor();
    emit(l -> l.onGapFilled(id, from + 1, reached, recovered));
    deliver(out);
    maybeFill(stream);
  }

  private void onAck(ServerFrame.Ack ack) {
    Optional<Outbox.Pending> pending = outbox.remove(ack.clientMsgId());
    if (pending.isEmpty()) {
      return; // ack of an edit/delete, or a repeat of an ack already handled
    }
    SentMessage sent =
        new SentMessage(
            ack.conversationId(),
            ack.clientMsgId(),
            ack.id(),
            ack.seq(),
            ack.createdAt(),
            ack.duplicate());
    emit(l -> l.onAck(sent));
    pending.get().future().complete(sent);
    flushOutbox(); // the conversation's next send may go now
  }

  private void onErrorFrame(ServerFrame.ErrorFrame error) {
    ErrorCode code = Json.errorCode(error.code(), 0);
    String key = error.clientMsgId() != null ? error.clientMsgId() : error.ref();
    if (key != null && error.ref() != null && error.ref().equals(authRef)) {
      authRef = null;
      refreshToken = true;
      emit(l -> l.onError(new ChatException(code, "in-band token refresh: " + error.message())));
      dropConnection("token refresh refused");
      return;
    }
    if (key != null && outbox.get(key).map(p -> failOrRetry(p, error, code)).orElse(false)) {
      return;
    }
    if (code == ErrorCode.TOKEN_EXPIRED || code == ErrorCode.UNAUTHENTICATED) {
      refreshToken = true;
      dropConnection("token expired");
    }
    emit(l -> l.onError(new ChatException(code, error.message())));
  }

  /** Handles a refused send: retried later if the error allows, else failed. Returns true. */
  private boolean failOrRetry(Outbox.Pending p, ServerFrame.ErrorFrame error, ErrorCode code) {
    if (error.retryable() || code.retryable()) {
      long waitNanos =
          Math.max(
              TimeUnit.MILLISECONDS.toNanos(Math.max(error.retryAfterMs(), 0)),
              config.reconnectPolicy().initialDelay().toNanos());
      outbox.retryLater(p.clientMsgId(), System.nanoTime() + waitNanos);
      loop.schedule(() -> guarded(this::flushOutbox), waitNanos, TimeUnit.NANOSECONDS);
      return true;
    }
    outbox.remove(p.clientMsgId());
    p.future()
        .completeExceptionally(
            new ChatException(
                code, "send to " + p.conversationId() + " refused: " + error.message()));
    flushOutbox();
    return true;
  }

  private void flushOutbox() {
    if (state != ConnectionState.CONNECTED || socket == null) {
      return;
    }
    for (Outbox.Pending p : outbox.due(generation, System.nanoTime())) {
      write(new ClientFrame.Send(p.clientMsgId(), p.conversationId(), p.clientMsgId(), p.body()));
    }
  }

  private void refreshInBand() {
    if (socket == null || authRef != null || closing.get()) {
      return;
    }
    String ref = "auth-" + (++refCounter);
    authRef = ref;
    refreshedThisSession = true;
    lastRefreshNanos = System.nanoTime();
    refreshedEver = true;
    WebSocketTransport.Socket current = socket;
    CompletionStage<String> token;
    try {
      token = config.tokens().token(true);
    } catch (RuntimeException e) {
      token = CompletableFuture.failedFuture(e);
    }
    token.whenComplete(
        (value, error) ->
            onLoop(
                () -> {
                  if (current != socket || !ref.equals(authRef)) {
                    return;
                  }
                  if (error != null || value == null) {
                    authRef = null;
                    refreshToken = true;
                    emit(l -> l.onError(asChatException(error, "token refresh")));
                    return; // the server closes with 4001 at expiry; the reconnect tries again
                  }
                  write(new ClientFrame.Auth(ref, value));
                }));
  }

  private void scheduleRefresh(Instant expiresAt) {
    cancel(refreshTask);
    Duration left = Duration.between(Instant.now().plus(clockOffset), expiresAt);
    lifetimeNanos = Math.max(0, left.toNanos());
    long delayNanos = lifetimeNanos * 8 / 10;
    WebSocketTransport.Socket current = socket;
    refreshTask =
        loop.schedule(
            () ->
                guarded(
                    () -> {
                      if (current == socket) {
                        refreshInBand();
                      }
                    }),
            delayNanos,
            TimeUnit.NANOSECONDS);
  }

  private void tick() {
    long now = System.nanoTime();
    for (Outbox.Pending p : outbox.expire(now, config.sendTimeout().toNanos())) {
      p.future()
          .completeExceptionally(
              new ChatException(
                  ErrorCode.UNAVAILABLE,
                  "send to "
                      + p.conversationId()
                      + ": no ack within "
                      + config.sendTimeout()
                      + " (the message may or may not have been stored)"));
    }
    WebSocketTransport.Socket s = socket;
    if (s == null) {
      return;
    }
    if (state != ConnectionState.CONNECTED) {
      if (now - openedAtNanos > config.connectTimeout().toNanos()) {
        dropConnection("no hello within " + config.connectTimeout());
      }
      return;
    }
    if (now - lastReceivedNanos > 2 * heartbeatNanos + TimeUnit.SECONDS.toNanos(1)) {
      dropConnection("no frame for " + Duration.ofNanos(now - lastReceivedNanos));
      return;
    }
    if (now - lastPingNanos >= heartbeatNanos) {
      lastPingNanos = now;
      write(new ClientFrame.Ping("ping-" + (++refCounter)));
    }
  }

  private void write(ClientFrame frame) {
    WebSocketTransport.Socket s = socket;
    if (s != null && state == ConnectionState.CONNECTED) {
      s.send(Json.encode(frame));
    }
  }

  private void deliver(List<Message> messages) {
    if (messages.isEmpty()) {
      return;
    }
    emit(
        l -> {
          SubmissionPublisher<Message> p = publisher;
          for (Message m : messages) {
            try {
              l.onMessage(m);
            } catch (RuntimeException e) {
              reportListenerFailure(l, e);
            }
            if (p != null && !p.isClosed()) {
              p.submit(m);
            }
          }
        });
  }

  private void setState(ConnectionState previous, ConnectionState next) {
    if (previous == next || state == ConnectionState.CLOSED) {
      return;
    }
    state = next;
    emit(l -> l.onStateChanged(previous, next));
  }

  private void emit(Consumer<ChatListener> call) {
    ChatListener listener = config.listener();
    try {
      events.execute(
          () -> {
            try {
              call.accept(listener);
            } catch (RuntimeException e) {
              reportListenerFailure(listener, e);
            }
          });
    } catch (RejectedExecutionException e) {
      // closed: events after close are dropped
    }
  }

  private static void reportListenerFailure(ChatListener listener, RuntimeException e) {
    try {
      listener.onError(new ChatException(ErrorCode.INTERNAL, "listener threw: " + e, e));
    } catch (RuntimeException ignored) {
      // a listener failing in onError has nowhere left to report
    }
  }

  private boolean onLoop(Runnable task) {
    try {
      loop.execute(() -> guarded(task));
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  private void guarded(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      emit(l -> l.onError(new ChatException(ErrorCode.INTERNAL, "client fault: " + e, e)));
    }
  }

  private static void cancel(@Nullable ScheduledFuture<?> task) {
    if (task != null) {
      task.cancel(false);
    }
  }

  private static ChatException closedError() {
    return new ChatException(ErrorCode.UNAVAILABLE, "client closed before the ack");
  }

  private static ChatException asChatException(@Nullable Throwable error, String what) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof ChatException ce) {
      return ce;
    }
    return new ChatException(
        ErrorCode.UNAVAILABLE, what + " failed: " + (t == null ? "no value" : t.toString()), t);
  }

  /** One connection attempt's callbacks: decode on Tyrus' thread, handle on the loop. */
  private final class Handler implements WebSocketTransport.Handler {
    private final long gen;

    Handler(long gen) {
      this.gen = gen;
    }

    @Override
    public void onOpen(WebSocketTransport.Socket s) {
      if (!onLoop(() -> opened(gen, s))) {
        s.close(1000, "client closed");
      }
    }

    @Override
    public void onText(WebSocketTransport.Socket s, String text) {
      Optional<ServerFrame> frame;
      try {
        frame = Json.decodeServerFrame(text);
      } catch (ChatException e) {
        emit(l -> l.onError(new ChatException(e.code(), "unreadable frame: " + e.getMessage())));
        return;
      }
      frame.ifPresent(f -> onLoop(() -> onFrame(s, f)));
    }

    @Override
    public void onClosed(WebSocketTransport.Socket s, int code, String reason) {
      onLoop(() -> connectionLost(s, code, reason));
    }
  }
}
