package dev.chatsdk.bench;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Our server from its jar: the embedded default (durable) or the in-memory store. */
final class OurServerPeer extends ProcessPeer {
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
  private final Path jar;
  private final boolean inMemory;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private Path dataDir;
  private int port;
  private int userSerial;

  OurServerPeer(Path jar, boolean inMemory) {
    this.jar = jar;
    this.inMemory = inMemory;
  }

  @Override
  public String name() {
    return inMemory ? "ours-memory" : "ours-embedded";
  }

  @Override
  public void start(String cpus) throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    dataDir = Files.createTempDirectory("chat-bench-data");
    Map<String, String> env = new HashMap<>();
    env.put("CHAT_PORT", Integer.toString(port));
    env.put("CHAT_HOST", "127.0.0.1");
    env.put("CHAT_DATA_DIR", dataDir.toString());
    env.put("CHAT_RATE_LIMIT", "100000");
    env.put("CHAT_RATE_BURST", "100000");
    // sign-ups are throttled per client address; the generator declares itself a proxy and spreads
    // its sign-ups over X-Forwarded-For values (198.18.0.0/15 is the benchmarking range)
    env.put("CHAT_TRUSTED_PROXIES", "127.0.0.1");
    if (inMemory) {
      env.put("CHAT_STORE", "memory");
    }
    String java = System.getenv().getOrDefault("BENCH_SERVER_JAVA", "java");
    List<String> cmd = new ArrayList<>(List.of(java));
    String extra = System.getenv("BENCH_SERVER_JVM_OPTS");
    List<String> extras =
        extra == null || extra.isBlank() ? List.of() : List.of(extra.trim().split("\\s+"));
    if (extras.stream().noneMatch(o -> o.matches("-XX:\\+Use\\w+GC"))) {
      cmd.add("-XX:+UseG1GC");
    }
    cmd.add("-Xmx2g");
    cmd.addAll(extras);
    cmd.addAll(List.of("-jar", jar.toString()));
    proc = new Proc(cmd, cpus, env, null);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(uri("/readyz")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not up yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("server not ready in 60 s:\n" + proc.lastLines());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  @Override
  public List<BenchUser> users(int n) throws Exception {
    Semaphore inFlight = new Semaphore(8);
    List<CompletableFuture<BenchUser>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = "bench" + (userSerial++);
      String body =
          "{\"username\":\""
              + name
              + "\",\"password\":\"bench-password-1\",\"displayName\":\""
              + name
              + "\"}";
      inFlight.acquire();
      futures.add(
          http.sendAsync(
                  HttpRequest.newBuilder(uri("/api/auth/signup"))
                      .header("Content-Type", "application/json")
                      .header("X-Forwarded-For", "198.18." + (i / 250) + "." + (i % 250 + 1))
                      .POST(HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .whenComplete((r, e) -> inFlight.release())
              .thenApply(
                  r -> {
                    if (r.statusCode() != 201) {
                      throw new IllegalStateException("signup " + r.statusCode() + ": " + r.body());
                    }
                    return new BenchUser(first(ID, r.body()), first(TOKEN, r.body()));
                  }));
    }
    List<BenchUser> users = new ArrayList<>();
    for (CompletableFuture<BenchUser> f : futures) {
      users.add(f.get());
    }
    return users;
  }

  @Override
  public String conversation(List<BenchUser> members) throws Exception {
    StringBuilder ids = new StringBuilder();
    for (BenchUser m : members.subList(1, members.size())) {
      ids.append(ids.length() == 0 ? "" : ",").append('"').append(m.id()).append('"');
    }
    String body =
        members.size() == 2
            ? "{\"kind\":\"direct\",\"members\":[" + ids + "]}"
            : "{\"kind\":\"group\",\"title\":\"bench\",\"members\":[" + ids + "]}";
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri("/api/conversations"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + members.get(0).token())
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException("create conversation " + r.statusCode() + ": " + r.body());
    }
    return first(ID, r.body());
  }

  private static String first(Pattern p, String body) {
    Matcher m = p.matcher(body);
    if (!m.find()) {
      throw new IllegalStateException("no " + p + " in " + body);
    }
    return m.group(1);
  }

  @Override
  public Connection connection(BenchUser user, Connection.Handler handler) {
    return new Connection(
        "127.0.0.1:" + port,
        "/ws",
        new String[] {"Authorization: Bearer " + user.token(), "Sec-WebSocket-Protocol: chat.v1"},
        handler);
  }

  @Override
  public java.net.InetSocketAddress address() {
    return new java.net.InetSocketAddress("127.0.0.1", port);
  }

  @Override
  public List<String> openingFrames(BenchUser user, List<String> conversations) {
    return List.of();
  }

  @Override
  public boolean isReady(CharSequence text) {
    return Stamps.startsWith(text, "{\"type\":\"hello\"");
  }

  @Override
  public String replyTo(CharSequence text) {
    return null;
  }

  @Override
  public String sendFrame(String conversationId, String clientMsgId, long ackId, String body) {
    return "{\"type\":\"send\","
        + Stamps.sendFields(conversationId, clientMsgId, ackId, body)
        + "}";
  }

  @Override
  public long deliveredStamp(CharSequence text) {
    return Stamps.startsWith(text, "{\"type\":\"message\"")
        ? Stamps.after(text, "\"body\":\"t=")
        : -1;
  }

  @Override
  public long ackId(CharSequence text) {
    return Stamps.startsWith(text, "{\"type\":\"ack\"")
        ? Stamps.after(text, "\"clientMsgId\":\"k")
        : -1;
  }
}
