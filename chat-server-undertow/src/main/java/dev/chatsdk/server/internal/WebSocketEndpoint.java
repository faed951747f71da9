package dev.chatsdk.server.internal;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Principal;
import dev.chatsdk.api.port.Authenticator;
import dev.chatsdk.api.port.ClientConnection.CloseCodes;
import dev.chatsdk.core.ChatEngine;
import dev.chatsdk.core.ChatSession;
import io.undertow.server.Connectors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.protocol.Handshake;
import io.undertow.websockets.core.protocol.version13.Hybi13Handshake;
import io.undertow.websockets.spi.WebSocketHttpExchange;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.XnioExecutor;

/**
 * The WebSocket at {@code /ws}. Before the upgrade it checks the {@code Origin} against the
 * allow-list (403), the subprotocol ({@value #SUBPROTOCOL}, 400 if the client offers only others)
 * and the token (401); only then does Undertow's handshake run. Each socket becomes an {@link
 * UndertowConnection} with a {@link ChatSession}; text messages are capped at {@value
 * #MAX_MESSAGE_BYTES} bytes (close 1009), binary messages are refused (close 1003), and a ping
 * every heartbeat interval detects dead peers (dropped after 2.5 intervals of silence).
 *
 * <p>Thread-safe. Handlers run on Undertow IO threads and never block.
 */
