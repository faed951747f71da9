package dev.chatsdk.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.port.ClientConnection.CloseCodes;
import dev.chatsdk.api.port.Frame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RecordingConnectionTest {
  private static final Duration SHORT = Duration.ofMillis(100);
  private static final Duration LONG = Duration.ofSeconds(5);

  @Test
  void recordsFramesInOrderAndCompletesCallbacksAtOnce() {
    RecordingConnection conn = new RecordingConnection("c1");
    List<Throwable> results = new ArrayList<>();
    AtomicReference<Boolean> completed = new AtomicReference<>(false);

    conn.send(Frame.ofText("{\"type\":\"hello\"}"), e -> completed.set(e == null));
    conn.send(Frame.ofUtf8("{\"type\":\"message\",\"n\":1}".getBytes()), results::add);

    assertThat(completed.get()).isTrue();
    assertThat(results).containsExactly((Throwable) null);
    assertThat(conn.frames())
        .containsExactly("{\"type\":\"hello\"}", "{\"type\":\"message\",\"n\":1}");
    assertThat(conn.framesOfType("message")).containsExactly("{\"type\":\"message\",\"n\":1}");
    assertThat(conn.parsedFrames().get(1).get("n")).isEqualTo(1L);
    assertThat(conn.id()).isEqualTo("c1");
  }

  @Test
  void awaitTypeReturnsAFrameSentFromAnotherThread() {
    RecordingConnection conn = new RecordingConnection();
    CompletableFuture.runAsync(
        () -> conn.send(Frame.ofText("{\"type\":\"ack\",\"seq\":3}"), e -> {}),
        CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));

    String ack = conn.awaitType("ack", LONG);

    assertThat(Json.parseObject(ack).get("seq")).isEqualTo(3L);
  }

  @Test
  void awaitFrameFailsAfterTheTimeoutListingTheFrames() {
    RecordingConnection conn = new RecordingConnection();
    conn.send(Frame.ofText("{\"type\":\"hello\"}"), e -> {});

    long start = System.nanoTime();
    assertThatThrownBy(() -> conn.awaitType("ack", SHORT))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("{\"type\":\"hello\"}");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(SHORT);
  }

  @Test
  void awaitFramesWaitsForTheCount() {
    RecordingConnection conn = new RecordingConnection();
    CompletableFuture.runAsync(
        () -> {
          for (int i = 1; i <= 3; i++) {
            conn.send(Frame.ofText("{\"type\":\"message\",\"seq\":" + i + "}"), e -> {});
          }
        });

    List<String> messages = conn.awaitFrames(RecordingConnection.hasType("message"), 3, LONG);

    assertThat(messages).hasSize(3);
    assertThat(messages.get(2)).contains("\"seq\":3");
    assertThatThrownBy(() -> conn.awaitFrames(f -> true, 0, LONG))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void heldCallbacksStayPendingUntilReleased() {
    RecordingConnection conn = new RecordingConnection();
    conn.holdCallbacks(true);
    List<Throwable> results = new ArrayList<>();
    int[] calls = {0};

    conn.send(Frame.ofText("{\"type\":\"a\"}"), e -> calls[0]++);
    conn.send(Frame.ofText("{\"type\":\"b\"}"), e -> calls[0]++);

    assertThat(conn.frames()).hasSize(2);
    assertThat(calls[0]).isZero();
    assertThat(conn.heldCallbackCount()).isEqualTo(2);

    conn.holdCallbacks(false);
    conn.send(Frame.ofText("{\"type\":\"c\"}"), results::add);
    assertThat(results).hasSize(1);
    assertThat(calls[0]).isZero();

    assertThat(conn.releaseHeldCallbacks()).isEqualTo(2);
    assertThat(calls[0]).isEqualTo(2);
    assertThat(conn.heldCallbackCount()).isZero();
  }

  @Test
  void closeRecordsTheFirstCodeAndReasonAndRejectsLaterSends() {
    RecordingConnection conn = new RecordingConnection();
    assertThat(conn.isClosed()).isFalse();
    assertThat(conn.closeCode()).isZero();
    assertThat(conn.closeReason()).isEmpty();

    conn.close(CloseCodes.TRY_AGAIN_LATER, "slow consumer");
    conn.close(CloseCodes.NORMAL, "again");
    AtomicReference<Throwable> error = new AtomicReference<>();
    conn.send(Frame.ofText("{\"type\":\"late\"}"), error::set);

    assertThat(conn.isClosed()).isTrue();
    assertThat(conn.closeCode()).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
    assertThat(conn.closeReason()).contains("slow consumer");
    assertThat(error.get()).isInstanceOf(IllegalStateException.class);
    assertThat(conn.frames()).isEmpty();
  }

  @Test
  void awaitCloseReturnsTheCodeOrFailsAfterTheTimeout() {
    RecordingConnection conn = new RecordingConnection();
    assertThatThrownBy(() -> conn.awaitClose(SHORT)).isInstanceOf(AssertionError.class);

    CompletableFuture.runAsync(
        () -> conn.close(CloseCodes.POLICY_VIOLATION, "abuse"),
        CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));

    assertThat(conn.awaitClose(LONG)).isEqualTo(CloseCodes.POLICY_VIOLATION);
  }

  @Test
  void clearFramesForgetsWhatWasRecorded() {
    RecordingConnection conn = new RecordingConnection();
    conn.send(Frame.ofText("{\"type\":\"hello\"}"), e -> {});

    conn.clearFrames();

    assertThat(conn.frames()).isEmpty();
  }

  @Test
  void typeOfToleratesFramesThatAreNotJsonObjects() {
    assertThat(RecordingConnection.typeOf("not json")).isNull();
    assertThat(RecordingConnection.typeOf("[1]")).isNull();
    assertThat(RecordingConnection.typeOf("{\"type\":7}")).isNull();
    assertThat(RecordingConnection.typeOf("{\"type\":\"pong\"}")).isEqualTo("pong");
  }

  @Test
  void reportsItsExecutorAndRemoteAddress() {
    List<Runnable> queued = new ArrayList<>();
    RecordingConnection conn = new RecordingConnection("c2", queued::add, "127.0.0.1");

    conn.ioExecutor().execute(() -> {});

    assertThat(queued).hasSize(1);
    assertThat(conn.remoteAddress()).contains("127.0.0.1");
    assertThat(new RecordingConnection().remoteAddress()).isEmpty();
  }
}
