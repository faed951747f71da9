package dev.chatsdk.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.MemberRole;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.User;
import dev.chatsdk.api.event.ConversationSummary;
import dev.chatsdk.client.internal.Json;
import dev.chatsdk.client.internal.NamedThreadFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The REST side of the chat server: sign up, log in, find users, list and create conversations,
 * page through history, move the read marker.
 *
 * <p>Every call returns a {@link CompletionStage} that completes with the decoded answer or
 * exceptionally with a {@link ChatException} carrying the server's error code (network failures and
 * timeouts map to {@link ErrorCode#UNAVAILABLE}). Calls that need a user authenticate with the
 * {@link TokenProvider} given at creation; a call refused with 401 is retried once with a refreshed
 * token.
 *
 * <p>Thread-safe. Owns a small thread pool for the HTTP client: {@link #close()} it when done (a
 * {@link ChatClient}'s own {@link ChatClient#api()} is closed with the client).
 */
public final class ChatApi implements AutoCloseable {

  /** Default bound on one REST request, from sending to the complete answer: 10 s. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** Default bound on opening a TCP connection: 5 s. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final URI baseUri;
  private final @Nullable TokenProvider tokens;
  private final Duration requestTimeout;
  private final ExecutorService executor;
  private volatile @Nullable HttpClient http;

  ChatApi(
      URI baseUri,
      @Nullable TokenProvider tokens,
      Duration requestTimeout,
      Duration connectTimeout,
      String threadPrefix) {
    this.baseUri = normalise(Objects.requireNonNull(baseUri, "baseUri"));
    this.tokens = tokens;
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            2,
            2,
            1,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            new NamedThreadFactory(threadPrefix + "-http"));
    pool.allowCoreThreadTimeOut(true);
    this.executor = pool;
    this.http =
        HttpClient.newBuilder()
            .executor(executor)
            .connectTimeout(Objects.requireNonNull(connectTimeout, "connectTimeout"))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /**
   * A REST client without a user: for {@link #signup} and {@link #login} only.
   *
   * @param baseUri the server, e.g. {@code http://localhost:8080}
   */
  public static ChatApi create(URI baseUri) {
    return new ChatApi(baseUri, null, DEFAULT_REQUEST_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, "chat-api");
  }

  /**
   * A REST client acting as the user whose tokens {@code tokens} supplies.
   *
   * @param baseUri the server, e.g. {@code http://localhost:8080}
   */
  public static ChatApi create(URI baseUri, TokenProvider tokens) {
    Objects.requireNonNull(tokens, "tokens");
    return new ChatApi(
        baseUri, tokens, DEFAULT_REQUEST_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, "chat-api");
  }

  /** The server's base URI. */
  public URI baseUri() {
    return baseUri;
  }

  /** Creates an account ({@code POST /api/auth/signup}) and returns it with a token. */
  public CompletionStage<AuthSession> signup(String username, String password, String displayName) {
    ObjectNode body = Json.object();
    body.put("username", Objects.requireNonNull(username, "username"));
    body.put("password", Objects.requireNonNull(password, "password"));
    body.put("displayName", Objects.requireNonNull(displayName, "displayName"));
    return call("POST", "/api/auth/signup", body, false, ChatApi::authSession);
  }

  /** Logs in ({@code POST /api/auth/login}) and returns the user with a fresh token. */
  public CompletionStage<AuthSession> login(String username, String password) {
    ObjectNode body = Json.object();
    body.put("username", Objects.requireNonNull(username, "username"));
    body.put("password", Objects.requireNonNull(password, "password"));
    return call("POST", "/api/auth/login", body, false, ChatApi::authSession);
  }

  /** Searches users by name ({@code GET /api/users?q=}); an empty query lists users. */
  public CompletionStage<List<User>> users(String query) {
    Objects.requireNonNull(query, "query");
    return call(
        "GET",
        "/api/users?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8),
        null,
        true,
        answer -> {
          List<User> out = new ArrayList<>();
          for (JsonNode n : Json.listOf(answer, "users")) {
            out.add(Json.user(Json.objectOf(n, "user")));
          }
          return out;
        });
  }

  /**
   * The user's conversations with unread counts and last messages ({@code GET /api/conversations}).
   */
  public CompletionStage<List<ConversationSummary>> conversations() {
    return call(
        "GET",
        "/api/conversations",
        null,
        true,
        answer -> Json.summaries(Json.listOf(answer, "conversations")));
  }

  /** The direct conversation with {@code userId}, created if needed. */
  public CompletionStage<Conversation> createDirect(String userId) {
    ObjectNode body = Json.object();
    body.put("kind", "direct");
    body.putArray("members").add(Objects.requireNonNull(userId, "userId"));
    return call("POST", "/api/conversations", body, true, ChatApi::conversation);
  }

  /** Creates a group with the user as admin and {@code memberIds} as members. */
  public CompletionStage<Conversation> createGroup(String title, Collection<String> memberIds) {
    ObjectNode body = Json.object();
    body.put("kind", "group");
    body.put("title", Objects.requireNonNull(title, "title"));
    ArrayNode members = body.putArray("members");
    Objects.requireNonNull(memberIds, "memberIds").forEach(members::add);
    return call("POST", "/api/conversations", body, true, ChatApi::conversation);
  }

  /** Adds a member to a group the user administers; answers the updated group. */
  public CompletionStage<Conversation> addMember(String conversationId, String userId) {
    ObjectNode body = Json.object();
    body.put("userId", Objects.requireNonNull(userId, "userId"));
    return call(
        "POST", conversationPath(conversationId) + "/members", body, true, ChatApi::conversation);
  }

  /**
   * Removes a member from a group the user administers; answers the updated group. When its last
   * admin goes, the longest-standing member becomes admin.
   */
  public CompletionStage<Conversation> removeMember(String conversationId, String userId) {
    return call("DELETE", memberPath(conversationId, userId), null, true, ChatApi::conversation);
  }

  /**
   * Makes a member of a group the user administers an admin or a plain member; answers the updated
   * group. Demoting a group's only admin fails with {@link ErrorCode#CONFLICT}.
   */
  public CompletionStage<Conversation> setMemberRole(
      String conversationId, String userId, MemberRole role) {
    ObjectNode body = Json.object();
    body.put("role", Objects.requireNonNull(role, "role").name().toLowerCase(Locale.ROOT));
    return call("PUT", memberPath(conversationId, userId), body, true, ChatApi::conversation);
  }

  /** Renames a group the user administers; answers the updated group. */
  public CompletionStage<Conversation> rename(String conversationId, String title) {
    ObjectNode body = Json.object();
    body.put("title", Objects.requireNonNull(title, "title"));
    return call("PUT", conversationPath(conversationId), body, true, ChatApi::conversation);
  }

  /** Leaves a group (a direct conversation cannot be left). */
  public CompletionStage<Void> leave(String conversationId) {
    return call("POST", conversationPath(conversationId) + "/leave", null, true, answer -> null);
  }

  private static String conversationPath(String conversationId) {
    return "/api/conversations/"
        + URLEncoder.encode(
            Objects.requireNonNull(conversationId, "conversationId"), StandardCharsets.UTF_8);
  }

  private static String memberPath(String conversationId, String userId) {
    return conversationPath(conversationId)
        + "/members/"
        + URLEncoder.encode(Objects.requireNonNull(userId, "userId"), StandardCharsets.UTF_8);
  }

  private static Conversation conversation(JsonNode answer) {
    return Json.conversation(Json.objectOf(answer, "conversation"));
  }

  /**
   * A page of a conversation's history ({@code GET /api/conversations/{id}/messages}), ascending by
   * seq; see {@link HistoryQuery} for the bounds.
   */
  public CompletionStage<List<Message>> history(String conversationId, HistoryQuery query) {
    Objects.requireNonNull(query, "query");
    StringBuilder path =
        new StringBuilder(conversationPath(conversationId))
            .append("/messages?limit=")
            .append(query.limit());
    query.afterSeq().ifPresent(after -> path.append("&after=").append(after));
    query.beforeSeq().ifPresent(before -> path.append("&before=").append(before));
    return call(
        "GET",
        path.toString(),
        null,
        true,
        answer -> {
          List<Message> out = new ArrayList<>();
          for (JsonNode n : Json.listOf(answer, "messages")) {
            out.add(Json.message(n));
          }
          return out;
        });
  }

  /** Moves the user's read marker in a conversation up to {@code seq}. */
  public CompletionStage<Void> markRead(String conversationId, long seq) {
    ObjectNode body = Json.object();
    body.put("seq", seq);
    return call("POST", conversationPath(conversationId) + "/read", body, true, answer -> null);
  }

  /**
   * Releases the HTTP client and its threads. Calls in flight fail with {@link
   * ErrorCode#UNAVAILABLE}. Idempotent.
   */
  @Override
  public void close() {
    HttpClient client = http;
    http = null;
    executor.shutdownNow();
    if (client instanceof AutoCloseable closeable) {
      // HttpClient is AutoCloseable from Java 21 on; on 17 its selector thread ends once
      // unreachable
      try {
        closeable.close();
      } catch (Exception e) {
        // closing is best effort
      }
    }
  }

  private static AuthSession authSession(JsonNode answer) {
    return new AuthSession(Json.user(answer.path("user")), answer.path("token").asText(""));
  }

  private <T> CompletionStage<T> call(
      String method,
      String pathAndQuery,
      @Nullable JsonNode body,
      boolean authenticated,
      Function<JsonNode, T> decode) {
    if (!authenticated) {
      return send(method, pathAndQuery, body, null, decode);
    }
    TokenProvider provider = tokens;
    if (provider == null) {
      return CompletableFuture.failedFuture(
          new ChatException(
              ErrorCode.UNAUTHENTICATED,
              pathAndQuery
                  + ": this ChatApi has no TokenProvider (expected: create(uri, tokens))"));
    }
    return provider
        .token(false)
        .thenCompose(token -> send(method, pathAndQuery, body, token, decode))
        .handle(
            (value, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(value);
              }
              Throwable cause = unwrap(error);
              if (cause instanceof ChatException ce
                  && (ce.code() == ErrorCode.UNAUTHENTICATED
                      || ce.code() == ErrorCode.TOKEN_EXPIRED)) {
                return provider
                    .token(true)
                    .thenCompose(token -> send(method, pathAndQuery, body, token, decode));
              }
              return CompletableFuture.<T>failedFuture(cause);
            })
        .thenCompose(Function.identity());
  }

  private <T> CompletionStage<T> send(
      String method,
      String pathAndQuery,
      @Nullable JsonNode body,
      @Nullable String token,
      Function<JsonNode, T> decode) {
    HttpClient client = http;
    if (client == null) {
      return CompletableFuture.failedFuture(
          new ChatException(ErrorCode.UNAVAILABLE, "ChatApi is closed"));
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUri + pathAndQuery))
            .timeout(requestTimeout)
            .header("Accept", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    String what = method + " " + pathAndQuery;
    try {
      return client
          .sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
          .handle(
              (response, error) -> {
                if (error != null) {
                  throw new CompletionException(transportError(what, unwrap(error)));
                }
                return decodeResponse(what, response, decode);
              });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(transportError(what, e));
    }
  }

  private static <T> T decodeResponse(
      String what, HttpResponse<String> response, Function<JsonNode, T> decode) {
    int status = response.statusCode();
    String text = response.body() == null ? "" : response.body();
    if (status >= 200 && status < 300) {
      try {
        return decode.apply(text.isBlank() ? Json.object() : Json.parse(text));
      } catch (ChatException e) {
        throw new CompletionException(
            new ChatException(e.code(), what + ": unexpected answer: " + e.getMessage(), e));
      }
    }
    ChatException error =
        Json.error(text, status)
            .orElseGet(
                () ->
                    new ChatException(
                        Json.errorCode("", status), what + ": HTTP " + status + " without error"));
    throw new CompletionException(error);
  }

  private static ChatException transportError(String what, Throwable error) {
    if (error instanceof ChatException ce) {
      return ce;
    }
    String kind = error instanceof HttpTimeoutException ? "timed out" : "failed";
    String detail =
        error instanceof IOException || error.getMessage() == null
            ? error.getClass().getSimpleName()
                + (error.getMessage() == null ? "" : ": " + error.getMessage())
            : error.getMessage();
    return new ChatException(ErrorCode.UNAVAILABLE, what + " " + kind + ": " + detail, error);
  }

  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static URI normalise(URI uri) {
    String s = uri.toString();
    return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
  }
}
