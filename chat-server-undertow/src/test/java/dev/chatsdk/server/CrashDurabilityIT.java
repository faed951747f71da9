package dev.chatsdk.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ack after durability on the embedded default: every message the server acknowledged is still
 * there after the process is killed with SIGKILL (no shutdown hook, no final flush) and started
 * again on the same data directory.
 */
class CrashDurabilityIT {
  @TempDir Path dataDir;

  @Test
  void acknowledgedMessagesSurviveAKilledProcess() throws Exception {
    int port = freePort();
    URI base = URI.create("http://127.0.0.1:" + port);
    Process first = startServer(port);
    String cid;
    String token;
    int sent = 40;
    try {
      awaitReady(base, first);
      Api api = new Api(base);
      JsonNode a = api.signup(Api.unique("ka"));
      JsonNode b = api.signup(Api.unique("kb"));
      token = a.path("token").asText();
      cid = api.direct(token, b.path("user").path("id").asText());
      for (int i = 0; i < sent; i++) {
        Api.Resp r =
            api.post(
                "/api/conversations/" + cid + "/messages",
                token,
                Map.of("clientMsgId", "crash-" + i, "body", "m" + i));
        assertThat(r.status()).as("send %d acknowledged", i).isIn(200, 201);
      }
    } finally {
      first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    Process second = startServer(port);
    try {
      awaitReady(base, second);
      JsonNode messages =
          new Api(base)
              .get("/api/conversations/" + cid + "/messages?limit=100", token)
              .json()
              .path("messages");
      assertThat(messages).hasSize(sent);
      assertThat(messages.get(sent - 1).path("body").asText()).isEqualTo("m" + (sent - 1));
    } finally {
      second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Process startServer(int port) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-XX:TieredStopAtLevel=1",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(Files.createTempFile(dataDir.getParent(), "server", ".log").toFile());
    pb.environment()
        .putAll(
            Map.of(
                "CHAT_PORT",
                Integer.toString(port),
                "CHAT_HOST",
                "127.0.0.1",
                "CHAT_DATA_DIR",
                dataDir.toString()));
    return pb.start();
  }

  private static void awaitReady(URI base, Process process) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as("server process alive").isTrue();
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(base.resolve("/readyz"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("server not ready within 90 s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
