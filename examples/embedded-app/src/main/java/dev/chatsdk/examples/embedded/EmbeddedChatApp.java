package dev.chatsdk.examples.embedded;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Principal;
import dev.chatsdk.api.User;
import dev.chatsdk.api.port.UserStore;
import dev.chatsdk.core.ChatEngine;
import dev.chatsdk.core.auth.JwtAuthenticator;
import dev.chatsdk.core.auth.JwtSecrets;
import dev.chatsdk.core.auth.JwtTokenIssuer;
import dev.chatsdk.core.memory.InMemoryConversationStore;
import dev.chatsdk.core.memory.InMemoryMessageStore;
import dev.chatsdk.core.memory.InMemoryUserStore;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A host application that embeds the chat engine: in-memory stores, JWT tokens, and the engine
 * behind the host's own Undertow server at {@code /ws}. The host keeps its own notion of users:
 * here {@code GET /token?user=NAME} stands in for the host's login, creates the user on first use,
 * adds them to the "Lobby" group and answers a chat token.
 *
 * <pre>
 * mvn -q -pl examples/embedded-app exec:java          # CHAT_PORT (default 8081)
 * curl 'http://localhost:8081/token?user=alice'       # {"userId":"...","lobbyId":"...","token":"..."}
 * </pre>
 *
 * Thread-safe.
 */
public final class EmbeddedChatApp implements AutoCloseable {
  private static final Instant NEVER = Instant.parse("9999-12-31T00:00:00Z");

  private final Undertow server;
  private final ChatEngine engine;
  private final JwtAuthenticator authenticator;
  private final JwtTokenIssuer tokens;
  private final UserStore users;
  private final Principal host;
  private final String lobbyId;

  private EmbeddedChatApp(String hostName, int port) {
    // --- the embedding: stores, tokens, the engine, and the engine behind the host's /ws ---
    users = new InMemoryUserStore();
    tokens = JwtTokenIssuer.builder().hmacSecret(JwtSecrets.generate()).build();
    authenticator = tokens.authenticatorBuilder().build();
    engine =
        ChatEngine.builder()
            .userStore(users)
            .conversationStore(new InMemoryConversationStore())
            .messageStore(new InMemoryMessageStore())
            .authenticator(authenticator)
            .build();
    server =
        Undertow.builder()
            .addHttpListener(port, hostName)
            .setHandler(
                Handlers.path()
                    .addPrefixPath("/ws", UndertowChatSocket.handler(engine, authenticator))
                    .addExactPath("/token", this::handleLogin))
            .build();
    // --- the host's own setup: a system user that owns the Lobby group ---
    User system = join(users.create(newUser("lobby-host")));
    host = new Principal(system.id(), Set.of(), NEVER);
    lobbyId = join(engine.createGroup(host, "Lobby", List.of())).id();
    server.start();
  }

  /** Starts the app on {@code hostName:port} (port 0: any free port). */
  public static EmbeddedChatApp start(String hostName, int port) {
    return new EmbeddedChatApp(hostName, port);
  }

  /** The engine, for the host's own calls (history, groups, presence, ...). */
  public ChatEngine engine() {
    return engine;
  }

  /** The Lobby group every user joins. */
  public String lobbyId() {
    return lobbyId;
  }

  /** The app's base URI, e.g. {@code http://127.0.0.1:8081}. */
  public URI baseUri() {
    InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
    return URI.create("http://" + address.getHostString() + ":" + address.getPort());
  }

  /**
   * The host's login stand-in: finds or creates the user, puts them in the Lobby and issues a chat
   * token.
   */
  public CompletionStage<Login> login(String username) {
    return users
        .findByUsername(username)
        .thenCompose(
            found ->
                found.isPresent()
                    ? CompletableFuture.completedFuture(found.get())
                    : users.create(newUser(username)))
        .thenCompose(
            user ->
                engine
                    .addMember(host, lobbyId, user.id())
                    .handle((c, e) -> alreadyMember(e))
                    .thenCompose(ignored -> tokens.issue(user.id()))
                    .thenApply(token -> new Login(user.id(), lobbyId, token.token())));
  }

  /** A login's answer. */
  public record Login(String userId, String lobbyId, String token) {}

  private static Void alreadyMember(Throwable error) {
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    if (cause != null && !(cause instanceof ChatException ce && ce.code() == ErrorCode.CONFLICT)) {
      throw new CompletionException(cause);
    }
    return null;
  }

  private void handleLogin(HttpServerExchange exchange) {
    Deque<String> user = exchange.getQueryParameters().get("user");
    String name = user == null ? "" : user.peekFirst();
    if (name == null || !User.validUsername(name)) {
      exchange.setStatusCode(422);
      exchange.getResponseSender().send("user: expected 3..32 characters of A-Z a-z 0-9 _ . -");
      return;
    }
    exchange.dispatch(
        () ->
            login(name)
                .whenComplete(
                    (login, error) -> {
                      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                      if (error != null) {
                        exchange.setStatusCode(500);
                        exchange.getResponseSender().send("{\"error\":\"login failed\"}");
                        return;
                      }
                      exchange
                          .getResponseSender()
                          .send(
                              String.format(
                                  "{\"userId\":\"%s\",\"lobbyId\":\"%s\",\"token\":\"%s\"}",
                                  login.userId(), login.lobbyId(), login.token()));
                    }));
  }

  private static User newUser(String username) {
    return new User(UUID.randomUUID().toString(), username, username, null, Instant.now(), null);
  }

  private static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }

  /** Stops the HTTP server and the engine. */
  @Override
  public void close() {
    server.stop();
    engine.close();
    authenticator.close();
  }

  /** Runs the app until the process is stopped. */
  public static void main(String[] args) throws InterruptedException {
    String port = System.getenv().getOrDefault("CHAT_PORT", "8081");
    EmbeddedChatApp app = start("0.0.0.0", Integer.parseInt(port));
    System.out.println("embedded chat on " + app.baseUri() + " (GET /token?user=NAME, WS /ws)");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close();
                  stopped.countDown();
                }));
    stopped.await();
  }
}
