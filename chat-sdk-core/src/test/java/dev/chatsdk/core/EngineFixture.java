package dev.chatsdk.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Principal;
import dev.chatsdk.api.User;
import dev.chatsdk.api.port.Authenticator;
import dev.chatsdk.api.port.MessageStore;
import dev.chatsdk.core.memory.InMemoryConversationStore;
import dev.chatsdk.core.memory.InMemoryMessageStore;
import dev.chatsdk.core.memory.InMemoryPresenceRegistry;
import dev.chatsdk.core.memory.InMemoryUserStore;
import dev.chatsdk.testkit.Json;
import dev.chatsdk.testkit.RecordingConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Shared stores, users and engines for the engine tests; every wait is bounded. Tokens are {@code
 * "t:<userId>:<expiresAtEpochMillis>"}.
 */
final class EngineFixture implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);

  final InMemoryUserStore users = new InMemoryUserStore();
  final InMemoryConversationStore conversations = new InMemoryConversationStore();
  final InMemoryMessageStore messages = new InMemoryMessageStore();
  final InMemoryPresenceRegistry presence = new InMemoryPresenceRegistry();
  final List<ChatEngine> engines = new ArrayList<>();
  final List<AutoCloseable> closeables = new ArrayList<>();

  static final Authenticator AUTHENTICATOR =
      token -> {
        String[] parts = token.split(":");
        if (parts.length != 3 || !parts[0].equals("t")) {
          return CompletableFuture.failedFuture(
              new ChatException(ErrorCode.UNAUTHENTICATED, "token: not valid"));
        }
        Instant expires = Instant.ofEpochMilli(Long.parseLong(parts[2]));
        if (!expires.isAfter(Instant.now())) {
          return CompletableFuture.failedFuture(
              new ChatException(ErrorCode.TOKEN_EXPIRED, "token: expired"));
        }
        return CompletableFuture.completedFuture(new Principal(parts[1], Set.of(), expires));
      };

  /** A builder wired to the shared stores and the shared presence state. */
  ChatEngineBuilder builder() {
    return builder(messages);
  }

  ChatEngineBuilder builder(MessageStore messageStore) {
    return ChatEngine.builder()
        .userStore(users)
        .conversationStore(conversations)
        .messageStore(messageStore)
        .authenticator(AUTHENTICATOR);
  }

  ChatEngine engine() {
    return engine(b -> {});
  }

  ChatEngine engine(Consumer<ChatEngineBuilder> customize) {
    ChatEngineBuilder b = builder().presenceRegistry(presence);
    customize.accept(b);
    ChatEngine engine = b.build();
    engines.add(engine);
    return engine;
  }

  User user(String id) {
    User u =
        new User(id, "user_" + id, "User " + id, null, Instant.parse("2026-01-01T00:00:00Z"), null);
    return join(users.create(u));
  }

  static Principal principal(String userId) {
    return new Principal(userId, Set.of(), Instant.now().plus(Duration.ofHours(1)));
  }

  static String token(String userId, Instant expires) {
    return "t:" + userId + ":" + expires.toEpochMilli();
  }

  Conversation group(String adminId, String title, String... members) {
    return join(engines.get(0).createGroup(principal(adminId), title, List.of(members)));
  }

  Conversation direct(String a, String b) {
    return join(engines.get(0).createDirect(principal(a), b));
  }

  /** Connects a client and waits for its hello. */
  Client connect(ChatEngine engine, String userId) {
    Client c = connectNoWait(engine, principal(userId));
    c.conn.awaitType("hello", WAIT);
    return c;
  }

  Client connectNoWait(ChatEngine engine, Principal principal) {
    RecordingConnection conn = new RecordingConnection();
    ChatSession session = engine.openSession(principal, conn);
    return new Client(principal.userId(), conn, session);
  }

  static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new AssertionError(e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static ChatException failure(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ChatException.class);
      return (ChatException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected the stage to fail");
  }

  /** Waits until a condition holds. */
  static void eventually(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Override
  public void close() {
    for (ChatEngine e : engines) {
      e.close();
    }
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        // best effort
      }
    }
    presence.close();
  }

  /** One connected client: its recording connection and session. */
  static final class Client {
    final String userId;
    final RecordingConnection conn;
    final ChatSession session;

    Client(String userId, RecordingConnection conn, ChatSession session) {
      this.userId = userId;
      this.conn = conn;
      this.session = session;
    }

    void send(String json) {
      session.onText(json);
    }

    void sendMessage(String conversationId, String clientMsgId, String body) {
      send(
          "{\"type\":\"send\",\"ref\":\""
              + clientMsgId
              + "\",\"conversationId\":\""
              + conversationId
              + "\",\"clientMsgId\":\""
              + clientMsgId
              + "\",\"body\":\""
              + body
              + "\"}");
    }

    Map<String, @Nullable Object> await(String type) {
      return Json.parseObject(conn.awaitType(type, WAIT));
    }

    Map<String, @Nullable Object> await(Predicate<Map<String, @Nullable Object>> matcher) {
      return Json.parseObject(conn.awaitFrame(t -> matcher.test(Json.parseObject(t)), WAIT));
    }

    List<Map<String, @Nullable Object>> awaitCount(String type, int count) {
      List<Map<String, @Nullable Object>> out = new ArrayList<>();
      for (String t : conn.awaitFrames(RecordingConnection.hasType(type), count, WAIT)) {
        out.add(Json.parseObject(t));
      }
      return out;
    }

    List<Map<String, @Nullable Object>> frames(String type) {
      List<Map<String, @Nullable Object>> out = new ArrayList<>();
      for (String t : conn.framesOfType(type)) {
        out.add(Json.parseObject(t));
      }
      return out;
    }

    /** The message frames' {@code modSeq} values of one conversation, in arrival order. */
    List<Long> counters(String conversationId) {
      List<Long> out = new ArrayList<>();
      for (Map<String, @Nullable Object> f : frames("message")) {
        if (conversationId.equals(Json.at(f, "message", "conversationId").orElse(null))) {
          out.add((Long) Json.at(f, "message", "modSeq").orElseThrow());
        }
      }
      return out;
    }

    List<String> bodies(String conversationId) {
      List<String> out = new ArrayList<>();
      for (Map<String, @Nullable Object> f : frames("message")) {
        if (conversationId.equals(Json.at(f, "message", "conversationId").orElse(null))) {
          out.add((String) Json.at(f, "message", "body").orElseThrow());
        }
      }
      return out;
    }
  }

  static Object at(Object root, String... path) {
    return Json.at(root, path)
        .orElseThrow(() -> new AssertionError("missing " + String.join(".", path) + " in " + root));
  }
}
