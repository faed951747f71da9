package dev.chatsdk.client;

import dev.chatsdk.api.Message;
import dev.chatsdk.api.User;
import dev.chatsdk.client.internal.ClientConfig;
import dev.chatsdk.client.internal.ClientRuntime;
import dev.chatsdk.client.internal.WebSocketTransport;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * A live chat session for bots and apps: one WebSocket to the server, events to a {@link
 * ChatListener}, sends with exactly-once semantics, and automatic reconnection.
 *
 * <pre>{@code
 * ChatClient client = ChatClient.builder()
 *     .baseUri(URI.create("http://localhost:8080"))
 *     .credentials("echo", "secret-password")
 *     .listener(new ChatListener() {
 *       @Override public void onMessage(Message m) { ... }
 *     })
 *     .build();
 * client.connect().toCompletableFuture().join();
 * client.send(conversationId, "hello");
 * }</pre>
 *
 * <p><b>Delivery.</b> Per conversation, {@link ChatListener#onMessage} sees messages in {@code seq}
 * order and each new message once, whatever the network does: after a reconnect the client resumes
 * from the last counter it delivered ({@code sync}), and a jump in the live stream is filled from
 * REST history before the messages after it are delivered. On the first connection, delivery starts
 * with what arrives after the session started (read older messages with {@link ChatApi#history}); a
 * conversation that first appears on a later connection is replayed from its start.
 *
 * <p><b>Sends.</b> {@link #send} gives the message a fresh {@code clientMsgId} and keeps it in an
 * outbox until the server acknowledged it. Unacknowledged sends are written again, with the same
 * id, on every new connection; the server stores a repeated id once. The future completes once,
 * with the ack; it fails only on a final error (e.g. {@code forbidden}, {@code rejected}), after
 * {@link Builder#sendTimeout} without an ack, or when the client is closed first.
 *
 * <p><b>Connection.</b> See {@link ConnectionState} for the state machine. Lost connections are
 * retried with {@link ReconnectPolicy} (exponential backoff with jitter); every attempt asks the
 * {@link TokenProvider} for a token, and the token is refreshed in-band before it expires. Only
 * {@link #close()} stops the client; a close by the server or the network never does.
 *
 * <p><b>Threads.</b> Thread-safe: every method may be called from any thread, including listener
 * callbacks. The client owns a few daemon threads (named {@code chat-client-*}) and the Tyrus and
 * HTTP client threads; {@link #close()} ends all of them. Futures returned by {@link #send}
 * complete on the client's internal thread: dependent actions should be short, or use the {@code
 * *Async} variants.
 */
public final class ChatClient implements AutoCloseable {

  /** Default bound on opening a connection (handshake and {@code hello}): 10 s. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Default bound on one REST request: {@link ChatApi#DEFAULT_REQUEST_TIMEOUT}. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = ChatApi.DEFAULT_REQUEST_TIMEOUT;

  /**
   * Default time a send may wait for its ack, across reconnects, before its future fails: 2 min.
   */
  public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofMinutes(2);

  /**
   * Default ping interval while the server has not named one in {@code hello}: 15 s. A connection
   * silent for two intervals is considered dead and replaced.
   */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(15);

  /** Default cap on sends awaiting their ack: 10,000. */
  public static final int DEFAULT_MAX_PENDING_SENDS = 10_000;

  /** Default per-subscriber buffer of {@link #messages()}: {@link Flow#defaultBufferSize()}. */
  public static final int DEFAULT_PUBLISHER_BUFFER = Flow.defaultBufferSize();

  /** Page size used when filling a gap from history: 200 (the server's maximum). */
  public static final int DEFAULT_HISTORY_PAGE_SIZE = 200;

  private final ClientRuntime runtime;
  private final ChatApi api;
  private final int publisherBuffer;

  private ChatClient(Builder b, TokenProvider tokens, ChatApi api) {
    this.api = api;
    this.publisherBuffer = b.publisherBuffer;
    this.runtime =
        new ClientRuntime(
            new ClientConfig(
                WebSocketTransport.webSocketUri(b.baseUri()),
                tokens,
                b.listener,
                b.connectTimeout,
                b.sendTimeout,
                b.heartbeatInterval,
                b.reconnectPolicy,
                b.executor,
                b.maxPendingSends,
                DEFAULT_HISTORY_PAGE_SIZE),
            api);
  }

  /** A builder with every option at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts connecting. The stage completes with the authenticated user once the first session has
   * started, or exceptionally with a {@link dev.chatsdk.api.ChatException} if the server refused
   * the credentials for good (the client is then closed). While the server cannot be reached the
   * client keeps trying and the stage stays pending: bound the wait with {@code orTimeout} if you
   * need to. Calling it again returns the same outcome.
   */
  public CompletionStage<User> connect() {
    return runtime.connect();
  }

  /**
   * Sends a text message; the stage completes with the server's ack. Works in every state but
   * {@link ConnectionState#CLOSED}: while disconnected the message waits in the outbox. See the
   * class comment for the exactly-once guarantee.
   *
   * @param conversationId a conversation the user is a member of
   * @param text 1..{@value dev.chatsdk.api.Message#MAX_BODY} characters
   */
  public CompletionStage<SentMessage> send(String conversationId, String text) {
    Objects.requireNonNull(conversationId, "conversationId");
    Objects.requireNonNull(text, "text");
    return runtime.send(conversationId, text);
  }

  /** Tells the other members the user is (or stopped) typing; best effort, dropped if offline. */
  public void typing(String conversationId, boolean typing) {
    Objects.requireNonNull(conversationId, "conversationId");
    runtime.typing(conversationId, typing);
  }

  /** The connection state now. */
  public ConnectionState state() {
    return runtime.state();
  }

  /** The authenticated user, once a session has started. */
  public Optional<User> user() {
    return runtime.user();
  }

  /**
   * The delivered messages as a {@link Flow.Publisher}, in the same order {@link
   * ChatListener#onMessage} sees them, from the moment of subscription. Each subscriber has a
   * buffer of {@link Builder#publisherBuffer} messages; while a subscriber's buffer is full,
   * delivery (to the listener as well) waits for it to request more. Completes when the client
   * closes.
   */
  public Flow.Publisher<Message> messages() {
    return runtime.messages(publisherBuffer);
  }

  /**
   * The REST side, authenticated as this client's user (history pages, conversations, users).
   * Closed with the client.
   */
  public ChatApi api() {
    return api;
  }

  /**
   * Closes the client for good: closes the connection (code 1000), stops reconnecting, fails sends
   * still waiting for their ack, completes {@link #messages()} and ends the client's threads. Waits
   * up to a few seconds for them unless called from a listener. Idempotent.
   */
  @Override
  public void close() {
    runtime.close();
  }

  /**
   * Collects a {@link ChatClient}'s options. Not thread-safe; {@link #build()} copies the options,
   * so a builder can be reused.
   */
  public static final class Builder {
    private @Nullable URI baseUri;
    private @Nullable TokenProvider tokenProvider;
    private @Nullable String username;
    private @Nullable String password;
    private ChatListener listener = new ChatListener() {};
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration sendTimeout = DEFAULT_SEND_TIMEOUT;
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private ReconnectPolicy reconnectPolicy = ReconnectPolicy.DEFAULT;
    private @Nullable Executor executor;
    private int maxPendingSends = DEFAULT_MAX_PENDING_SENDS;
    private int publisherBuffer = DEFAULT_PUBLISHER_BUFFER;

    private Builder() {}

    /** The server, e.g. {@code http://localhost:8080} (required). */
    public Builder baseUri(URI baseUri) {
      Objects.requireNonNull(baseUri, "baseUri");
      String scheme = baseUri.getScheme();
      if (!"http".equals(scheme) && !"https".equals(scheme)) {
        throw new IllegalArgumentException(
            "baseUri: " + baseUri + " (expected: an http:// or https:// URI)");
      }
      this.baseUri = baseUri;
      return this;
    }

    /**
     * Logs in with a username and password (over REST) whenever a token is needed. Replaces a
     * {@link #tokenProvider}.
     */
    public Builder credentials(String username, String password) {
      this.username = Objects.requireNonNull(username, "username");
      this.password = Objects.requireNonNull(password, "password");
      this.tokenProvider = null;
      return this;
    }

    /** Where tokens come from; called for every connection and refresh. Replaces credentials. */
    public Builder tokenProvider(TokenProvider tokenProvider) {
      this.tokenProvider = Objects.requireNonNull(tokenProvider, "tokenProvider");
      this.username = null;
      this.password = null;
      return this;
    }

    /** The listener of live events; default: one that ignores everything. */
    public Builder listener(ChatListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Bound on one connection attempt; default {@link #DEFAULT_CONNECT_TIMEOUT}. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /** Bound on one REST request; default {@link #DEFAULT_REQUEST_TIMEOUT}. */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = positive(requestTimeout, "requestTimeout");
      return this;
    }

    /** How long a send may wait for its ack; default {@link #DEFAULT_SEND_TIMEOUT}. */
    public Builder sendTimeout(Duration sendTimeout) {
      this.sendTimeout = positive(sendTimeout, "sendTimeout");
      return this;
    }

    /** Ping interval until the server names one; default {@link #DEFAULT_HEARTBEAT_INTERVAL}. */
    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = positive(heartbeatInterval, "heartbeatInterval");
      return this;
    }

    /** Backoff between connection attempts; default {@link ReconnectPolicy#DEFAULT}. */
    public Builder reconnectPolicy(ReconnectPolicy reconnectPolicy) {
      this.reconnectPolicy = Objects.requireNonNull(reconnectPolicy, "reconnectPolicy");
      return this;
    }

    /**
     * The executor that runs listener calls (one at a time, in order, even on a pool); default: a
     * thread of the client's own. The client does not shut it down.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Cap on sends awaiting their ack; default {@link #DEFAULT_MAX_PENDING_SENDS}. */
    public Builder maxPendingSends(int maxPendingSends) {
      if (maxPendingSends < 1) {
        throw new IllegalArgumentException(
            "maxPendingSends: " + maxPendingSends + " (expected: >= 1)");
      }
      this.maxPendingSends = maxPendingSends;
      return this;
    }

    /**
     * Per-subscriber buffer of {@link ChatClient#messages()}; default {@link
     * #DEFAULT_PUBLISHER_BUFFER}.
     */
    public Builder publisherBuffer(int publisherBuffer) {
      if (publisherBuffer < 1) {
        throw new IllegalArgumentException(
            "publisherBuffer: " + publisherBuffer + " (expected: >= 1)");
      }
      this.publisherBuffer = publisherBuffer;
      return this;
    }

    /**
     * Builds the client (not yet connected: call {@link ChatClient#connect()}).
     *
     * @throws IllegalStateException if the base URI or the credentials are missing
     */
    public ChatClient build() {
      URI uri = baseUri();
      TokenProvider given = tokenProvider;
      String user = username;
      String pass = password;
      if (given == null && (user == null || pass == null)) {
        throw new IllegalStateException(
            "credentials: missing (expected: credentials(username, password) or tokenProvider(...))");
      }
      CredentialsTokens login = given == null ? new CredentialsTokens(user, pass) : null;
      TokenProvider tokens = given != null ? given : login;
      ChatApi api =
          new ChatApi(
              uri, tokens, requestTimeout, ChatApi.DEFAULT_CONNECT_TIMEOUT, "chat-client-api");
      if (login != null) {
        login.bind(api);
      }
      return new ChatClient(this, tokens, api);
    }

    private URI baseUri() {
      if (baseUri == null) {
        throw new IllegalStateException("baseUri: missing (expected: baseUri(URI) to be called)");
      }
      return baseUri;
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
      return value;
    }
  }

  /** Logs in over REST when a token is needed; reuses the last token until a refresh is asked. */
  private static final class CredentialsTokens implements TokenProvider {
    private final String username;
    private final String password;
    private volatile @Nullable ChatApi api;
    private volatile @Nullable CompletableFuture<String> current;

    CredentialsTokens(String username, String password) {
      this.username = username;
      this.password = password;
    }

    void bind(ChatApi api) {
      this.api = api;
    }

    @Override
    public synchronized CompletionStage<String> token(boolean refresh) {
      CompletableFuture<String> last = current;
      if (!refresh && last != null && (!last.isDone() || !last.isCompletedExceptionally())) {
        return last;
      }
      if (refresh && last != null && !last.isDone()) {
        return last; // a login is already under way
      }
      ChatApi client = Objects.requireNonNull(api, "api");
      CompletableFuture<String> next =
          client.login(username, password).thenApply(AuthSession::token).toCompletableFuture();
      current = next;
      return next;
    }
  }
}
