package dev.chatsdk.server.internal;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ConversationKind;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.HistoryQuery;
import dev.chatsdk.api.Principal;
import dev.chatsdk.api.User;
import dev.chatsdk.api.port.Authenticator;
import dev.chatsdk.api.port.BlobStore;
import dev.chatsdk.api.port.TokenIssuer;
import dev.chatsdk.api.port.UserStore;
import dev.chatsdk.core.ChatEngine;
import dev.chatsdk.core.auth.AccountService;
import dev.chatsdk.core.protocol.ProtocolCodec;
import dev.chatsdk.server.internal.ApiBodies.AddMemberRequest;
import dev.chatsdk.server.internal.ApiBodies.AuthResponse;
import dev.chatsdk.server.internal.ApiBodies.ConversationList;
import dev.chatsdk.server.internal.ApiBodies.CreateConversationRequest;
import dev.chatsdk.server.internal.ApiBodies.EditRequest;
import dev.chatsdk.server.internal.ApiBodies.LoginRequest;
import dev.chatsdk.server.internal.ApiBodies.MeResponse;
import dev.chatsdk.server.internal.ApiBodies.MessageList;
import dev.chatsdk.server.internal.ApiBodies.PasswordRequest;
import dev.chatsdk.server.internal.ApiBodies.ProfileRequest;
import dev.chatsdk.server.internal.ApiBodies.ReadMarkerList;
import dev.chatsdk.server.internal.ApiBodies.ReadRequest;
import dev.chatsdk.server.internal.ApiBodies.RenameRequest;
import dev.chatsdk.server.internal.ApiBodies.RoleRequest;
import dev.chatsdk.server.internal.ApiBodies.SendRequest;
import dev.chatsdk.server.internal.ApiBodies.SignupRequest;
import dev.chatsdk.server.internal.ApiBodies.UserList;
import dev.chatsdk.server.internal.ApiBodies.UserView;
import io.undertow.server.Connectors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The REST API under {@code /api}: routing, authentication (Bearer or cookie), the Origin check on
 * cookie-authenticated writes, capped JSON bodies decoded with the {@link ProtocolCodec} (so REST
 * and WebSocket shapes agree), and the mapping of every failure to {@code
 * {"error":{"code","message"}}}. Handlers never block an IO thread: store calls are asynchronous,
 * bodies are read and images processed on bounded executors. Thread-safe.
 */
public final class RestApi {
  /** The largest JSON request body: 64 KiB. */
  public static final int MAX_JSON_BODY = 64 * 1024;

  /** The largest avatar request body (multipart overhead included). */
  static final int MAX_AVATAR_BODY = AvatarImages.MAX_UPLOAD_BYTES + 64 * 1024;

  private static final byte[] NO_BODY = new byte[0];

  private final ProtocolCodec codec;
  private final ChatEngine engine;
  private final AccountService accounts;
  private final Authenticator authenticator;
  private final TokenIssuer issuer;
  private final UserStore users;
  private final BlobStore blobs;
  private final AuthTokens tokens;
  private final Origins origins;
  private final ClientAddresses addresses;
  private final Executor blocking;

  /** Creates the API over the engine, the account service and the stores. */
  public RestApi(
      ProtocolCodec codec,
      ChatEngine engine,
      AccountService accounts,
      Authenticator authenticator,
      TokenIssuer issuer,
      UserStore users,
      BlobStore blobs,
      AuthTokens tokens,
      Origins origins,
      ClientAddresses addresses,
      Executor blocking) {
    this.codec = codec;
    this.engine = engine;
    this.accounts = accounts;
    this.authenticator = authenticator;
    this.issuer = issuer;
    this.users = users;
    this.blobs = blobs;
    this.tokens = tokens;
    this.origins = origins;
    this.addresses = addresses;
    this.blocking = blocking;
  }

  /** What a call needs: authentication, and the request body cap (0: no body). */
  private enum Auth {
    NONE,
    OPTIONAL,
    REQUIRED
  }

