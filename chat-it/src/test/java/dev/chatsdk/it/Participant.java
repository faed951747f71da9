package dev.chatsdk.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.User;
import dev.chatsdk.api.event.ServerFrame;
import dev.chatsdk.client.ChatApi;
import dev.chatsdk.client.ChatClient;
import dev.chatsdk.client.ChatListener;
import dev.chatsdk.client.ConnectionState;
import dev.chatsdk.client.ReconnectPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A user of the chat and their live client: every message the application was handed is recorded
 * (in order, duplicates included), so a test can check nothing acked was lost and nothing was
 * delivered twice.
 */
final class Participant implements AutoCloseable {
  static final String PASSWORD = "correct horse battery staple";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ReconnectPolicy FAST_RECONNECT =
      new ReconnectPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.5);

  final String username;
  final User user;
  final String token;
  final ChatClient client;
  final List<Message> received = new CopyOnWriteArrayList<>();
  final List<ChatException> errors = new CopyOnWriteArrayList<>();
  final Map<String, Boolean> presence = new ConcurrentHashMap<>();
  final List<ConnectionState> states = new CopyOnWriteArrayList<>();

  private Participant(String username, User user, String token, URI baseUri) {
    this.username = username;
    this.user = user;
    this.token = token;
    this.client =
        ChatClient.builder()
            .baseUri(baseUri)
            .credentials(username, PASSWORD)
            .reconnectPolicy(FAST_RECONNECT)
            .heartbeatInterval(Duration.ofSeconds(2))
            .sendTimeout(Duration.ofSeconds(90))
            .listener(
                new ChatListener() {
                  @Override
                  public void onMessage(Message message) {
                    received.add(message);
                  }

                  @Override
                  public void onPresence(ServerFrame.PresenceEvent event) {
                    presence.put(event.userId(), event.online());
                  }

                  @Override
                  public void onStateChanged(ConnectionState previous, ConnectionState current) {
                    states.add(current);
                  }

                  @Override
                  public void onError(ChatException error) {
                    errors.add(error);
                  }
                })
            .build();
  }

  /** Signs a user up on {@code signupNode} and connects their client through {@code baseUri}. */
  static Participant join(String username, URI signupNode, URI baseUri) {
    try (ChatApi api = ChatApi.create(signupNode)) {
      var session = api.signup(username, PASSWORD, username).toCompletableFuture().join();
      Participant p = new Participant(username, session.user(), session.token(), baseUri);
      p.client.connect().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
      return p;
    }
  }

  /** Another live session of the same user, connected through {@code baseUri}. */
  static Participant connect(Participant user, URI baseUri) {
    Participant p = new Participant(user.username, user.user, user.token, baseUri);
    p.client.connect().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
    return p;
  }

  String id() {
    return user.id();
  }

  /** The ids of the messages handed to the application in a conversation, in delivery order. */
  List<String> receivedIds(String conversationId) {
    List<String> ids = new ArrayList<>();
    for (Message m : received) {
      if (m.conversationId().equals(conversationId) && m.seq() == m.modSeq()) {
        ids.add(m.id());
      }
    }
    return ids;
  }

  /** Whether {@code node} says the user with this id is online ({@code GET /api/users/{id}}). */
  boolean seesOnline(URI node, String userId) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(node.resolve("/api/users/" + userId))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(3))
            .build();
    HttpResponse<String> res = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() != 200) {
      throw new AssertionError(
          "GET /api/users/" + userId + ": " + res.statusCode() + " " + res.body());
    }
    JsonNode body = JSON.readTree(res.body());
    JsonNode user = body.has("user") ? body.get("user") : body;
    return user.path("online").asBoolean(false);
  }

  /** Polls {@code condition} every 100 ms until it holds or {@code timeout} passes. */
  static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(100);
    }
    return condition.getAsBoolean();
  }

  @Override
  public void close() {
    client.close();
  }
}
