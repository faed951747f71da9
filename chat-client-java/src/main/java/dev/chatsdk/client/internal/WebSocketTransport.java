package dev.chatsdk.client.internal;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.client.exception.DeploymentHandshakeException;
import org.jspecify.annotations.Nullable;

/**
 * Opens WebSocket connections to {@code /ws} with the Tyrus client: bearer token on the upgrade,
 * subprotocol {@code chat.v1}, no {@code Origin} header (a bot is not a web page), and no Tyrus
 * reconnect handler (the client runs its own reconnect loop; Tyrus' handler would also fire after a
 * normal close). Thread-safe; {@link #close()} releases Tyrus' threads.
 */
public final class WebSocketTransport implements AutoCloseable {

  /** The subprotocol of the v1 wire protocol. */
  public static final String SUBPROTOCOL = "chat.v1";

  /** Upper bound on one incoming text frame ({@code hello} lists every conversation). */
  static final int MAX_INCOMING_TEXT = 16 * 1024 * 1024;

  /** Receives one connection's events, on Tyrus' threads, in order. */
  public interface Handler {
    /** The connection is open; {@code socket} is the connection's handle. */
    void onOpen(Socket socket);

    /** A text frame arrived. */
    void onText(Socket socket, String text);

    /** The connection ended; called once. */
    void onClosed(Socket socket, int code, String reason);
  }

  /** One open connection. Thread-safe. */
  public static final class Socket {
    private volatile @Nullable Session session;

    /** Writes a text frame without waiting; a failed write closes the connection. */
    public void send(String text) {
      Session s = session;
      if (s == null || !s.isOpen()) {
        return;
      }
      s.getAsyncRemote()
          .sendText(
              text,
              result -> {
                if (!result.isOK()) {
                  close(CloseReason.CloseCodes.CLOSED_ABNORMALLY.getCode(), "write failed");
                }
              });
    }

    /** Closes the connection with a code and reason; never throws. Idempotent. */
    public void close(int code, String reason) {
      Session s = session;
      if (s == null) {
        return;
      }
      try {
        if (s.isOpen()) {
          s.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        }
      } catch (IOException | RuntimeException e) {
        // the connection is gone either way
      }
    }
  }

  private final ClientManager manager;

  /** A transport whose handshakes time out after {@code handshakeTimeout}. */
  public WebSocketTransport(Duration handshakeTimeout) {
    manager = ClientManager.createClient();
    manager.getProperties().put(ClientProperties.HANDSHAKE_TIMEOUT, handshakeTimeout.toMillis());
    manager.setDefaultMaxTextMessageBufferSize(MAX_INCOMING_TEXT);
  }

  /**
   * The WebSocket address for a server base URI: {@code http(s)://host/x} to {@code
   * ws(s)://host/x/ws}.
   */
  public static URI webSocketUri(URI baseUri) {
    String base = baseUri.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    if (base.startsWith("https://")) {
      base = "wss://" + base.substring("https://".length());
    } else if (base.startsWith("http://")) {
      base = "ws://" + base.substring("http://".length());
    }
    return URI.create(base + "/ws");
  }

  /**
   * Opens a connection; blocks up to the handshake timeout. {@link Handler#onOpen} runs before this
   * returns.
   *
   * @throws ChatException {@link ErrorCode#UNAUTHENTICATED} if the server refused the token, {@link
   *     ErrorCode#FORBIDDEN} on 403, {@link ErrorCode#NOT_FOUND} on 404, else {@link
   *     ErrorCode#UNAVAILABLE}
   */
  public Socket connect(URI uri, String token, Handler handler) {
    Socket socket = new Socket();
    ClientEndpointConfig config =
        ClientEndpointConfig.Builder.create()
            .preferredSubprotocols(List.of(SUBPROTOCOL))
            .configurator(
                new ClientEndpointConfig.Configurator() {
                  @Override
                  public void beforeRequest(Map<String, List<String>> headers) {
                    headers.put("Authorization", List.of("Bearer " + token));
                    headers.keySet().removeIf(name -> name.equalsIgnoreCase("Origin"));
                  }
                })
            .build();
    Endpoint endpoint =
        new Endpoint() {
          @Override
          public void onOpen(Session session, EndpointConfig endpointConfig) {
            session.setMaxTextMessageBufferSize(MAX_INCOMING_TEXT);
            session.setMaxIdleTimeout(0);
            socket.session = session;
            session.addMessageHandler(
                String.class, (MessageHandler.Whole<String>) text -> handler.onText(socket, text));
            handler.onOpen(socket);
          }

          @Override
          public void onClose(Session session, CloseReason closeReason) {
            handler.onClosed(
                socket,
                closeReason.getCloseCode().getCode(),
                closeReason.getReasonPhrase() == null ? "" : closeReason.getReasonPhrase());
          }

          @Override
          public void onError(Session session, Throwable error) {
            // Tyrus follows a fatal error with onClose; make sure the connection ends
            socket.close(CloseReason.CloseCodes.CLOSED_ABNORMALLY.getCode(), "error");
          }
        };
    try {
      manager.connectToServer(endpoint, config, uri);
      return socket;
    } catch (DeploymentException e) {
      throw handshakeError(uri, e);
    } catch (IOException | RuntimeException e) {
      throw new ChatException(
          ErrorCode.UNAVAILABLE, "connect to " + uri + " failed: " + describe(e), e);
    }
  }

  private static ChatException handshakeError(URI uri, DeploymentException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      int status = -1;
      if (t instanceof DeploymentHandshakeException h) {
        status = h.getHttpStatusCode();
      } else if (t instanceof org.glassfish.tyrus.core.HandshakeException h) {
        status = h.getHttpStatusCode();
      }
      if (status == 401) {
        return new ChatException(
            ErrorCode.UNAUTHENTICATED, "connect to " + uri + ": token refused (HTTP 401)", e);
      }
      if (status == 403) {
        return new ChatException(
            ErrorCode.FORBIDDEN, "connect to " + uri + ": upgrade refused (HTTP 403)", e);
      }
      if (status == 404) {
        return new ChatException(
            ErrorCode.NOT_FOUND, "connect to " + uri + ": no chat endpoint there (HTTP 404)", e);
      }
      if (status > 0) {
        return new ChatException(
            ErrorCode.UNAVAILABLE,
            "connect to " + uri + ": upgrade refused (HTTP " + status + ")",
            e);
      }
    }
    return new ChatException(
        ErrorCode.UNAVAILABLE, "connect to " + uri + " failed: " + describe(e), e);
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  /** Stops Tyrus' executors. Open connections should be closed first. */
  @Override
  public void close() {
    manager.shutdown();
  }
}
