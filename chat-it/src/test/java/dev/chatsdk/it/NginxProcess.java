package dev.chatsdk.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real nginx running the project's {@code deploy/nginx/nginx.conf} in the foreground, with only
 * what a test must change rewritten: the upstream servers, the listen port, and paths for the pid,
 * logs and temp files (all under the test's directory).
 */
final class NginxProcess implements AutoCloseable {
  private static final Pattern UPSTREAM_SERVER =
      Pattern.compile("(?m)^(\\s*)server 127\\.0\\.0\\.1:\\d+( [^;]*)?;\\n");

  private final Process process;
  private final Path dir;
  private final int port;

  private NginxProcess(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  static Path deployedConfig() {
    String configured = System.getenv("CHAT_IT_NGINX_CONF");
    return (configured != null ? Path.of(configured) : Path.of("../deploy/nginx/nginx.conf"))
        .toAbsolutePath()
        .normalize();
  }

  /** Rewrites the deployed config for a test run; fails if an expected part is missing. */
  static String testConfig(String deployed, Path dir, int listenPort, List<Integer> nodePorts) {
    String conf = deployed;
    conf = replaceOnce(conf, "worker_processes auto;", "daemon off;\nworker_processes 1;");
    conf = conf.replaceFirst("(?m)^pid [^;]+;", "pid " + dir.resolve("nginx.pid") + ";");
    conf = replaceOnce(conf, "worker_connections 8192;", "worker_connections 512;");
    conf = conf.replace("/tmp/chat-nginx-", dir + "/tmp-");
    conf =
        replaceOnce(
            conf,
            "access_log /dev/stdout;",
            "log_format upstreams '$request $status $upstream_addr';\n"
                + "  access_log "
                + dir.resolve("access.log")
                + " upstreams;");
    conf =
        replaceOnce(
            conf,
            "error_log /dev/stderr warn;",
            "error_log " + dir.resolve("error.log") + " warn;");
    conf = replaceOnce(conf, "listen 8080;", "listen 127.0.0.1:" + listenPort + ";");
    Matcher m = UPSTREAM_SERVER.matcher(conf);
    if (!m.find()) {
      throw new AssertionError("nginx.conf: no 'server 127.0.0.1:PORT ...;' in the upstream");
    }
    String indent = m.group(1);
    String params = m.group(2) == null ? "" : m.group(2);
    StringBuilder servers = new StringBuilder();
    for (int p : nodePorts) {
      servers.append(indent).append("server 127.0.0.1:").append(p).append(params).append(";\n");
    }
    conf = m.replaceAll("");
    int upstream = conf.indexOf("upstream chat_nodes {");
    if (upstream < 0) {
      throw new AssertionError("nginx.conf: no 'upstream chat_nodes {'");
    }
    int insert = conf.indexOf('\n', upstream) + 1;
    return conf.substring(0, insert) + servers + conf.substring(insert);
  }

  private static String replaceOnce(String conf, String from, String to) {
    if (!conf.contains(from)) {
      throw new AssertionError("nginx.conf: expected '" + from + "'");
    }
    return conf.replace(from, to);
  }

  static NginxProcess start(Path work, List<Integer> nodePorts) throws Exception {
    Path binary = Services.require("nginx", "/usr/sbin/nginx", "/usr/bin/nginx");
    Path dir = Files.createDirectories(work.resolve("nginx"));
    int port = Services.freePort();
    String conf = testConfig(Files.readString(deployedConfig()), dir, port, nodePorts);
    Path confFile = dir.resolve("nginx.conf");
    Files.writeString(confFile, conf);
    Process p =
        new ProcessBuilder(
                binary.toString(),
                "-p",
                dir.toString(),
                "-e",
                dir.resolve("error.log").toString(),
                "-c",
                confFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("nginx.out").toFile())
            .start();
    NginxProcess nginx = new NginxProcess(p, dir, port);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError("nginx exited with " + p.exitValue() + ": " + nginx.logs());
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return nginx;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    nginx.close();
    throw new AssertionError("nginx: not listening within 10 s: " + nginx.logs());
  }

  URI baseUri() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  int status(String path) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    return http.send(
            HttpRequest.newBuilder(baseUri().resolve(path)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** The distinct upstream addresses nginx's access log shows requests went to. */
  Set<String> upstreamsUsed() throws IOException {
    Set<String> used = new TreeSet<>();
    Path log = dir.resolve("access.log");
    if (!Files.exists(log)) {
      return used;
    }
    for (String line : Files.readAllLines(log)) {
      String[] parts = line.trim().split(" ");
      String last = parts[parts.length - 1];
      if (last.startsWith("127.0.0.1:")) {
        used.add(last);
      }
    }
    return used;
  }

  private String logs() {
    try {
      return Files.readString(dir.resolve("nginx.out"))
          + (Files.exists(dir.resolve("error.log"))
              ? Files.readString(dir.resolve("error.log"))
              : "");
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: fast shutdown
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
