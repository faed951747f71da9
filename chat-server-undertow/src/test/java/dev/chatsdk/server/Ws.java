package dev.chatsdk.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** A JDK WebSocket client that records every text frame as JSON, with bounded waits. */
final class Ws implements WebSocket.Listener, AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);

  private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
  private final List<JsonNode> seen = new ArrayList<>();
  private final StringBuilder partial = new StringBuilder();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private @Nullable WebSocket socket;

  /** Opens a socket with a Bearer token, the chat.v1 subprotocol and an optional Origin. */
  static Ws open(URI uri, @Nullable String token, @Nullable String origin) {
    Ws ws = new Ws();
    WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("chat.v1");
    b.connectTimeout(WAIT);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (origin != null) {
      b.header("Origin", origin);
    }
    ws.socket = b.buildAsync(uri, ws).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    return ws;
  }

  static Ws open(URI uri, String token) {
    return open(uri, token, null);
  }

  /** Tries to open and returns the failure (e.g. the handshake's HTTP status). */
  static Throwable refused(URI uri, @Nullable String token, @Nullable String origin) {
    try {
      Ws ws = open(uri, token, origin);
      ws.close();
      throw new AssertionError("the upgrade was accepted");
    } catch (CompletionException e) {
      return e.getCause() == null ? e : e.getCause();
    }
  }

  WebSocket socket() {
    if (socket == null) {
      throw new IllegalStateException("not open");
    }
    return socket;
  }

  void send(String text) {
    socket().sendText(text, true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  void send(Object frame) {
    send(Api.json(frame));
  }

  /** The next frame of a type matching the predicate; earlier other frames are kept in order. */
  JsonNode await(String type, Predicate<JsonNode> match) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    synchronized (seen) {
      for (int i = 0; i < seen.size(); i++) {
        JsonNode f = seen.get(i);
        if (f.path("type").asText().equals(type) && match.test(f)) {
          seen.remove(i);
          return f;
        }
      }
    }
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no '" + type + "' frame within " + WAIT + "; unmatched: " + seen);
      }
      JsonNode f;
      try {
        f = frames.poll(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      if (f == null) {
        continue;
      }
      if (f.path("type").asText().equals(type) && match.test(f)) {
        return f;
      }
      synchronized (seen) {
        seen.add(f);
      }
    }
  }

  JsonNode await(String type) {
    return await(type, f -> true);
  }

  /** Asserts no frame of this type arrives within {@code quiet}. */
  void expectNone(String type, Duration quiet) {
    long deadline = System.nanoTime() + quiet.toNanos();
    synchronized (seen) {
      for (JsonNode f : seen) {
        if (f.path("type").asText().equals(type)) {
          throw new AssertionError("unexpected " + f);
        }
      }
    }
    while (System.nanoTime() < deadline) {
      JsonNode f;
      try {
        f = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      if (f != null) {
        if (f.path("type").asText().equals(type)) {
          throw new AssertionError("unexpected " + f);
        }
        synchronized (seen) {
          seen.add(f);
        }
      }
    }
  }

  /** The close code the server sent, waiting at most {@link #WAIT}. */
  int awaitClose() {
    return closed.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(Long.MAX_VALUE);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      String text = partial.toString();
      partial.setLength(0);
      try {
        frames.add(Api.JSON.readTree(text));
      } catch (IOException e) {
        frames.add(Api.JSON.createObjectNode().put("type", "unparseable").put("text", text));
      }
    }
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.completeExceptionally(error);
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    return null;
  }

  @Override
  public void close() {
    if (socket != null && !socket.isOutputClosed()) {
      try {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS).join();
      } catch (RuntimeException e) {
        // already closing
      }
    }
    if (socket != null) {
      socket.abort();
    }
  }
}
