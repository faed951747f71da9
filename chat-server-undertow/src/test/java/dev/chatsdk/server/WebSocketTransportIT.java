package dev.chatsdk.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsdk.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Transport details of /ws: heartbeats, binary frames, subprotocols, the query-string token. */
class WebSocketTransportIT {
  static TestServer server;
  static TestServer.TestUser user;

  @BeforeAll
  static void up() {
    server =
        TestServer.builder()
            .inMemory()
            .configure(b -> b.heartbeatInterval(Duration.ofMillis(200)))
            .start();
    user = server.signup(Api.unique("tr"));
  }

  @AfterAll
  static void down() {
    server.close();
  }

  @Test
  void aPeerThatNeverAnswersPingsIsDropped() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /ws?access_token="
                  + user.token()
                  + " HTTP/1.1\r\nHost: 127.0.0.1:"
                  + server.port()
                  + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                  + "Sec-WebSocket-Protocol: chat.v1\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      String head = readHead(in);
      assertThat(head)
          .startsWith("HTTP/1.1 101")
          .containsIgnoringCase("Sec-WebSocket-Protocol: chat.v1");
      int pings = 0;
      long started = System.nanoTime();
      // read frames, never answer: the server must ping, then hang up
      while (true) {
        int b0;
        try {
          b0 = in.read();
        } catch (SocketTimeoutException e) {
          throw new AssertionError("the server kept a silent peer for 5 s", e);
        } catch (IOException e) {
          break; // reset: dropped
        }
        if (b0 < 0) {
          break;
        }
        int opcode = b0 & 0x0F;
        long len = in.readUnsignedByte() & 0x7F;
        if (len == 126) {
          len = in.readUnsignedShort();
        } else if (len == 127) {
          len = in.readLong();
        }
        in.skipNBytes(len);
        if (opcode == 0x9) {
          pings++;
        }
      }
      assertThat(pings).isPositive();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }
  }

  @Test
  void aLivePeerSurvivesManyHeartbeats() throws Exception {
    try (Ws ws = Ws.open(server.webSocketUri(), user.token())) {
      ws.await("hello");
      Thread.sleep(1200); // six intervals; the JDK client answers pings
      ws.send(Map.of("type", "ping", "ref", "still-here"));
      assertThat(ws.await("pong").path("ref").asText()).isEqualTo("still-here");
    }
  }

  @Test
  void binaryFramesCloseTheSocketWith1003() {
    try (Ws ws = Ws.open(server.webSocketUri(), user.token())) {
      ws.await("hello");
      ws.socket().sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true);
      assertThat(ws.awaitClose()).isEqualTo(1003);
    }
  }

  @Test
  void aClientOfferingOnlyOtherSubprotocolsIsRefused() {
    try {
      HttpClient.newHttpClient()
          .newWebSocketBuilder()
          .header("Authorization", "Bearer " + user.token())
          .subprotocols("chat.v2")
          .buildAsync(server.webSocketUri(), new WebSocket.Listener() {})
          .orTimeout(10, TimeUnit.SECONDS)
          .join();
      throw new AssertionError("accepted");
    } catch (CompletionException e) {
      assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
      assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode())
          .isEqualTo(422);
    }
  }

  @Test
  void theTokenMayComeInTheQueryString() {
    java.net.URI uri = java.net.URI.create(server.webSocketUri() + "?access_token=" + user.token());
    try (Ws ws = Ws.open(uri, null, null)) {
      assertThat(ws.await("hello").path("user").path("id").asText()).isEqualTo(user.id());
    }
  }

  @Test
  void testServerSignupGivesAWorkingToken() {
    TestServer.TestUser other = server.signup(Api.unique("ts"));
    Api.Resp me = new Api(server.baseUri()).get("/api/auth/me", other.token());
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().path("user").path("id").asText()).isEqualTo(other.id());
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }
}
