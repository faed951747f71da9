package dev.chatsdk.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatsdk.core.auth.JwtTokenIssuer;
import dev.chatsdk.server.testing.TestServer;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Chat over the real WebSocket: delivery, multi-tab, resume, and refusals before the upgrade. */
class WebSocketIT {
  static final byte[] SECRET =
      "websocket-it-secret-0123456789-abcdefghijkl".getBytes(StandardCharsets.UTF_8);

  static TestServer server;
  static Api api;
  static URI ws;

  @BeforeAll
  static void up() {
    server =
        TestServer.builder()
            .configure(b -> b.jwtSecret(SECRET).allowedOrigins("http://localhost:5173"))
            .start();
    api = new Api(server.baseUri());
    ws = server.webSocketUri();
  }

  @AfterAll
  static void down() {
    server.close();
  }

  record Pair(JsonNode a, JsonNode b, String cid) {
    String ta() {
      return a.path("token").asText();
    }

    String tb() {
      return b.path("token").asText();
    }

    String aId() {
      return a.path("user").path("id").asText();
    }
  }

  static Pair pair() {
    JsonNode a = api.signup(Api.unique("wa"));
    JsonNode b = api.signup(Api.unique("wb"));
    String cid = api.direct(a.path("token").asText(), b.path("user").path("id").asText());
    return new Pair(a, b, cid);
  }

  static Map<String, Object> send(String cid, String clientMsgId, String body) {
    return Map.of(
        "type",
        "send",
        "ref",
        "r-" + clientMsgId,
        "conversationId",
        cid,
        "clientMsgId",
        clientMsgId,
        "body",
        body);
  }

  @Test
  void twoUsersChat() {
    Pair p = pair();
    try (Ws alice = Ws.open(ws, p.ta());
        Ws bob = Ws.open(ws, p.tb())) {
      JsonNode hello = alice.await("hello");
      assertThat(hello.path("user").path("id").asText()).isEqualTo(p.aId());
      bob.await("hello");

      alice.send(send(p.cid(), "c-1", "hi bob"));
      JsonNode ack = alice.await("ack");
      assertThat(ack.path("clientMsgId").asText()).isEqualTo("c-1");
      assertThat(ack.path("ref").asText()).isEqualTo("r-c-1");
      assertThat(ack.path("seq").asLong()).isPositive();
      JsonNode msg = bob.await("message");
      assertThat(msg.path("message").path("body").asText()).isEqualTo("hi bob");
      assertThat(msg.path("message").path("senderId").asText()).isEqualTo(p.aId());
      assertThat(msg.path("message").path("seq").asLong()).isEqualTo(ack.path("seq").asLong());

      bob.send(send(p.cid(), "c-2", "hi alice"));
      bob.await("ack");
      assertThat(
              alice
                  .await(
                      "message", f -> f.path("message").path("clientMsgId").asText().equals("c-2"))
                  .path("message")
                  .path("body")
                  .asText())
          .isEqualTo("hi alice");

      alice.send(Map.of("type", "ping", "ref", "p1"));
      assertThat(alice.await("pong").path("ref").asText()).isEqualTo("p1");
    }
  }

  @Test
  void aBurstOfSendsIsAckedAndDeliveredCompletelyAndInOrder() {
    // the server reads many of these frames per socket read, and its writes of acks and echoes
    // to the same socket are coalesced: nothing may be lost or reordered by that
    int burst = 40; // the default rate limit's burst
    Pair p = pair();
    try (Ws alice = Ws.open(ws, p.ta());
        Ws bob = Ws.open(ws, p.tb())) {
      alice.await("hello");
      bob.await("hello");
      for (int i = 0; i < burst; i++) {
        alice.send(send(p.cid(), "burst-" + i, "message " + i));
      }
      long lastAckSeq = 0;
      for (int i = 0; i < burst; i++) {
        JsonNode ack = alice.await("ack");
        assertThat(ack.path("clientMsgId").asText()).isEqualTo("burst-" + i);
        assertThat(ack.path("seq").asLong()).isGreaterThan(lastAckSeq);
        lastAckSeq = ack.path("seq").asLong();
      }
      for (Ws member : List.of(alice, bob)) {
        long lastSeq = 0;
        for (int i = 0; i < burst; i++) {
          JsonNode m = member.await("message").path("message");
          assertThat(m.path("body").asText()).isEqualTo("message " + i);
          assertThat(m.path("seq").asLong()).isGreaterThan(lastSeq);
          lastSeq = m.path("seq").asLong();
        }
        assertThat(lastSeq).isEqualTo(lastAckSeq);
      }
    }
  }

