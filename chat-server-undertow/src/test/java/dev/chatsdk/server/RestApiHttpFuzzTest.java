package dev.chatsdk.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chatsdk.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzzes the REST parsers that live inside the handlers (query parameters {@code after}, {@code
 * before}, {@code limit} and {@code q}, path ids, the {@code Authorization} header and the auth
 * cookie) through the smallest seam they have: a real server on loopback, spoken to over a raw
 * socket so that any bytes reach it. Whatever the input, the answer is a client error or success,
 * never a server error or a hang.
 *
 * <p>Input: lines {@code endpoint, id, after-or-q, before, limit, authorization, cookie}; {@code
 * $TOKEN}, {@code $CONV} and {@code $ME} stand for a valid token, a conversation and the user's id.
 * Regression mode replays the seeds under {@code RestApiHttpFuzzTestInputs/<method>/}.
 */
class RestApiHttpFuzzTest {
  private static final int TIMEOUT_MS = 10_000;
  private static final List<String> ENDPOINTS =
      List.of("history", "user", "avatar", "search", "me");

  private static TestServer server;
  private static TestServer.TestUser alice;
  private static String conversationId;

  /**
   * Starts the server on the first input rather than in {@code @BeforeAll}: while fuzzing, Jazzer
   * installs its instrumentation after {@code @BeforeAll}, and classes loaded before that do not
   * survive being re-instrumented.
   */
  private static synchronized void startOnce() {
    if (server != null) {
      return;
    }
    TestServer started = TestServer.start();
    server = started; // closed by stop() even if what follows fails
    alice = started.signup("alice");
    TestServer.TestUser bob = started.signup("bob");
    Api.Resp created =
        new Api(started.baseUri())
            .post(
                "/api/conversations",
                alice.token(),
                java.util.Map.of("kind", "direct", "members", List.of(bob.id())));
    assertThat(created.status()).as(created.toString()).isIn(200, 201);
    conversationId = created.json().path("id").asText();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @FuzzTest(maxDuration = "2m")
  void requestLinesAndAuthHeadersGetAClientErrorOrSuccess(byte[] input) throws IOException {
    startOnce();
    String[] f = Arrays.copyOf(new String(input, StandardCharsets.UTF_8).split("\n", -1), 7);
    String endpoint = f[0] == null ? "history" : f[0].trim();
    String id = expand(f[1] == null ? "$CONV" : f[1]);
    String path =
        switch (ENDPOINTS.contains(endpoint) ? endpoint : "history") {
          case "user" -> "/api/users/" + pathSegment(id);
          case "avatar" -> "/api/users/" + pathSegment(id) + "/avatar";
          case "search" -> "/api/users?q=" + query(f[2]) + "&limit=" + query(f[4]);
          case "me" -> "/api/auth/me";
          default ->
              "/api/conversations/"
                  + pathSegment(id)
                  + "/messages?after="
                  + query(f[2])
                  + "&before="
                  + query(f[3])
                  + "&limit="
                  + query(f[4]);
        };
    StringBuilder request = new StringBuilder();
    request.append("GET ").append(path).append(" HTTP/1.1\r\n");
    request.append("Host: 127.0.0.1:").append(server.port()).append("\r\n");
    if (f[5] != null) {
      request.append("Authorization: ").append(headerValue(expand(f[5]))).append("\r\n");
    }
    if (f[6] != null) {
      request.append("Cookie: ").append(headerValue(expand(f[6]))).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");

    Response response = send(request.toString().getBytes(StandardCharsets.ISO_8859_1));
    assertThat(response.status)
        .as("%s -> %s %s", path, response.status, response.text())
        .isBetween(200, 499);
    if (response.status >= 400 && response.isJson()) {
      JsonNode error = Api.JSON.readTree(response.body).path("error");
      assertThat(error.path("code").isTextual()).as(response.text()).isTrue();
      assertThat(error.path("message").isTextual()).as(response.text()).isTrue();
    }
  }

  private static String expand(String s) {
    return s.replace("$TOKEN", alice.token())
        .replace("$CONV", conversationId)
        .replace("$ME", alice.id());
  }

  /** Percent-encodes everything but unreserved characters, so any string reaches the router. */
  private static String pathSegment(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if (Character.isLetterOrDigit(c) && c < 0x80
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(String.format(Locale.ROOT, "%02X", c));
      }
    }
    return sb.toString();
  }

  private static String query(String s) {
    return s == null ? "" : URLEncoder.encode(expand(s), StandardCharsets.UTF_8);
  }

  /** Header values keep any byte but line breaks and NUL, which would end or break the request. */
  private static String headerValue(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      sb.append(c == '\r' || c == '\n' || c == 0 ? ' ' : c > 0xFF ? '?' : c);
    }
    return sb.toString();
  }

  private record Response(int status, String head, byte[] body) {
    boolean isJson() {
      String h = head.toLowerCase(Locale.ROOT);
      return h.contains("content-type: application/json") && !h.contains("chunked");
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private static Response send(byte[] request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), TIMEOUT_MS);
      socket.setSoTimeout(TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all); // Connection: close; a read past the timeout fails the test (a hang)
      byte[] bytes = all.toByteArray();
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      int headEnd = text.indexOf("\r\n\r\n");
      assertThat(headEnd).as("a complete response: %s", text).isPositive();
      String head = text.substring(0, headEnd);
      String[] statusLine =
          head.substring(0, head.indexOf("\r\n") < 0 ? head.length() : head.indexOf("\r\n"))
              .split(" ");
      int status = Integer.parseInt(statusLine[1]);
      return new Response(status, head, Arrays.copyOfRange(bytes, headEnd + 4, bytes.length));
    }
  }
}