  /** One request as an endpoint sees it. */
  private record Call(
      HttpServerExchange exchange,
      @Nullable Principal principal,
      byte[] body,
      ClientAddresses addresses) {
    Principal me() {
      if (principal == null) {
        throw new ChatException(ErrorCode.UNAUTHENTICATED, "not signed in");
      }
      return principal;
    }

    String path(String name) {
      return Http.pathParam(exchange, name);
    }

    @Nullable String query(String name) {
      return Http.query(exchange, name);
    }

    String remoteAddress() {
      return addresses.of(exchange);
    }
  }

  @FunctionalInterface
  private interface Endpoint {
    CompletionStage<Reply> handle(Call call) throws Exception;
  }

  /** Where {@link #routes()} is mounted. */
  public static final String MOUNT = "/api";

  /**
   * The router to mount at {@link #MOUNT} (with a prefix path handler); unknown paths are 404,
   * wrong methods 405, both as JSON.
   */
  public HttpHandler routes() {
    RoutingHandler r = new RoutingHandler(false);
    add(r, Methods.POST, "/api/auth/signup", Auth.NONE, MAX_JSON_BODY, this::signup);
    add(r, Methods.POST, "/api/auth/login", Auth.NONE, MAX_JSON_BODY, this::login);
    add(r, Methods.POST, "/api/auth/logout", Auth.OPTIONAL, 0, this::logout);
    add(r, Methods.GET, "/api/auth/me", Auth.REQUIRED, 0, this::me);
    add(r, Methods.GET, "/api/users", Auth.REQUIRED, 0, this::searchUsers);
    add(r, Methods.GET, "/api/users/{id}", Auth.REQUIRED, 0, this::getUser);
    add(r, Methods.GET, "/api/users/{id}/avatar", Auth.REQUIRED, 0, this::getAvatar);
    add(r, Methods.PUT, "/api/me/profile", Auth.REQUIRED, MAX_JSON_BODY, this::updateProfile);
    add(r, Methods.PUT, "/api/me/password", Auth.REQUIRED, MAX_JSON_BODY, this::changePassword);
    add(r, Methods.PUT, "/api/me/avatar", Auth.REQUIRED, MAX_AVATAR_BODY, this::putAvatar);
    add(r, Methods.DELETE, "/api/me/avatar", Auth.REQUIRED, 0, this::deleteAvatar);
    add(r, Methods.GET, "/api/conversations", Auth.REQUIRED, 0, this::listConversations);
    add(
        r,
        Methods.POST,
        "/api/conversations",
        Auth.REQUIRED,
        MAX_JSON_BODY,
        this::createConversation);
    add(r, Methods.GET, "/api/conversations/{id}", Auth.REQUIRED, 0, this::getConversation);
    add(r, Methods.PUT, "/api/conversations/{id}", Auth.REQUIRED, MAX_JSON_BODY, this::rename);
    add(
        r,
        Methods.POST,
        "/api/conversations/{id}/members",
        Auth.REQUIRED,
        MAX_JSON_BODY,
        this::addMember);
    add(
        r,
        Methods.DELETE,
        "/api/conversations/{id}/members/{userId}",
        Auth.REQUIRED,
        0,
        this::removeMember);
    add(
        r,
        Methods.PUT,
        "/api/conversations/{id}/members/{userId}",
        Auth.REQUIRED,
        MAX_JSON_BODY,
        this::setMemberRole);
    add(r, Methods.POST, "/api/conversations/{id}/leave", Auth.REQUIRED, 0, this::leave);
    add(r, Methods.GET, "/api/conversations/{id}/messages", Auth.REQUIRED, 0, this::history);
    add(
        r,
        Methods.POST,
        "/api/conversations/{id}/messages",
        Auth.REQUIRED,
        MAX_JSON_BODY,
        this::send);
    add(
        r,
        Methods.PUT,
        "/api/conversations/{id}/messages/{messageId}",
        Auth.REQUIRED,
        MAX_JSON_BODY,
        this::edit);
    add(
        r,
        Methods.DELETE,
        "/api/conversations/{id}/messages/{messageId}",
        Auth.REQUIRED,
        0,
        this::delete);
    add(
        r,
        Methods.POST,
        "/api/conversations/{id}/read",
        Auth.REQUIRED,
        MAX_JSON_BODY,
        this::markRead);
    add(r, Methods.GET, "/api/conversations/{id}/read", Auth.REQUIRED, 0, this::readMarkers);
    r.setFallbackHandler(
        ex ->
            Http.error(
                ex, ChatException.notFound("path " + ex.getRequestPath() + ": no such endpoint")));
    r.setInvalidMethodHandler(
        ex -> {
          ex.setStatusCode(405);
          Http.json(
              ex,
              405,
              Http.errorBody(
                  new ChatException(
                      ErrorCode.MALFORMED,
                      "method "
                          + ex.getRequestMethod()
                          + ": not allowed on "
                          + ex.getRequestPath())));
        });
    return r;
  }

