package dev.chatsdk.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The client's state machine without a server: unreachable ports and refusing token providers. */
class ChatClientTest {

  private static final ReconnectPolicy FAST =
      new ReconnectPolicy(Duration.ofMillis(20), Duration.ofMillis(100), 2.0, 0.5);

  private static URI unusedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
  }

  private static void await(String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  private static ChatException failure(CompletionStage<?> stage) throws InterruptedException {
    try {
      stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ChatException.class);
      return (ChatException) e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no outcome within 10 s", e);
    }
  }

  @Test
  void unreachableServerIsRetriedWithBackoffUntilClosed() throws Exception {
    Set<Thread> before = Threads.snapshot();
    AtomicInteger tokenCalls = new AtomicInteger();
    Recorder recorder = new Recorder();
    ChatClient client =
        ChatClient.builder()
            .baseUri(unusedPort())
            .tokenProvider(
                refresh -> {
                  tokenCalls.incrementAndGet();
                  return CompletableFuture.completedFuture("t");
                })
            .reconnectPolicy(FAST)
            .connectTimeout(Duration.ofSeconds(2))
            .listener(recorder)
            .build();
    assertThat(client.state()).isEqualTo(ConnectionState.NEW);
    CompletionStage<?> connected = client.connect();
    CompletionStage<SentMessage> queued = client.send("c1", "waits in the outbox");

    await("three attempts", () -> tokenCalls.get() >= 3);
    assertThat(recorder.states).contains(ConnectionState.CONNECTING, ConnectionState.DISCONNECTED);
    assertThat(recorder.errors)
        .allSatisfy(e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    assertThat(queued.toCompletableFuture()).isNotDone();

    client.close();
    assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
    assertThat(failure(queued).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(failure(connected).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    int callsAtClose = tokenCalls.get();
    Thread.sleep(300);
    assertThat(tokenCalls.get()).as("no attempt after close").isEqualTo(callsAtClose);
    assertThat(Threads.leftOver(before, 10_000)).isEmpty();
  }

  @Test
  void refusedCredentialsOnTheFirstConnectionFailConnectAndCloseTheClient() throws Exception {
    List<Boolean> refreshFlags = new CopyOnWriteArrayList<>();
    ChatClient client =
        ChatClient.builder()
            .baseUri(unusedPort())
            .tokenProvider(
                refresh -> {
                  refreshFlags.add(refresh);
                  return CompletableFuture.failedFuture(
                      new ChatException(ErrorCode.UNAUTHENTICATED, "login: wrong password"));
                })
            .reconnectPolicy(FAST)
            .build();
    try {
      assertThat(failure(client.connect()).code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
      assertThat(refreshFlags).containsExactly(false, true);
      await("closed", () -> client.state() == ConnectionState.CLOSED);
      assertThat(failure(client.send("c1", "too late")).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    } finally {
      client.close();
    }
  }

  @Test
  void sendRefusesEmptyAndOversizedBodies() throws Exception {
    try (ChatClient client =
        ChatClient.builder().baseUri(unusedPort()).tokenProvider(TokenProvider.of("t")).build()) {
      assertThat(failure(client.send("c1", "")).getMessage())
          .isEqualTo("body: length 0 (expected: 1..4000)");
      assertThat(failure(client.send("c1", "x".repeat(4001))).code())
          .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }
  }

  @Test
  void builderNamesWhatIsMissingOrWrong() {
    assertThatThrownBy(() -> ChatClient.builder().tokenProvider(TokenProvider.of("t")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("baseUri: missing");
    assertThatThrownBy(() -> ChatClient.builder().baseUri(URI.create("http://h")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("credentials: missing");
    assertThatThrownBy(() -> ChatClient.builder().baseUri(URI.create("ftp://h")))
        .hasMessage("baseUri: ftp://h (expected: an http:// or https:// URI)");
    assertThatThrownBy(() -> ChatClient.builder().sendTimeout(Duration.ZERO))
        .hasMessage("sendTimeout: PT0S (expected: > 0)");
  }

  @Test
  void closeBeforeConnectEndsEverything() throws Exception {
    Set<Thread> before = Threads.snapshot();
    ChatClient client =
        ChatClient.builder().baseUri(unusedPort()).credentials("bot", "secret-pw").build();
    client.close();
    client.close();
    assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
    assertThat(Threads.leftOver(before, 10_000)).isEmpty();
  }
}
