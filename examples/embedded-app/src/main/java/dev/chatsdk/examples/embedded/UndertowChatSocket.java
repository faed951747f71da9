package dev.chatsdk.examples.embedded;

import dev.chatsdk.api.Principal;
import dev.chatsdk.api.port.Authenticator;
import dev.chatsdk.api.port.ClientConnection;
import dev.chatsdk.api.port.Frame;
import dev.chatsdk.core.ChatEngine;
import dev.chatsdk.core.ChatSession;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.core.protocol.Handshake;
import io.undertow.websockets.core.protocol.version13.Hybi13Handshake;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The host's WebSocket endpoint for the engine: checks the bearer token before the upgrade, then
 * hands each connection to {@link ChatEngine#openSession} and feeds it the client's text frames.
 */
final class UndertowChatSocket {
  private static final AttachmentKey<Principal> PRINCIPAL = AttachmentKey.create(Principal.class);
  private static final int MAX_FRAME = 64 * 1024;

  private UndertowChatSocket() {}

  /** An Undertow handler for {@code /ws}, subprotocol {@code chat.v1}. */
  static HttpHandler handler(ChatEngine engine, Authenticator authenticator) {
    HttpHandler upgrade =
        new WebSocketProtocolHandshakeHandler(
            List.<Handshake>of(new Hybi13Handshake(Set.of("chat.v1"), false)),
            (WebSocketConnectionCallback)
                (WebSocketConnectionCallback)
                    (exchange, channel) -> {
                      ChatSession session =
                          engine.openSession(
                              exchange.getAttachment(PRINCIPAL), new Connection(channel));
                      channel.getReceiveSetter().set(new Receiver(session));
                      channel.addCloseTask(ch -> session.onClosed());
                      channel.resumeReceives();
                    });
    return new HttpHandler() {
      @Override
      public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
          exchange.dispatch(this); // token checks run on a worker thread, never the IO thread
          return;
        }
        authenticateThenUpgrade(exchange, authenticator, upgrade);
      }
    };
  }

  private static void authenticateThenUpgrade(
      HttpServerExchange exchange, Authenticator authenticator, HttpHandler upgrade)
      throws Exception {
    String header = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    String token = header != null && header.startsWith("Bearer ") ? header.substring(7) : null;
    Principal principal = null;
    if (token != null) {
      try {
        principal =
            authenticator.authenticate(token).toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        principal = null; // refused or unverifiable: 401 below
      }
    }
    if (principal == null) {
      exchange.setStatusCode(401);
      exchange.endExchange();
      return;
    }
    exchange.putAttachment(PRINCIPAL, principal);
    upgrade.handleRequest(exchange);
  }

  /** The engine's view of one Undertow WebSocket. */
  private static final class Connection implements ClientConnection {
    private final String id = UUID.randomUUID().toString();
    private final WebSocketChannel channel;

    Connection(WebSocketChannel channel) {
      this.channel = channel;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Executor ioExecutor() {
      return channel.getIoThread();
    }

    @Override
    public void send(Frame frame, SendCallback callback) {
      WebSockets.sendText(
          frame.buffer(),
          channel,
          new WebSocketCallback<Void>() {
            @Override
            public void complete(WebSocketChannel ch, @Nullable Void context) {
              callback.completed(null);
            }

            @Override
            public void onError(WebSocketChannel ch, @Nullable Void context, Throwable error) {
              callback.completed(error);
            }
          });
    }

    @Override
    public void close(int code, String reason) {
      WebSockets.sendClose(code, reason, channel, null);
    }
  }

  /** Passes whole text frames to the session. */
  private static final class Receiver extends AbstractReceiveListener {
    private final ChatSession session;

    Receiver(ChatSession session) {
      this.session = session;
    }

    @Override
    protected long getMaxTextBufferSize() {
      return MAX_FRAME;
    }

    @Override
    protected void onFullTextMessage(WebSocketChannel channel, BufferedTextMessage message) {
      session.onText(message.getData());
    }
  }
}
