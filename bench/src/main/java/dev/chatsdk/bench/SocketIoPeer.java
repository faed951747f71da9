package dev.chatsdk.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Node/Express + Socket.IO peer in {@code bench/peers/socketio}. */
final class SocketIoPeer extends ProcessPeer {
  private final Path dir;
  private final byte[] secret =
      "bench-secret-0123456789abcdef0123456789".getBytes(StandardCharsets.UTF_8);
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private int port;
  private int users;
  private int conversations;

  SocketIoPeer(Path dir) {
    this.dir = dir;
  }

  @Override
  public String name() {
    return "socketio";
  }

  @Override
  public void start(String cpus) throws Exception {
    proc =
        new Proc(
            List.of("node", "server.js"),
            cpus,
            Map.of("PORT", "0", "JWT_SECRET", new String(secret, StandardCharsets.UTF_8)),
            dir);
    port = proc.awaitListening(Duration.ofSeconds(30));
  }

  @Override
  public List<BenchUser> users(int n) {
    List<BenchUser> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = "u" + (users++);
      list.add(new BenchUser(id, Jwt.hs256(id, secret)));
    }
    return list;
  }

  @Override
  public String conversation(List<BenchUser> members) throws Exception {
    String id = "c" + (conversations++);
    StringBuilder ids = new StringBuilder();
    for (BenchUser m : members) {
      ids.append(ids.length() == 0 ? "" : ",").append('"').append(m.id()).append('"');
    }
    String body = "{\"conversations\":[{\"id\":\"" + id + "\",\"members\":[" + ids + "]}]}";
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/setup"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("setup " + r.statusCode() + ": " + r.body());
    }
    return id;
  }

  @Override
  public Connection connection(BenchUser user, Connection.Handler handler) {
    return new Connection(
        "127.0.0.1:" + port, "/socket.io/?EIO=4&transport=websocket", new String[0], handler);
  }

  @Override
  public java.net.InetSocketAddress address() {
    return new java.net.InetSocketAddress("127.0.0.1", port);
  }

  @Override
  public List<String> openingFrames(BenchUser user, List<String> conversations) {
    return List.of("40{\"token\":\"" + user.token() + "\"}");
  }

  @Override
  public boolean isReady(CharSequence text) {
    return Stamps.startsWith(text, "40");
  }

  @Override
  public String replyTo(CharSequence text) {
    return text.length() == 1 && text.charAt(0) == '2' ? "3" : null; // ping
  }

  @Override
  public String sendFrame(String conversationId, String clientMsgId, long ackId, String body) {
    return "42"
        + ackId
        + "[\"send\",{"
        + Stamps.sendFields(conversationId, clientMsgId, ackId, body)
        + "}]";
  }

  @Override
  public long deliveredStamp(CharSequence text) {
    return Stamps.startsWith(text, "42[\"message\"") ? Stamps.after(text, "\"body\":\"t=") : -1;
  }

  @Override
  public long ackId(CharSequence text) {
    return Stamps.startsWith(text, "43") ? Stamps.after(text, "43") : -1;
  }
}