  private void add(
      RoutingHandler r,
      HttpString method,
      String template,
      Auth auth,
      int bodyCap,
      Endpoint endpoint) {
    // mounted under the /api prefix, which the path handler strips
    r.add(method, template.substring(MOUNT.length()), handler(auth, bodyCap, endpoint));
  }

  private HttpHandler handler(Auth auth, int bodyCap, Endpoint endpoint) {
    return ex -> {
      AuthTokens.Presented presented = auth == Auth.NONE ? null : tokens.find(ex, false);
      if (auth == Auth.REQUIRED && presented == null) {
        Http.error(
            ex,
            new ChatException(
                ErrorCode.UNAUTHENTICATED,
                "no token (expected: Authorization: Bearer <token> or the chat_token cookie)"));
        return;
      }
      if (isWrite(ex) && (presented == null || presented.fromCookie())) {
        // browsers: a cross-site page must not act with the user's cookie
        String origin = ex.getRequestHeaders().getFirst(Headers.ORIGIN);
        if (!origins.allows(origin, ex.getRequestHeaders().getFirst(Headers.HOST))) {
          Http.error(ex, ChatException.forbidden("origin '" + origin + "': not allowed"));
          return;
        }
      }
      if (bodyCap > 0 && bodyCap <= MAX_JSON_BODY) {
        String type = ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
          Http.error(
              ex,
              new ChatException(
                  ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                  "Content-Type: '" + type + "' (expected: application/json)"));
          return;
        }
      }
      long declared = ex.getRequestContentLength();
      if (bodyCap > 0 && declared > bodyCap) {
        Http.error(
            ex,
            new ChatException(
                ErrorCode.TOO_LARGE,
                "body: " + declared + " bytes (expected: at most " + bodyCap + ")"));
        return;
      }
      ex.dispatch(
          SameThreadExecutor.INSTANCE,
          () -> {
            CompletionStage<@Nullable Principal> who;
            if (presented == null) {
              who = CompletableFuture.completedFuture(null);
            } else if (auth == Auth.OPTIONAL) {
              who =
                  authenticator
                      .authenticate(presented.token())
                      .handle((p, failure) -> failure == null ? p : null);
            } else {
              who = authenticator.authenticate(presented.token()).thenApply(p -> p);
            }
            who.thenCompose(
                    p ->
                        bodyCap > 0
                            ? readBody(ex, bodyCap).thenApply(b -> new Call(ex, p, b, addresses))
                            : CompletableFuture.completedFuture(
                                new Call(ex, p, NO_BODY, addresses)))
                .thenCompose(
                    call -> {
                      try {
                        return endpoint.handle(call);
                      } catch (Exception e) {
                        return CompletableFuture.failedFuture(e);
                      }
                    })
                .whenComplete((reply, failure) -> respond(ex, reply, failure));
          });
    };
  }

  private static boolean isWrite(HttpServerExchange ex) {
    HttpString m = ex.getRequestMethod();
    return !m.equals(Methods.GET) && !m.equals(Methods.HEAD) && !m.equals(Methods.OPTIONS);
  }

  private static void respond(
      HttpServerExchange ex, @Nullable Reply reply, @Nullable Throwable failure) {
    ex.getIoThread()
        .execute(
            () ->
                Connectors.executeRootHandler(
                    e -> {
                      if (failure != null || reply == null) {
                        Http.error(
                            e,
                            failure != null
                                ? failure
                                : new ChatException(ErrorCode.INTERNAL, "no reply"));
                        return;
                      }
                      if (reply.decorate() != null) {
                        reply.decorate().accept(e);
                      }
                      if (reply.body() == null) {
                        Http.empty(e, reply.status());
                        return;
                      }
                      e.setStatusCode(reply.status());
                      e.getResponseHeaders().put(Headers.CONTENT_TYPE, reply.contentType());
                      if (!e.getResponseHeaders().contains(Headers.CACHE_CONTROL)) {
                        e.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
                      }
                      e.getResponseSender().send(ByteBuffer.wrap(reply.body()));
                    },
                    ex));
  }

  /** Reads the request body on the blocking executor, failing with TOO_LARGE past the cap. */
  private CompletionStage<byte[]> readBody(HttpServerExchange ex, int cap) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    try {
      blocking.execute(
          () -> {
            try {
              if (!ex.isBlocking()) {
                ex.startBlocking();
              }
              result.complete(readCapped(ex.getInputStream(), cap));
            } catch (Throwable t) {
              result.completeExceptionally(t);
            }
          });
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  /**
   * Reads a body of at most {@code cap} bytes. A longer one is read to its end and dropped before
   * it fails with TOO_LARGE (Undertow's entity limit, twice the largest cap, bounds that):
   * answering while the client still sends leaves unread bytes on the connection, and the client's
   * next request on it could meet a reset instead of a response.
   */
  static byte[] readCapped(InputStream in, int cap) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(cap, 8192));
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > cap) {
        try {
          while (in.read(buf) > 0) {
            // dropped
          }
        } catch (IOException e) {
          // past Undertow's entity limit: the connection is closed, the answer is the same
        }
        throw new ChatException(
            ErrorCode.TOO_LARGE,
            "body: more than " + cap + " bytes (expected: at most " + cap + ")");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private Reply json(int status, Object value) {
    return Reply.json(status, codec.toJson(value));
  }

  private static char[] chars(String s) {
    CharBuffer cb = CharBuffer.wrap(s);
    char[] out = new char[cb.remaining()];
    cb.get(out);
    return out;
  }

  // ---- auth ----

  private CompletionStage<Reply> signup(Call call) {
    SignupRequest req = codec.fromJson(call.body(), SignupRequest.class);
    String displayName = req.displayName() == null ? req.username() : req.displayName();
    char[] password = chars(req.password());
    return accounts
        .signup(req.username(), password, displayName, call.remoteAddress())
        .thenApply(
            r ->
                json(201, new AuthResponse(r.user(), r.token().token(), r.token().expiresAt()))
                    .with(ex -> tokens.setCookie(ex, r.token().token(), r.token().expiresAt())));
  }

  private CompletionStage<Reply> login(Call call) {
    LoginRequest req = codec.fromJson(call.body(), LoginRequest.class);
    char[] password = chars(req.password());
    return accounts
        .login(req.username(), password, call.remoteAddress())
        .thenApply(
            r ->
                json(200, new AuthResponse(r.user(), r.token().token(), r.token().expiresAt()))
                    .with(ex -> tokens.setCookie(ex, r.token().token(), r.token().expiresAt())));
  }

  private CompletionStage<Reply> logout(Call call) {
    Reply cleared = Reply.empty(204).with(tokens::clearCookie);
    Principal p = call.principal();
    if (p == null) {
      return CompletableFuture.completedFuture(cleared);
    }
    return accounts
        .logout(p.userId())
        .thenApply(
            v -> {
              engine.closeSessionsOf(p.userId(), "logged out");
              return cleared;
            });
  }

  private CompletionStage<Reply> me(Call call) {
    Principal p = call.me();
    return currentUser(p).thenApply(u -> json(200, new MeResponse(u, p.expiresAt())));
  }

  private CompletionStage<User> currentUser(Principal p) {
    return users
        .findById(p.userId())
        .thenApply(
            u ->
                u.orElseThrow(
                    () -> new ChatException(ErrorCode.UNAUTHENTICATED, "user: no longer exists")));
  }

  private CompletionStage<Reply> changePassword(Call call) {
    Principal p = call.me();
    PasswordRequest req = codec.fromJson(call.body(), PasswordRequest.class);
    // the account service takes ownership of both arrays and zeroes them
    return accounts
        .changePassword(p.userId(), chars(req.currentPassword()), chars(req.newPassword()))
        .thenCompose(
            v -> {
              engine.closeSessionsOf(p.userId(), "password changed");
              return issuer.issue(p.userId());
            })
        .thenCompose(
            token ->
                currentUser(p)
                    .thenApply(
                        u ->
                            json(200, new AuthResponse(u, token.token(), token.expiresAt()))
                                .with(
                                    ex -> tokens.setCookie(ex, token.token(), token.expiresAt()))));
  }

  // ---- users ----

  private CompletionStage<Reply> searchUsers(Call call) {
    call.me();
    String q = call.query("q");
    int limit = intParam(call, "limit", 20, 1, 100);
    String query = q == null ? "" : q.trim();
    if (query.length() > 64) {
      throw ChatException.invalid("q: length " + query.length() + " (expected: at most 64)");
    }
    return users
        .search(query, limit)
        .thenCompose(
            list ->
                engine
                    .presence(list.stream().map(User::id).toList())
                    .thenApply(
                        presence -> {
                          List<UserView> views = new ArrayList<>(list.size());
                          for (User u : list) {
                            views.add(UserView.of(u, presence.get(u.id())));
                          }
                          return json(200, new UserList(views));
                        }));
  }

  private CompletionStage<Reply> getUser(Call call) {
    call.me();
    String id = call.path("id");
    return users
        .findById(id)
        .thenCompose(
            found -> {
              User u =
                  found.orElseThrow(() -> ChatException.notFound("user " + id + ": not found"));
              return engine
                  .presence(List.of(id))
                  .thenApply(presence -> json(200, UserView.of(u, presence.get(id))));
            });
  }

  private CompletionStage<Reply> updateProfile(Call call) {
    Principal p = call.me();
    ProfileRequest req = codec.fromJson(call.body(), ProfileRequest.class);
    String displayName = req.displayName().strip();
    return currentUser(p)
        .thenCompose(u -> users.updateProfile(u.withDisplayName(displayName)))
        .thenApply(
            u -> {
              engine.userUpdated(u);
              return json(200, u);
            });
  }

  private CompletionStage<Reply> putAvatar(Call call) {
    Principal p = call.me();
    byte[] body = call.body();
    String type = call.exchange().getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
    byte[] image =
        type == null
            ? body
            : Multipart.boundary(type).map(b -> Multipart.filePart(body, b)).orElse(body);
    if (image.length == 0) {
      throw ChatException.invalid("avatar: empty body (expected: image bytes or multipart)");
    }
    if (image.length > AvatarImages.MAX_UPLOAD_BYTES) {
      throw new ChatException(
          ErrorCode.TOO_LARGE,
          "avatar: "
              + image.length
              + " bytes (expected: at most "
              + AvatarImages.MAX_UPLOAD_BYTES
              + ")");
    }
    return CompletableFuture.supplyAsync(() -> AvatarImages.process(image), blocking)
        .thenCompose(
            avatar ->
                CompletableFuture.supplyAsync(
                        () ->
                            blobs.put(
                                avatar.contentType(),
                                new ByteArrayInputStream(avatar.bytes()),
                                AvatarImages.MAX_UPLOAD_BYTES),
                        blocking)
                    .thenCompose(stage -> stage))
        .thenCompose(
            info ->
                currentUser(p)
                    .thenCompose(
                        u ->
                            users
                                .updateProfile(u.withAvatarId(info.id()))
                                .thenApply(
                                    updated -> {
                                      String old = u.avatarId();
                                      if (old != null && !old.equals(info.id())) {
                                        blobs.delete(old);
                                      }
                                      engine.userUpdated(updated);
                                      return json(200, updated);
                                    })));
  }

  private CompletionStage<Reply> deleteAvatar(Call call) {
    Principal p = call.me();
    return currentUser(p)
        .thenCompose(
            u -> {
              if (u.avatarId() == null) {
                return CompletableFuture.completedFuture(json(200, u));
              }
              String old = u.avatarId();
              return users
                  .updateProfile(u.withAvatarId(null))
                  .thenApply(
                      updated -> {
                        blobs.delete(old);
                        engine.userUpdated(updated);
                        return json(200, updated);
                      });
            });
  }

  private CompletionStage<Reply> getAvatar(Call call) {
    call.me();
    String id = call.path("id");
    String ifNoneMatch = call.exchange().getRequestHeaders().getFirst(Headers.IF_NONE_MATCH);
    return users
        .findById(id)
        .thenCompose(
            found -> {
              User u =
                  found.orElseThrow(() -> ChatException.notFound("user " + id + ": not found"));
              String blobId = u.avatarId();
              if (blobId == null) {
                throw ChatException.notFound("user " + id + ": has no avatar");
              }
              return blobs.get(blobId);
            })
        .thenApply(
            blob -> {
              BlobStore.Blob b =
                  blob.orElseThrow(() -> ChatException.notFound("user " + id + ": has no avatar"));
              String etag = "\"" + b.info().sha256() + "\"";
              java.util.function.Consumer<HttpServerExchange> headers =
                  ex -> {
                    ex.getResponseHeaders().put(Headers.ETAG, etag);
                    ex.getResponseHeaders()
                        .put(Headers.CACHE_CONTROL, "private, max-age=0, must-revalidate");
                    ex.getResponseHeaders()
                        .put(Http.CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox");
                    ex.getResponseHeaders()
                        .put(Headers.CONTENT_DISPOSITION, "inline; filename=\"avatar\"");
                  };
              if (ifNoneMatch != null && matches(ifNoneMatch, etag)) {
                return Reply.empty(304).with(headers);
              }
              return new Reply(200, b.info().contentType(), b.content(), headers);
            });
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals(etag) || c.equals("*")) {
        return true;
      }
    }
    return false;
  }

  // ---- conversations ----

  private CompletionStage<Reply> listConversations(Call call) {
    return engine.conversations(call.me()).thenApply(list -> json(200, new ConversationList(list)));
  }

  private CompletionStage<Reply> getConversation(Call call) {
    return engine.conversation(call.me(), call.path("id")).thenApply(s -> json(200, s));
  }

  private CompletionStage<Reply> createConversation(Call call) {
    Principal p = call.me();
    CreateConversationRequest req = codec.fromJson(call.body(), CreateConversationRequest.class);
    String kind = req.kind().toLowerCase(Locale.ROOT);
    Set<String> others = new LinkedHashSet<>(req.members());
    others.remove(p.userId());
    if (kind.equals(ConversationKind.DIRECT.name().toLowerCase(Locale.ROOT))) {
      if (req.title() != null) {
        throw ChatException.invalid("title: a direct conversation has no title");
      }
      if (others.size() != 1) {
        throw ChatException.invalid(
            "members: "
                + others.size()
                + " other users (expected: exactly 1 for a direct conversation)");
      }
      return engine.createDirect(p, others.iterator().next()).thenApply(c -> json(200, c));
    }
    if (kind.equals(ConversationKind.GROUP.name().toLowerCase(Locale.ROOT))) {
      if (req.title() == null) {
        throw ChatException.invalid("title: missing (expected: 1..100 characters for a group)");
      }
      return engine.createGroup(p, req.title(), others).thenApply(c -> json(201, c));
    }
    throw ChatException.invalid("kind: '" + req.kind() + "' (expected: direct or group)");
  }

  private CompletionStage<Reply> rename(Call call) {
    RenameRequest req = codec.fromJson(call.body(), RenameRequest.class);
    return engine.rename(call.me(), call.path("id"), req.title()).thenApply(c -> json(200, c));
  }

  private CompletionStage<Reply> addMember(Call call) {
    AddMemberRequest req = codec.fromJson(call.body(), AddMemberRequest.class);
    return engine.addMember(call.me(), call.path("id"), req.userId()).thenApply(c -> json(200, c));
  }

  private CompletionStage<Reply> removeMember(Call call) {
    return engine
        .removeMember(call.me(), call.path("id"), call.path("userId"))
        .thenApply(c -> json(200, c));
  }

  private CompletionStage<Reply> setMemberRole(Call call) {
    RoleRequest req = codec.fromJson(call.body(), RoleRequest.class);
    return engine
        .setMemberRole(call.me(), call.path("id"), call.path("userId"), req.memberRole())
        .thenApply(c -> json(200, c));
  }

  private CompletionStage<Reply> leave(Call call) {
    return engine.leave(call.me(), call.path("id")).thenApply(c -> Reply.empty(204));
  }

  // ---- messages ----

  private CompletionStage<Reply> history(Call call) {
    Principal p = call.me();
    long after = longParam(call, "after", -1);
    long before = longParam(call, "before", -1);
    int limit = intParam(call, "limit", HistoryQuery.DEFAULT_LIMIT, 1, HistoryQuery.MAX_LIMIT);
    HistoryQuery query = new HistoryQuery(after, before, limit);
    return engine
        .history(p, call.path("id"), query)
        .thenApply(list -> json(200, new MessageList(list)));
  }

  private CompletionStage<Reply> send(Call call) {
    SendRequest req = codec.fromJson(call.body(), SendRequest.class);
    return engine
        .send(call.me(), call.path("id"), req.clientMsgId(), req.body())
        .thenApply(r -> json(r.duplicate() ? 200 : 201, r.message()));
  }

  private CompletionStage<Reply> edit(Call call) {
    EditRequest req = codec.fromJson(call.body(), EditRequest.class);
    return engine
        .edit(call.me(), call.path("id"), call.path("messageId"), req.body())
        .thenApply(m -> json(200, m));
  }

  private CompletionStage<Reply> delete(Call call) {
    return engine
        .delete(call.me(), call.path("id"), call.path("messageId"))
        .thenApply(m -> json(200, m));
  }

  private CompletionStage<Reply> markRead(Call call) {
    ReadRequest req = codec.fromJson(call.body(), ReadRequest.class);
    if (req.seq() < 0) {
      throw ChatException.invalid("seq: " + req.seq() + " (expected: >= 0)");
    }
    return engine.markRead(call.me(), call.path("id"), req.seq()).thenApply(m -> json(200, m));
  }

  private CompletionStage<Reply> readMarkers(Call call) {
    return engine
        .readMarkers(call.me(), call.path("id"))
        .thenApply(list -> json(200, new ReadMarkerList(list)));
  }

  // ---- parameters ----

  private static long longParam(Call call, String name, long absent) {
    String v = call.query(name);
    if (v == null || v.isEmpty()) {
      return absent;
    }
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw ChatException.invalid(name + ": " + v + " (expected: an integer >= 0)");
      }
      return n;
    } catch (NumberFormatException e) {
      throw ChatException.invalid(name + ": '" + v + "' (expected: an integer >= 0)");
    }
  }

  private static int intParam(Call call, String name, int absent, int min, int max) {
    String v = call.query(name);
    if (v == null || v.isEmpty()) {
      return absent;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw ChatException.invalid(name + ": " + v + " (expected: " + min + ".." + max + ")");
      }
      return n;
    } catch (NumberFormatException e) {
      throw ChatException.invalid(name + ": '" + v + "' (expected: " + min + ".." + max + ")");
    }
  }
}
