package dev.chatsdk.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatsdk.server.testing.TestServer;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The embedded store keeps data across restarts; shutdown closes sockets with 1001. */
class RestartIT {

  @Test
  void restartOnTheSameDataDirKeepsUsersMessagesAndTokens() {
    try (TestServer server = TestServer.start()) {
      Api api = new Api(server.baseUri());
      JsonNode a = api.signup(Api.unique("ra"));
      JsonNode b = api.signup(Api.unique("rb"));
      String ta = a.path("token").asText();
      String cid = api.direct(ta, b.path("user").path("id").asText());
      api.post(
          "/api/conversations/" + cid + "/messages",
          ta,
          Map.of("clientMsgId", "k-1", "body", "kept across restarts"));
      assertThat(Files.exists(server.dataDir().resolve("chat.mv.db"))).isTrue();
      assertThat(Files.exists(server.dataDir().resolve("jwt-secret"))).isTrue();

      try (Ws socket = Ws.open(server.webSocketUri(), ta)) {
        socket.await("hello");
        long started = System.nanoTime();
        server.restart();
        // graceful: the open socket was told 1001, and stop + start stayed within the budget
        assertThat(socket.awaitClose()).isEqualTo(1001);
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started))
            .isLessThan(java.time.Duration.ofSeconds(10));
      }

      Api after = new Api(server.baseUri());
      // the old token still verifies: the secret was kept in the data dir
      assertThat(after.get("/api/auth/me", ta).status()).isEqualTo(200);
      Api.Resp login =
          after.post(
              "/api/auth/login",
              null,
              Map.of(
                  "username",
                  b.path("user").path("username").asText(),
                  "password",
                  "correct horse battery"));
      assertThat(login.status()).isEqualTo(200);
      JsonNode messages =
          after
              .get("/api/conversations/" + cid + "/messages", login.json().path("token").asText())
              .json()
              .path("messages");
      assertThat(messages).hasSize(1);
      assertThat(messages.get(0).path("body").asText()).isEqualTo("kept across restarts");
      // idempotency survives too
      Api.Resp retry =
          after.post(
              "/api/conversations/" + cid + "/messages",
              ta,
              Map.of("clientMsgId", "k-1", "body", "kept across restarts"));
      assertThat(retry.status()).isEqualTo(200);
    }
  }
}
