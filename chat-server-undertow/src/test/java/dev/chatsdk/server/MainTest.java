package dev.chatsdk.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(Map<String, String> env, String... args) {
    return Main.run(
        args,
        env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpPrintsTheOptionsAndExitsZero() {
    assertThat(run(Map.of(), "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("CHAT_PORT").contains("--data-dir");
  }

  @Test
  void badConfigurationFailsWithOneClearLine() {
    assertThat(run(Map.of("CHAT_PORT", "-1"))).isEqualTo(2);
    String message = err.toString(StandardCharsets.UTF_8);
    assertThat(message.lines()).hasSize(1);
    assertThat(message).startsWith("chat-server: CHAT_PORT / --port: ").doesNotContain("Exception");
  }

  @Test
  void anUnreachableRedisRefusesToStartWithOneClearLine() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    assertThat(
            run(
                Map.of(
                    "CHAT_REDIS_URI",
                    "redis://127.0.0.1:" + closedPort,
                    "CHAT_STORE",
                    "memory",
                    "CHAT_PORT",
                    "0",
                    "CHAT_DATA_DIR",
                    System.getProperty("java.io.tmpdir") + "/chat-main-test")))
        .isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).hasSize(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("chat-server: could not start: ")
        .contains(String.valueOf(closedPort));
  }
}