  @Test
  void everyTabOfAUserReceivesMessagesAndTheRetryIsIdempotent() {
    Pair p = pair();
    try (Ws alice = Ws.open(ws, p.ta());
        Ws bobTab1 = Ws.open(ws, p.tb());
        Ws bobTab2 = Ws.open(ws, p.tb())) {
      alice.await("hello");
      bobTab1.await("hello");
      bobTab2.await("hello");
      alice.send(send(p.cid(), "t-1", "to every tab"));
      alice.await("ack");
      assertThat(bobTab1.await("message").path("message").path("body").asText())
          .isEqualTo("to every tab");
      assertThat(bobTab2.await("message").path("message").path("body").asText())
          .isEqualTo("to every tab");
      // the same clientMsgId again: acked as duplicate, delivered to nobody a second time
      alice.send(send(p.cid(), "t-1", "to every tab"));
      assertThat(alice.await("ack").path("duplicate").asBoolean()).isTrue();
      bobTab1.expectNone("message", Duration.ofMillis(300));
    }
  }

  @Test
  void resumeAfterReconnectReplaysWhatWasMissed() {
    Pair p = pair();
    long seen;
    try (Ws bob = Ws.open(ws, p.tb());
        Ws alice = Ws.open(ws, p.ta())) {
      bob.await("hello");
      alice.await("hello");
      alice.send(send(p.cid(), "r-1", "one"));
      seen = bob.await("message").path("message").path("seq").asLong();
    }
    // bob is offline: alice sends two more over REST
    api.post(
        "/api/conversations/" + p.cid() + "/messages",
        p.ta(),
        Map.of("clientMsgId", "r-2", "body", "two"));
    api.post(
        "/api/conversations/" + p.cid() + "/messages",
        p.ta(),
        Map.of("clientMsgId", "r-3", "body", "three"));
    try (Ws bob = Ws.open(ws, p.tb())) {
      bob.await("hello");
      bob.send(Map.of("type", "sync", "ref", "s1", "cursors", Map.of(p.cid(), seen)));
      JsonNode two = bob.await("message");
      JsonNode three = bob.await("message");
      assertThat(two.path("message").path("body").asText()).isEqualTo("two");
      assertThat(three.path("message").path("body").asText()).isEqualTo("three");
      JsonNode synced = bob.await("synced");
      assertThat(synced.path("ref").asText()).isEqualTo("s1");
      assertThat(synced.path("cursors").path(p.cid()).asLong())
          .isGreaterThanOrEqualTo(three.path("message").path("seq").asLong());
    }
  }

  @Test
  void malformedJsonIsAnsweredWithAnErrorFrameAndTheSocketStaysUsable() {
    Pair p = pair();
    try (Ws alice = Ws.open(ws, p.ta())) {
      alice.await("hello");
      alice.send("{this is not json");
      assertThat(alice.await("error").path("code").asText()).isEqualTo("malformed");
      alice.send("{\"type\":\"teleport\",\"ref\":\"u1\"}");
      assertThat(alice.await("error").path("code").asText()).isEqualTo("unknown_type");
      alice.send(send(p.cid(), "ok-1", "still works"));
      assertThat(alice.await("ack").path("clientMsgId").asText()).isEqualTo("ok-1");
    }
  }

  @Test
  void sendToAConversationOfOthersIsForbidden() {
    Pair p = pair();
    JsonNode outsider = api.signup(Api.unique("wo"));
    try (Ws mallory = Ws.open(ws, outsider.path("token").asText())) {
      mallory.await("hello");
      mallory.send(send(p.cid(), "x-1", "intrusion"));
      JsonNode error = mallory.await("error");
      assertThat(error.path("code").asText()).isIn("forbidden", "not_found");
      assertThat(error.path("clientMsgId").asText()).isEqualTo("x-1");
    }
    assertThat(
            api.get("/api/conversations/" + p.cid() + "/messages", p.ta()).json().path("messages"))
        .isEmpty();
  }

