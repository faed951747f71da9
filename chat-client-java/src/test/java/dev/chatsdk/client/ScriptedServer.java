package dev.chatsdk.client;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.core.protocol.Handshake;
import io.undertow.websockets.core.protocol.version13.Hybi13Handshake;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket and REST server on loopback whose every frame the test writes by hand, to drive the
 * client through situations the real server produces rarely (a gap in the live stream, a replay
 * overlapping live events, a refused send) and to see exactly what the client writes.
 */
final class ScriptedServer implements AutoCloseable {
  private final Undertow server;
  private final BlockingQueue<WebSocketChannel> connections = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final Map<String, String> history = new ConcurrentHashMap<>();
  private final AtomicInteger historyRequests = new AtomicInteger();
  private volatile boolean historyDown;
  private volatile WebSocketChannel current;

  ScriptedServer() {
    server =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setHandler(
                Handlers.path()
                    .addPrefixPath(
                        "/ws",
                        exchange -> {
                          authorizations.add(
                              String.valueOf(
                                  exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION)));
                          upgrade().handleRequest(exchange);
                        })
                    .addPrefixPath("/api/conversations", this::history))
            .build();
    server.start();
  }

  private WebSocketProtocolHandshakeHandler upgrade() {
    return new WebSocketProtocolHandshakeHandler(
        List.<Handshake>of(new Hybi13Handshake(Set.of("chat.v1"), false)),
        (WebSocketConnectionCallback)
            (exchange, channel) -> {
              channel
                  .getReceiveSetter()
                  .set(
                      new AbstractReceiveListener() {
                        @Override
                        protected void onFullTextMessage(
                            WebSocketChannel ch, BufferedTextMessage m) {
                          received.add(m.getData());
                        }
                      });
              channel.resumeReceives();
              current = channel;
              connections.add(channel);
            });
  }

  /** Answers {@code GET /api/conversations/{id}/messages?after=N} from {@link #history}. */
  private void history(HttpServerExchange exchange) {
    String path = exchange.getRelativePath(); // /{id}/messages
    String id = path.split("/")[1];
    String after = exchange.getQueryParameters().get("after").peekFirst();
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    historyRequests.incrementAndGet();
    if (historyDown) {
      exchange.setStatusCode(503);
      exchange
          .getResponseSender()
          .send("{\"error\":{\"code\":\"unavailable\",\"message\":\"store down\"}}");
      return;
    }
    exchange.getResponseSender().send(history.getOrDefault(id + "@" + after, "[]"));
  }

  URI baseUri() {
    InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
    return URI.create("http://127.0.0.1:" + address.getPort());
  }

  /** Sets the JSON array REST answers for history of {@code conversationId} after {@code after}. */
  void history(String conversationId, long after, String jsonArray) {
    history.put(conversationId + "@" + after, jsonArray);
  }

  /** Makes every history request fail with 503 (or answer again). */
  void historyDown(boolean down) {
    historyDown = down;
  }

  /** History requests answered so far, failed or not. */
  int historyRequests() {
    return historyRequests.get();
  }

  /** Waits for the next WebSocket connection. */
  WebSocketChannel awaitConnection() throws InterruptedException {
    WebSocketChannel channel = connections.poll(10, TimeUnit.SECONDS);
    if (channel == null) {
      throw new AssertionError("no connection within 10 s");
    }
    return channel;
  }

  /** The Authorization headers of every upgrade so far. */
  List<String> authorizations() {
    return authorizations;
  }

  /** Sends a text frame on the latest connection. */
  void push(String json) {
    WebSockets.sendText(json, current, null);
  }

  /** Waits for the next frame the client wrote whose type is {@code type}; skips pings. */
  String awaitFrame(String type) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      String frame = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (frame == null) {
        throw new AssertionError("no '" + type + "' frame within 10 s");
      }
      if (frame.contains("\"type\":\"" + type + "\"")) {
        return frame;
      }
    }
  }

  /** Drops the latest connection without a close frame. */
  void drop() throws IOException {
    current.close();
  }

  /** Closes the latest connection with a close frame. */
  void closeWith(int code, String reason) {
    WebSockets.sendClose(code, reason, current, null);
  }

  static String hello(String userId, String conversationId, long lastSeq) {
    return "{\"type\":\"hello\",\"sessionId\":\"s\",\"user\":{\"id\":\""
        + userId
        + "\",\"username\":\"user_"
        + userId
        + "\",\"displayName\":\"U\",\"createdAt\":\"2026-11-24T10:00:00Z\"},"
        + "\"serverTime\":\""
        + java.time.Instant.now()
        + "\",\"tokenExpiresAt\":\""
        + java.time.Instant.now().plusSeconds(3600)
        + "\",\"heartbeatMs\":25000,\"conversations\":[{\"conversation\":{\"id\":\""
        + conversationId
        + "\",\"kind\":\"group\",\"title\":\"T\",\"members\":[{\"userId\":\""
        + userId
        + "\",\"role\":\"admin\",\"joinedAt\":\"2026-11-24T10:00:00Z\"}],"
        + "\"createdAt\":\"2026-11-24T10:00:00Z\"},\"lastSeq\":"
        + lastSeq
        + ",\"readSeq\":0,\"unread\":0}]}";
  }

  static String message(String conversationId, long seq) {
    return "{\"type\":\"message\",\"message\":" + messageJson(conversationId, seq) + "}";
  }

  static String messageJson(String conversationId, long seq) {
    return "{\"id\":\"m"
        + seq
        + "\",\"conversationId\":\""
        + conversationId
        + "\",\"seq\":"
        + seq
        + ",\"modSeq\":"
        + seq
        + ",\"senderId\":\"other\",\"clientMsgId\":\"k"
        + seq
        + "\",\"body\":\"b"
        + seq
        + "\",\"attachments\":[],\"createdAt\":\"2026-11-24T10:00:00Z\",\"deleted\":false}";
  }

  static String ack(String conversationId, String clientMsgId, long seq, boolean duplicate) {
    return "{\"type\":\"ack\",\"ref\":\""
        + clientMsgId
        + "\",\"conversationId\":\""
        + conversationId
        + "\",\"clientMsgId\":\""
        + clientMsgId
        + "\",\"id\":\"m"
        + seq
        + "\",\"seq\":"
        + seq
        + ",\"modSeq\":"
        + seq
        + ",\"createdAt\":\"2026-11-24T10:00:00Z\",\"duplicate\":"
        + duplicate
        + "}";
  }

  /** The value of a string field in a flat JSON frame. */
  static String field(String json, String name) {
    int at = json.indexOf("\"" + name + "\":\"");
    if (at < 0) {
      throw new AssertionError(name + " not in " + json);
    }
    int start = at + name.length() + 4;
    return json.substring(start, json.indexOf('"', start));
  }

  @Override
  public void close() {
    server.stop();
  }
}
