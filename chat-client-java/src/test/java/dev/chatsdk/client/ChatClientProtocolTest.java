package dev.chatsdk.client;

import static dev.chatsdk.client.ScriptedServer.ack;
import static dev.chatsdk.client.ScriptedServer.field;
import static dev.chatsdk.client.ScriptedServer.hello;
import static dev.chatsdk.client.ScriptedServer.message;
import static dev.chatsdk.client.ScriptedServer.messageJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client's protocol handling against a server whose frames the test writes by hand. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChatClientProtocolTest {
  private static final ReconnectPolicy FAST =
      new ReconnectPolicy(Duration.ofMillis(20), Duration.ofMillis(100), 2.0, 0.5);

  private ScriptedServer server;
  private ChatClient client;
  private final Recorder seen = new Recorder();
  private final List<Boolean> tokenRequests = new CopyOnWriteArrayList<>();
  private final AtomicInteger tokens = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedServer();
    client =
        ChatClient.builder()
            .baseUri(server.baseUri())
            .tokenProvider(
                refresh -> {
                  tokenRequests.add(refresh);
                  return CompletableFuture.completedFuture("token-" + tokens.incrementAndGet());
                })
            .reconnectPolicy(FAST)
            .listener(seen)
            .build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private void connect(long lastSeq) throws Exception {
    CompletionStage<?> connected = client.connect();
    server.awaitConnection();
    server.push(hello("me", "c1", lastSeq));
    connected.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private List<Long> seqs() {
    return seen.in("c1").stream().map(Message::seq).toList();
  }

  @Test
  void gapInTheLiveStreamIsFilledFromHistoryBeforeLaterMessages() throws Exception {
    connect(0);
    server.history("c1", 1, "[" + messageJson("c1", 2) + "," + messageJson("c1", 4) + "]");
    server.push(message("c1", 1));
    server.push(message("c1", 4)); // 2 and 3 missing: 2 is in history, 3 is a hole
    server.push(message("c1", 5));
    seen.awaitCount("c1", 4, 10);
    assertThat(seqs()).containsExactly(1L, 2L, 4L, 5L);
    assertThat(seen.gaps).containsExactly("c1:2..3=1");
  }

  @Test
  void gapThatHistoryCannotFillIsReplayedOnTheOpenConnection() throws Exception {
    connect(0);
    server.historyDown(true);
    server.push(message("c1", 1));
    server.push(message("c1", 4)); // 2 and 3 missing; history answers 503
    String sync = server.awaitFrame("sync");
    assertThat(sync).contains("\"cursors\":{\"c1\":1}");
    server.push(message("c1", 2));
    server.push(message("c1", 4));
    server.push(
        "{\"type\":\"synced\",\"ref\":\"" + field(sync, "ref") + "\",\"cursors\":{\"c1\":4}}");
    server.push(message("c1", 5));
    seen.awaitCount("c1", 4, 10);
    assertThat(seqs()).containsExactly(1L, 2L, 4L, 5L);
    assertThat(seen.errors).anyMatch(e -> e.code() == ErrorCode.UNAVAILABLE);
    assertThat(seen.states).doesNotContain(ConnectionState.DISCONNECTED);
  }

  @Test
  void gapThatNeitherHistoryNorSyncCouldFillIsTriedAgainUntilHistoryAnswers() throws Exception {
    connect(0);
    server.historyDown(true);
    server.push(message("c1", 1));
    server.push(message("c1", 3));
    String sync = server.awaitFrame("sync");
    // the replay could not read the store either: no cursor for c1, the gap stays open
    server.push("{\"type\":\"synced\",\"ref\":\"" + field(sync, "ref") + "\",\"cursors\":{}}");
    sync = server.awaitFrame("sync"); // the next failed history attempt asks again
    assertThat(server.historyRequests()).isGreaterThanOrEqualTo(2);
    server.push("{\"type\":\"synced\",\"ref\":\"" + field(sync, "ref") + "\",\"cursors\":{}}");
    server.history("c1", 1, "[" + messageJson("c1", 2) + "]");
    server.historyDown(false);
    seen.awaitCount("c1", 3, 10);
    assertThat(seqs()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void reconnectResumesWithSyncFromTheLastDeliveredCounter() throws Exception {
    connect(0);
    server.push(message("c1", 1));
    server.push(message("c1", 2));
    seen.awaitCount("c1", 2, 10);

    server.drop();
    server.awaitConnection();
    server.push(hello("me", "c1", 5));
    String sync = server.awaitFrame("sync");
    assertThat(sync).contains("\"cursors\":{\"c1\":2}");
    // the replay overlaps what was delivered and what arrives live meanwhile
    server.push(message("c1", 2));
    server.push(message("c1", 3));
    server.push(message("c1", 5));
    server.push(message("c1", 4));
    server.push(
        "{\"type\":\"synced\",\"ref\":\"" + field(sync, "ref") + "\",\"cursors\":{\"c1\":5}}");
    seen.awaitCount("c1", 5, 10);
    assertThat(seqs()).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(tokenRequests).containsExactly(false, false);
  }

  @Test
  void unacknowledgedSendIsResentWithTheSameIdAfterReconnect() throws Exception {
    connect(0);
    CompletionStage<SentMessage> sent = client.send("c1", "hello");
    String first = server.awaitFrame("send");
    server.drop(); // stored, but the ack is lost with the connection

    server.awaitConnection();
    server.push(hello("me", "c1", 1));
    String again = server.awaitFrame("send");
    assertThat(field(again, "clientMsgId")).isEqualTo(field(first, "clientMsgId"));
    server.push(ack("c1", field(again, "clientMsgId"), 1, true));

    SentMessage ack = sent.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(ack.duplicate()).isTrue();
    assertThat(ack.seq()).isEqualTo(1);
  }

  @Test
  void sendsToOneConversationGoOneAtATimeInOrder() throws Exception {
    connect(0);
    CompletionStage<SentMessage> a = client.send("c1", "a");
    CompletionStage<SentMessage> b = client.send("c1", "b");
    String first = server.awaitFrame("send");
    assertThat(field(first, "body")).isEqualTo("a");
    server.push(
        "{\"type\":\"error\",\"code\":\"rate_limited\",\"message\":\"slow down\",\"clientMsgId\":\""
            + field(first, "clientMsgId")
            + "\",\"retryable\":true,\"retryAfterMs\":100}");
    String retried = server.awaitFrame("send");
    assertThat(field(retried, "body")).as("a again, b still waits").isEqualTo("a");
    server.push(ack("c1", field(retried, "clientMsgId"), 1, false));
    String second = server.awaitFrame("send");
    assertThat(field(second, "body")).isEqualTo("b");
    server.push(ack("c1", field(second, "clientMsgId"), 2, false));
    assertThat(a.toCompletableFuture().get(10, TimeUnit.SECONDS).seq()).isEqualTo(1);
    assertThat(b.toCompletableFuture().get(10, TimeUnit.SECONDS).seq()).isEqualTo(2);
  }

  @Test
  void refusedSendFailsWithTheServersCode() throws Exception {
    connect(0);
    CompletionStage<SentMessage> sent = client.send("c1", "no");
    String frame = server.awaitFrame("send");
    server.push(
        "{\"type\":\"error\",\"code\":\"forbidden\",\"message\":\"conversation c1: not a member\","
            + "\"ref\":\""
            + field(frame, "ref")
            + "\",\"clientMsgId\":\""
            + field(frame, "clientMsgId")
            + "\",\"retryable\":false,\"retryAfterMs\":0}");
    try {
      sent.toCompletableFuture().get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      assertThat(((ChatException) e.getCause()).code()).isEqualTo(ErrorCode.FORBIDDEN);
      assertThat(e.getCause()).hasMessageContaining("not a member");
    }
  }

  @Test
  void reauthIsAnsweredInBandWithAFreshToken() throws Exception {
    connect(0);
    server.push("{\"type\":\"reauth\",\"expiresAt\":\"" + Instant.now().plusSeconds(30) + "\"}");
    String auth = server.awaitFrame("auth");
    assertThat(field(auth, "token")).isEqualTo("token-2");
    assertThat(tokenRequests).containsExactly(false, true);
    server.push(
        "{\"type\":\"authenticated\",\"ref\":\""
            + field(auth, "ref")
            + "\",\"expiresAt\":\""
            + Instant.now().plusSeconds(3600)
            + "\"}");
    server.push(message("c1", 1));
    seen.awaitCount("c1", 1, 10);
    assertThat(seen.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED);
  }

  @Test
  void closeWithTokenExpiredReconnectsWithARefreshedToken() throws Exception {
    connect(0);
    server.closeWith(4001, "token expired");
    server.awaitConnection();
    assertThat(tokenRequests).containsExactly(false, true);
    assertThat(server.authorizations()).containsExactly("Bearer token-1", "Bearer token-2");
  }

  @Test
  void closedClientDoesNotReconnect() throws Exception {
    connect(0);
    client.close();
    Thread.sleep(300);
    assertThat(server.authorizations()).hasSize(1);
    assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
  }

  @Test
  void closeAfterALiveSessionLeavesNoClientThreads() throws Exception {
    java.util.Set<Thread> before = Threads.snapshot();
    connect(0);
    server.push(message("c1", 1));
    seen.awaitCount("c1", 1, 10);
    server.history("c1", 1, "[" + messageJson("c1", 2) + "]");
    server.push(message("c1", 3)); // a gap: the REST client runs too
    seen.awaitCount("c1", 3, 10);
    client.close();
    assertThat(Threads.leftOver(before, 10_000, Threads::isServerThread)).isEmpty();
  }

  @Test
  void closeFromInsideAListenerClosesTheSocketAndEndsTheThreads() throws Exception {
    java.util.Set<Thread> before = Threads.snapshot();
    java.util.concurrent.atomic.AtomicReference<ChatClient> self =
        new java.util.concurrent.atomic.AtomicReference<>();
    ChatClient closer =
        ChatClient.builder()
            .baseUri(server.baseUri())
            .tokenProvider(TokenProvider.of("t"))
            .listener(
                new ChatListener() {
                  @Override
                  public void onMessage(Message message) {
                    self.get().close();
                  }
                })
            .build();
    self.set(closer);
    CompletionStage<?> connected = closer.connect();
    io.undertow.websockets.core.WebSocketChannel channel = server.awaitConnection();
    server.push(hello("me", "c1", 0));
    connected.toCompletableFuture().get(10, TimeUnit.SECONDS);
    server.push(message("c1", 1));
    Recorder.await(() -> !channel.isOpen(), 10, () -> "server side still open");
    assertThat(closer.state()).isEqualTo(ConnectionState.CLOSED);
    assertThat(Threads.leftOver(before, 10_000, Threads::isServerThread)).isEmpty();
  }
}