public final class WebSocketEndpoint implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(WebSocketEndpoint.class);

  /** The only subprotocol spoken. */
  public static final String SUBPROTOCOL = "chat.v1";

  /** The largest text message accepted, in bytes. */
  public static final int MAX_MESSAGE_BYTES = 64 * 1024;

  private static final int UNSUPPORTED_DATA = 1003;

  private static final AttachmentKey<Principal> PRINCIPAL = AttachmentKey.create(Principal.class);
  private static final AttachmentKey<String> CLIENT_ADDRESS = AttachmentKey.create(String.class);

  private final ChatEngine engine;
  private final Authenticator authenticator;
  private final AuthTokens tokens;
  private final Origins origins;
  private final ClientAddresses addresses;
  private final Duration heartbeat;
  private final WebSocketProtocolHandshakeHandler handshake;
  private final Set<UndertowConnection> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger openGauge = new AtomicInteger();
  private volatile boolean accepting = true;

  /** Creates the endpoint. */
  public WebSocketEndpoint(
      ChatEngine engine,
      Authenticator authenticator,
      AuthTokens tokens,
      Origins origins,
      ClientAddresses addresses,
      Duration heartbeat) {
    this.engine = engine;
    this.authenticator = authenticator;
    this.tokens = tokens;
    this.origins = origins;
    this.addresses = addresses;
    this.heartbeat = heartbeat;
    List<Handshake> handshakes = List.of(new Hybi13Handshake(Set.of(SUBPROTOCOL), false));
    this.handshake = new WebSocketProtocolHandshakeHandler(handshakes, new Callback());
  }

  @Override
  public void handleRequest(HttpServerExchange ex) {
    if (!accepting) {
      Http.error(ex, new ChatException(ErrorCode.UNAVAILABLE, "server: shutting down"));
      return;
    }
    if (!ex.getRequestMethod().equals(Methods.GET)
        || !"websocket".equalsIgnoreCase(ex.getRequestHeaders().getFirst(Headers.UPGRADE))) {
      ex.getResponseHeaders().put(Headers.UPGRADE, "websocket");
      Http.json(
          ex,
          426,
          Http.errorBody(
              new ChatException(
                  ErrorCode.MALFORMED,
                  "/ws: expected a WebSocket upgrade (GET, Upgrade: websocket)")));
      return;
    }
    String origin = ex.getRequestHeaders().getFirst(Headers.ORIGIN);
    if (!origins.allows(origin, ex.getRequestHeaders().getFirst(Headers.HOST))) {
      log.info("refused WebSocket from origin {} ({})", origin, ex.getSourceAddress());
      Http.error(ex, ChatException.forbidden("origin '" + origin + "': not allowed"));
      return;
    }
    String offered = ex.getRequestHeaders().getFirst(Headers.SEC_WEB_SOCKET_PROTOCOL);
    if (offered != null && !offersChatV1(offered)) {
      Http.error(
          ex,
          ChatException.invalid(
              "Sec-WebSocket-Protocol: '" + offered + "' (expected: " + SUBPROTOCOL + ")"));
      return;
    }
    AuthTokens.Presented presented = tokens.find(ex, true);
    if (presented == null) {
      Http.error(
          ex,
          new ChatException(
              ErrorCode.UNAUTHENTICATED,
              "no token (expected: Authorization: Bearer, the chat_token cookie or access_token)"));
      return;
    }
    ex.dispatch(
        SameThreadExecutor.INSTANCE,
        () ->
            authenticator
                .authenticate(presented.token())
                .whenComplete(
                    (principal, failure) ->
                        ex.getIoThread()
                            .execute(
                                () ->
                                    Connectors.executeRootHandler(
                                        e -> {
                                          if (failure != null) {
                                            Http.error(e, failure);
                                          } else {
                                            e.putAttachment(PRINCIPAL, principal);
                                            e.putAttachment(CLIENT_ADDRESS, addresses.of(e));
                                            handshake.handleRequest(e);
                                          }
                                        },
                                        ex))));
  }

  private static boolean offersChatV1(String header) {
    for (String p : header.split(",")) {
      if (p.trim().equals(SUBPROTOCOL)) {
        return true;
      }
    }
    return false;
  }

  /** The number of open sockets. */
  public int openCount() {
    return open.size();
  }

  /**
   * Stops accepting upgrades and closes every socket still open with 1001 (the engine normally
   * closed its sessions already).
   */
  public void shutdown() {
    accepting = false;
    for (UndertowConnection c : open) {
      c.close(CloseCodes.GOING_AWAY, "server shutting down");
    }
  }

  /** Waits up to {@code timeout} for every socket to close. */
  public boolean awaitClosed(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!open.isEmpty()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  private final class Callback implements WebSocketConnectionCallback {
    @Override
    public void onConnect(WebSocketHttpExchange exchange, WebSocketChannel channel) {
      Principal principal = exchange.getAttachment(PRINCIPAL);
      String address = exchange.getAttachment(CLIENT_ADDRESS);
      UndertowConnection connection = new UndertowConnection(channel, address);
      if (principal == null || !accepting) {
        connection.close(CloseCodes.GOING_AWAY, "not accepting");
        return;
      }
      open.add(connection);
      ChatSession session;
      try {
        session = engine.openSession(principal, connection);
      } catch (RuntimeException e) {
        log.warn("could not open a session for {}", principal.userId(), e);
        open.remove(connection);
        connection.close(CloseCodes.INTERNAL_ERROR, "could not open session");
        return;
      }
      long intervalMs = heartbeat.toMillis();
      XnioExecutor.Key heartbeatKey =
          channel
              .getIoThread()
              .executeAtInterval(
                  () -> {
                    if (connection.silentNanos()
                        > TimeUnit.MILLISECONDS.toNanos(intervalMs * 5 / 2)) {
                      log.debug("{}: no answer to heartbeats, dropping", connection);
                      connection.abort();
                    } else {
                      connection.ping();
                    }
                  },
                  intervalMs,
                  TimeUnit.MILLISECONDS);
      channel.addCloseTask(
          ch -> {
            heartbeatKey.remove();
            open.remove(connection);
            session.onClosed();
          });
      channel.getReceiveSetter().set(new Receiver(connection, session));
      channel.resumeReceives();
    }
  }

  private static final class Receiver extends AbstractReceiveListener {
    private final UndertowConnection connection;
    private final ChatSession session;

    Receiver(UndertowConnection connection, ChatSession session) {
      this.connection = connection;
      this.session = session;
    }

    @Override
    protected long getMaxTextBufferSize() {
      return MAX_MESSAGE_BYTES;
    }

    @Override
    protected long getMaxBinaryBufferSize() {
      return MAX_MESSAGE_BYTES;
    }

    @Override
    protected void onFullTextMessage(WebSocketChannel channel, BufferedTextMessage message) {
      connection.touch();
      session.onText(message.getData());
    }

    @Override
    protected void onFullBinaryMessage(WebSocketChannel channel, BufferedBinaryMessage message) {
      message.getData().free();
      connection.close(UNSUPPORTED_DATA, "text frames only");
    }

    @Override
    protected void onFullPongMessage(WebSocketChannel channel, BufferedBinaryMessage message) {
      message.getData().free();
      connection.touch();
    }

    @Override
    protected void onFullPingMessage(WebSocketChannel channel, BufferedBinaryMessage message)
        throws IOException {
      connection.touch();
      super.onFullPingMessage(channel, message);
    }

    @Override
    protected void onError(WebSocketChannel channel, Throwable error) {
      log.debug("{}: {}", connection, error.toString());
      super.onError(channel, error);
    }
  }
}
