package dev.chatsdk.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.port.ClientConnection.CloseCodes;
import dev.chatsdk.testkit.RecordingConnection;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class ChatEngineBuilderTest {

  @Test
  void buildRequiresTheStoresAndAnAuthenticator() {
    assertThatThrownBy(() -> ChatEngine.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("userStore");
    EngineFixture fx = new EngineFixture();
    assertThatThrownBy(
            () ->
                ChatEngine.builder()
                    .userStore(fx.users)
                    .conversationStore(fx.conversations)
                    .messageStore(fx.messages)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("authenticator");
  }

  @Test
  void outOfRangeOptionsAreRefusedWithTheValueAndTheExpectation() {
    ChatEngineBuilder b = ChatEngine.builder();
    assertThatThrownBy(() -> b.maxBodyLength(0))
        .isInstanceOf(ChatException.class)
        .hasMessage("maxBodyLength: 0 (expected: >= 1)");
    assertThatThrownBy(() -> b.rateLimit(0, 5)).isInstanceOf(ChatException.class);
    assertThatThrownBy(() -> b.rateLimit(5, 0)).isInstanceOf(ChatException.class);
    assertThatThrownBy(() -> b.outboundQueueLimit(1)).isInstanceOf(ChatException.class);
    assertThatThrownBy(() -> b.typingTimeout(Duration.ZERO)).isInstanceOf(ChatException.class);
    assertThatThrownBy(() -> b.reauthLead(Duration.ofSeconds(-1)))
        .isInstanceOf(ChatException.class);
    assertThatThrownBy(() -> b.nodeId("")).isInstanceOf(ChatException.class);
    assertThatThrownBy(() -> b.listener(null)).isInstanceOf(NullPointerException.class);
    assertThat(ChatEngineBuilder.DEFAULT_MAX_BODY_LENGTH).isEqualTo(4000);
    assertThat(ChatEngineBuilder.DEFAULT_TYPING_TIMEOUT).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aGivenSchedulerIsLeftRunningOnClose() {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (EngineFixture fx = new EngineFixture()) {
      ChatEngine engine = fx.engine(b -> b.scheduler(scheduler));
      fx.user("a");
      RecordingConnection conn = new RecordingConnection();
      engine.openSession(EngineFixture.principal("a"), conn);
      conn.awaitType("hello", EngineFixture.WAIT);
      engine.close();
      assertThat(conn.awaitClose(EngineFixture.WAIT)).isEqualTo(CloseCodes.GOING_AWAY);
      assertThat(scheduler.isShutdown()).isFalse();
      RecordingConnection late = new RecordingConnection();
      engine.openSession(EngineFixture.principal("a"), late);
      assertThat(late.awaitClose(EngineFixture.WAIT)).isEqualTo(CloseCodes.GOING_AWAY);
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void slowModeRefusesNegativeIntervals() {
    SlowMode slowMode = SlowMode.create();
    assertThatThrownBy(() -> slowMode.set("c1", Duration.ofSeconds(-1)))
        .isInstanceOf(ChatException.class)
        .satisfies(
            e -> assertThat(((ChatException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    slowMode.set("c1", Duration.ofSeconds(10));
    assertThat(slowMode.interval("c1")).contains(Duration.ofSeconds(10));
    slowMode.clear("c1");
    assertThat(slowMode.interval("c1")).isEmpty();
  }
}