  @Test
  void oversizedFrameClosesWith1009() {
    Pair p = pair();
    try (Ws alice = Ws.open(ws, p.ta())) {
      alice.await("hello");
      alice
          .socket()
          .sendText("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(70 * 1024) + "\"}", true);
      assertThat(alice.awaitClose()).isEqualTo(1009);
    }
  }

  @Test
  void wrongOriginIsRefusedBeforeTheUpgrade() {
    Pair p = pair();
    Throwable refused = Ws.refused(ws, p.ta(), "https://evil.example");
    assertThat(refused).isInstanceOf(WebSocketHandshakeException.class);
    assertThat(((WebSocketHandshakeException) refused).getResponse().statusCode()).isEqualTo(403);
    // the configured origin and same-origin are accepted
    try (Ws ok = Ws.open(ws, p.ta(), "http://localhost:5173")) {
      ok.await("hello");
    }
    try (Ws ok = Ws.open(ws, p.ta(), "http://127.0.0.1:" + server.port())) {
      ok.await("hello");
    }
  }

  @Test
  void missingForgedExpiredAndAlgNoneTokensAreRefused() {
    Pair p = pair();
    assertThat(status(Ws.refused(ws, null, null))).isEqualTo(401);

    String[] parts = p.ta().split("\\.");
    String forgedPayload =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                    .replace(p.aId(), p.b().path("user").path("id").asText())
                    .getBytes(StandardCharsets.UTF_8));
    String forged = parts[0] + "." + forgedPayload + "." + parts[2];
    assertThat(status(Ws.refused(ws, forged, null))).isEqualTo(401);

    String algNoneHeader =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(status(Ws.refused(ws, algNoneHeader + "." + parts[1] + ".", null))).isEqualTo(401);

    String otherKey =
        JwtTokenIssuer.builder()
            .hmacSecret(
                "another-secret-another-secret-another-secret".getBytes(StandardCharsets.UTF_8))
            .build()
            .issue(p.aId())
            .toCompletableFuture()
            .join()
            .token();
    assertThat(status(Ws.refused(ws, otherKey, null))).isEqualTo(401);

    String expired =
        JwtTokenIssuer.builder()
            .hmacSecret(SECRET)
            .clock(Clock.fixed(Instant.now().minus(Duration.ofHours(3)), ZoneOffset.UTC))
            .ttl(Duration.ofHours(1))
            .build()
            .issue(p.aId())
            .toCompletableFuture()
            .join()
            .token();
    assertThat(status(Ws.refused(ws, expired, null))).isEqualTo(401);
    Api.Resp rest = api.get("/api/auth/me", expired);
    assertThat(rest.status()).isEqualTo(401);
    assertThat(rest.errorCode()).isEqualTo("token_expired");
  }

  @Test
  void logoutClosesOpenSessionsAndRevokesTheToken() {
    Pair p = pair();
    try (Ws alice = Ws.open(ws, p.ta())) {
      alice.await("hello");
      assertThat(api.post("/api/auth/logout", p.ta(), "").status()).isEqualTo(204);
      assertThat(alice.awaitClose()).isEqualTo(4001);
    }
    assertThat(status(Ws.refused(ws, p.ta(), null))).isEqualTo(401);
  }

  @Test
  void presenceIsVisibleOverRest() {
    Pair p = pair();
    try (Ws alice = Ws.open(ws, p.ta())) {
      alice.await("hello");
      JsonNode view = api.get("/api/users/" + p.aId(), p.tb()).json();
      assertThat(view.path("online").asBoolean()).isTrue();
    }
  }

  @Test
  void aPlainGetOnTheSocketPathIs426() {
    Api.Resp r = api.get("/ws", null);
    assertThat(r.status()).isEqualTo(426);
  }

  static int status(Throwable refused) {
    assertThat(refused).isInstanceOf(WebSocketHandshakeException.class);
    return ((WebSocketHandshakeException) refused).getResponse().statusCode();
  }
}
